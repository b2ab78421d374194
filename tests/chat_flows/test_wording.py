"""Wording (issue #20): plural forms instead of "(s)", a country named once, no foreign-credential
evaluation offered for a Japanese degree, reasons for statuses that do not fit, Nikkei statuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.core.i18n import Catalogs
from api.pathways.present import render
from tests.chat_flows.test_pathway import COOK, PROFILE

Flows = Callable[..., Any]


def catalogs_of(client: TestClient) -> Catalogs:
    value: Catalogs = client.app.state.services.catalogs  # type: ignore[attr-defined]
    return value


@pytest.mark.parametrize(
    ("language", "one", "three"),
    [("en", "after 1 year of", "after 3 years of"), ("pt", "após 1 ano de", "após 3 anos de")],
)
def test_the_fast_track_years_use_plural_forms(client: TestClient, language: str, one: str, three: str) -> None:
    catalogs = catalogs_of(client)
    assert one in catalogs.ngettext("points.note.pr_fast_track", 1, language, years=1)
    assert three in catalogs.ngettext("points.note.pr_fast_track", 3, language, years=3)


def test_counted_items_use_plural_forms(client: TestClient) -> None:
    catalogs = catalogs_of(client)
    assert render(("points.rule.research", {"count": 1, "min": 3}), "en", catalogs).startswith(
        "Research achievements of 1 kind:"
    )
    assert "of 3 kinds" in render(("points.rule.research", {"count": 3, "min": 3}), "en", catalogs)


@pytest.mark.parametrize("language", ["en", "pt"])
def test_no_catalog_writes_a_plural_in_brackets(client: TestClient, language: str) -> None:
    catalogs = catalogs_of(client)
    bracketed = [key for key in catalogs.keys(language) if "(s)" in catalogs.gettext(key, language)]
    assert bracketed == []


def test_the_preview_names_the_country_once(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    slots = {"fce_country": "PH", "fce_credential": "ph_baccalaureate"}
    text = flows("fce/preview", {"conversation_id": conversation_in("en"), "slots": slots}).json()["replies"][0]["text"]
    assert text.count("(Philippines)") == 1


def test_the_credential_question_reads_well_with_any_country(
    flows: Flows, conversation_in: Callable[[str], str]
) -> None:
    body = {"conversation_id": conversation_in("en"), "slot": "fce_credential", "slots": {"fce_country": "PH"}}
    text = flows("ask", body).json()["replies"][0]["text"]
    assert "from Philippines" not in text and "Philippines" in text


def test_a_japanese_degree_is_not_offered_an_evaluation(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    slots = {"fce_country": "JP", "fce_credential": "other"}
    replies = flows("fce/preview", {"conversation_id": conversation_in("en"), "slots": slots}).json()["replies"]
    assert len(replies) == 1 and "buttons" not in replies[0]
    assert "needs no foreign-credential evaluation" in replies[0]["text"]


def test_statuses_that_do_not_fit_say_why(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    text = flows("pathways", {"conversation_id": conversation_in("en"), "slots": COOK}).json()["replies"][0]["text"]
    unfit = text.split("Probably do not fit for now:")[1].split("\n\n")[0]
    items = [line for line in unfit.splitlines() if line.startswith("• ")]
    assert items and unfit.count("Why not: ") == len(items)


def test_someone_of_japanese_descent_hears_about_the_nikkei_statuses(
    client: TestClient, flows: Flows, conversation_in: Callable[[str], str]
) -> None:
    conversation = conversation_in("pt")
    plain = flows("pathways", {"conversation_id": conversation, "slots": PROFILE}).json()["replies"]
    assert not any("定住者" in r["text"] for r in plain)
    client.app.state.services.conversations.handle_user_message(conversation, "sou sansei, que visto eu consigo?")  # type: ignore[attr-defined]
    replies = flows("pathways", {"conversation_id": conversation, "slots": PROFILE}).json()["replies"]
    nikkei = [r for r in replies if "定住者" in r["text"]]
    assert nikkei and "Residente de Longo Prazo" in nikkei[0]["text"] and nikkei[0]["sources"]
