"""/internal/v1/flows/ask: every question in every language, its buttons, and the way out."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.chat_flows.slots import ASKED_SLOTS
from knowledge_base.language import LANGUAGES

UNRENDERED = re.compile(r"\{\w+\}|\b(?:flow|fce|points)\.[a-z_]")
SLOTS_SO_FAR = {"fce_country": "VN", "fce_cred_country": "VN", "fce_residence": "JP"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_question_renders_in_every_language(
    flows: Callable[..., Any], conversation_in: Callable[[str], str], language: str
) -> None:
    conversation = conversation_in(language)
    for slot in ASKED_SLOTS:
        response = flows("ask", {"conversation_id": conversation, "slot": slot, "slots": SLOTS_SO_FAR})
        assert response.status_code == 200, (slot, response.text)
        (reply,) = response.json()["replies"]
        assert reply["text"] and not UNRENDERED.search(reply["text"]), (slot, reply["text"])
        assert all(b["title"] and not UNRENDERED.search(b["title"]) for b in reply["buttons"]), slot
        # Every question has a way out, and it is the last button.
        assert reply["buttons"][-1]["payload"] == "/stop", slot


def test_country_question_offers_the_eighteen_countries_and_other(
    flows: Callable[..., Any], conversation_in: Callable[[str], str]
) -> None:
    reply = flows("ask", {"conversation_id": conversation_in("vi"), "slot": "fce_country"}).json()["replies"][0]
    values = [json.loads(b["payload"][len("/choose") :])["value"] for b in reply["buttons"][:-1]]
    assert len(values) == 19 and values[0] == "fce_country:VN" and values[-1] == "fce_country:other"
    assert reply["buttons"][0]["title"] == "Việt Nam"


def test_line_gets_at_most_thirteen_buttons_with_other_and_cancel(
    client: TestClient, flows: Callable[..., Any]
) -> None:
    app: Any = client.app
    conversation, _token = app.state.services.conversations.create("line", locale="ne", channel_user_id="U1")
    reply = flows("ask", {"conversation_id": conversation.id, "slot": "fce_country"}).json()["replies"][0]
    assert len(reply["buttons"]) == 13
    assert reply["buttons"][0]["title"] == "नेपाल"
    assert reply["buttons"][-2]["payload"].endswith('"fce_country:other"}')
    assert reply["buttons"][-1]["payload"] == "/stop"


def test_credential_buttons_come_from_the_countrys_list(
    flows: Callable[..., Any], conversation_in: Callable[[str], str]
) -> None:
    body = {"conversation_id": conversation_in("pt"), "slot": "fce_credential", "slots": {"fce_country": "BR"}}
    reply = flows("ask", body).json()["replies"][0]
    assert "Brasil" in reply["text"]
    values = [json.loads(b["payload"][len("/choose") :])["value"] for b in reply["buttons"][:-1]]
    assert all(v.startswith("fce_credential:br_") for v in values[:-1]) and values[-1] == "fce_credential:other"


def test_consent_links_the_privacy_notice_in_the_conversations_language(
    flows: Callable[..., Any], conversation_in: Callable[[str], str]
) -> None:
    reply = flows("ask", {"conversation_id": conversation_in("ja"), "slot": "fce_consent"}).json()["replies"][0]
    assert "http://127.0.0.1:8000/kb/ja/service.privacy" in reply["text"]


def test_preferred_language_offers_the_conversations_language_first(
    flows: Callable[..., Any], conversation_in: Callable[[str], str]
) -> None:
    reply = flows("ask", {"conversation_id": conversation_in("ne"), "slot": "fce_language"}).json()["replies"][0]
    assert reply["buttons"][0]["payload"] == '/choose{"value": "fce_language:ne"}'
    assert "नेपाली" in reply["text"]


def test_unknown_conversation_uses_the_mirrored_language(flows: Callable[..., Any]) -> None:
    reply = flows("ask", {"conversation_id": "nobody", "language": "pt", "slot": "points_age"}).json()["replies"][0]
    assert reply["text"] == "Quantos anos você tem?"


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"conversation_id": "c", "slot": "nope"}, ["body", "slot"]),
        ({"conversation_id": "c", "slot": "fce_submission_id"}, ["body", "slot"]),
        ({"conversation_id": "c", "slot": "points_age", "slots": {"evil": 1}}, ["body", "slots", "evil", "[key]"]),
        ({"conversation_id": "c" * 65, "slot": "points_age"}, ["body", "conversation_id"]),
        ({"conversation_id": "c", "slot": "points_age", "extra": 1}, ["body", "extra"]),
        ({"conversation_id": "c", "slot": "points_age", "language": "xx"}, ["body", "language"]),
    ],
)
def test_malformed_calls_are_422_naming_the_field(
    flows: Callable[..., Any], body: dict[str, Any], loc: list[Any]
) -> None:
    response = flows("ask", body)
    assert response.status_code == 422
    assert loc in [error["loc"] for error in response.json()["detail"]]


def test_internal_token_required(flows: Callable[..., Any]) -> None:
    body = {"conversation_id": "c", "slot": "points_age"}
    assert flows("ask", body, headers={}).status_code == 401
    assert flows("ask", body, headers={"Authorization": "Bearer wrong"}).status_code == 401
