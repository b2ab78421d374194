"""The end of each flow: the preview, the application the chat submits, the case status, the points."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.conversations.secrets import ISSUED, MASKED_CODE
from api.fce.feature import Fce
from knowledge_base.language import LANGUAGES
from tests.chat_flows.conftest import INTERNAL, LOCKOUT_FAILURES

Flows = Callable[..., Any]
APPLICATION_ANSWERS = {
    "fce_name": "Nguyễn Văn An",
    "fce_contact": "chat",
    "fce_language": "vi",
    "fce_residence": "JP",
    "fce_nationality": "-",
    "fce_purpose": "employment",
    "fce_institution": "Đại học Bách khoa Hà Nội",
    "fce_field": "Computer science",
    "fce_start_year": 2016,
    "fce_end_year": 2020,
    "fce_instruction_language": "Vietnamese",
    "fce_documents": "none",
    "fce_consent": True,
}
EQUIVALENT = {"ja": "学士", "en": "Bachelor's degree", "vi": "Cử nhân", "ne": "स्नातक", "pt": "Bacharel"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_preview_in_every_language(flows: Flows, conversation_in: Callable[[str], str], language: str) -> None:
    body = {
        "conversation_id": conversation_in(language),
        "slots": {"fce_country": "VN", "fce_credential": "vn_bachelor"},
    }
    result = flows("fce/preview", body).json()
    preview, offer = result["replies"]
    assert "(学士)" in preview["text"] or EQUIVALENT[language] in preview["text"]
    assert "{" not in preview["text"] and preview["sources"] and preview["sources"][0]["url"].startswith("https://")
    assert [b["payload"] for b in offer["buttons"]] == ["/affirm", "/deny"]
    slots = result["slots"]
    # The application starts prefilled from the preview, and everything else is cleared.
    assert (slots["fce_cred_country"], slots["fce_cred_id"], slots["fce_cred_name"]) == ("VN", "vn_bachelor", "-")
    assert slots["fce_country"] is None and slots["fce_name"] is None and len(slots["fce_submission_id"]) == 32


def test_preview_disclaimer_says_it_is_not_a_decision(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    body = {"conversation_id": conversation_in("en"), "slots": {"fce_country": "NP", "fce_credential": "np_bachelor"}}
    text = flows("fce/preview", body).json()["replies"][0]["text"]
    assert "It is not an evaluation or a recognition decision" in text


@pytest.mark.parametrize(
    ("slots", "expected", "cred_country"),
    [
        ({"fce_country": "other", "fce_credential": "other"}, "Without the country", None),
        ({"fce_country": "DE", "fce_credential": "other"}, "comparability data for Germany", "DE"),
        ({"fce_country": "VN", "fce_credential": "other"}, "isn't in my list for Vietnam", "VN"),
    ],
)
def test_no_preview_still_offers_the_application(
    flows: Flows, conversation_in: Callable[[str], str], slots: dict[str, Any], expected: str, cred_country: Any
) -> None:
    result = flows("fce/preview", {"conversation_id": conversation_in("en"), "slots": slots}).json()
    assert expected in result["replies"][0]["text"]
    assert result["replies"][1]["buttons"][0]["payload"] == "/affirm"
    assert result["slots"].get("fce_cred_country") == cred_country


def _preview_then_answers(flows: Flows, conversation: str) -> dict[str, Any]:
    body = {"conversation_id": conversation, "slots": {"fce_country": "VN", "fce_credential": "vn_bachelor"}}
    slots = {k: v for k, v in flows("fce/preview", body).json()["slots"].items() if v is not None}
    return {**slots, **APPLICATION_ANSWERS}


def test_the_chats_application_is_accepted_by_the_case_endpoint_once(
    client: TestClient, flows: Flows, conversation_in: Callable[[str], str]
) -> None:
    conversation = conversation_in("vi")
    built = flows(
        "fce/application", {"conversation_id": conversation, "slots": _preview_then_answers(flows, conversation)}
    )
    assert built.status_code == 200
    application = built.json()["application"]
    assert built.json()["interview"] is True
    assert application["email"] is None and application["nationality"] is None
    assert application["credentials"][0]["credential_id"] == "vn_bachelor"
    assert application["credentials"][0]["credential_name"] is None
    headers = {**INTERNAL, "Idempotency-Key": "chat-" + "a" * 64}
    first = client.post("/internal/v1/fce/cases", json=application, headers=headers)
    again = client.post("/internal/v1/fce/cases", json=application, headers=headers)
    assert first.status_code == 201 and again.status_code == 201
    assert first.json() == again.json()  # a retried submit is the same case with the same code


def test_an_unfinished_application_is_422_naming_the_slot(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    slots = {k: v for k, v in APPLICATION_ANSWERS.items() if k != "fce_purpose"}
    response = flows("fce/application", {"conversation_id": conversation_in("en"), "slots": slots})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "slots", "fce_purpose"]


def _case(client: TestClient, flows: Flows, conversation: str) -> dict[str, Any]:
    application = flows(
        "fce/application", {"conversation_id": conversation, "slots": _preview_then_answers(flows, conversation)}
    ).json()["application"]
    created: dict[str, Any] = client.post("/internal/v1/fce/cases", json=application, headers=INTERNAL).json()
    # The action server gets the code masked; the api holds the real one for the turn's delivery
    # (tests/chat_flows/test_access_codes.py). The applicant would have read it there.
    assert created["access_code"] == MASKED_CODE
    app: Any = client.app
    created["access_code"] = app.state.services.conversations.secrets.take(conversation, ISSUED)
    return created


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ja", "受付済み"),
        ("en", "received"),
        ("vi", "đã tiếp nhận"),
        ("ne", "प्राप्त भयो"),
        ("pt", "recebido"),
    ],
)
def test_case_status_in_the_users_language(
    client: TestClient, flows: Flows, conversation_in: Callable[[str], str], language: str, expected: str
) -> None:
    conversation = conversation_in(language)
    case = _case(client, flows, conversation)
    code = case["access_code"].replace("-", " ").lower()  # typed loosely
    body = {"conversation_id": conversation, "reference": case["reference"].lower(), "access_code": code}
    result = flows("case-status", body).json()
    assert result["outcome"] == "found"
    text = result["replies"][0]["text"]
    assert case["reference"] in text and expected in text and "{" not in text
    assert case["access_code"] not in text


def test_wrong_codes_lock_the_reference(
    client: TestClient, flows: Flows, conversation_in: Callable[[str], str]
) -> None:
    conversation = conversation_in("en")
    case = _case(client, flows, conversation)
    wrong = {"conversation_id": conversation, "reference": case["reference"], "access_code": "AAAA-AAAA-AAAA"}
    outcomes = [flows("case-status", wrong).json() for _ in range(LOCKOUT_FAILURES)]
    assert [o["outcome"] for o in outcomes] == ["not_found"] * LOCKOUT_FAILURES
    assert "No case matches" in outcomes[0]["replies"][0]["text"]
    right = {**wrong, "access_code": case["access_code"]}
    locked = flows("case-status", right).json()
    assert locked["outcome"] == "locked" and "locked" in locked["replies"][0]["text"]


def test_unknown_reference_reads_like_a_wrong_code(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    body = {"conversation_id": conversation_in("pt"), "reference": "FCE-2026-999999", "access_code": "ABCD-EFGH-JKMN"}
    result = flows("case-status", body).json()
    assert result["outcome"] == "not_found" and "Nenhum pedido" in result["replies"][0]["text"]


def test_a_conversation_has_its_own_status_budget(
    client: TestClient, flows: Flows, fce: Fce, conversation_in: Callable[[str], str]
) -> None:
    fce.settings.ip_status_limit = 2
    conversation = conversation_in("en")
    body = {"conversation_id": conversation, "reference": "FCE-2026-999999", "access_code": "ABCD-EFGH-JKMN"}
    outcomes = [flows("case-status", body).json()["outcome"] for _ in range(3)]
    assert outcomes == ["not_found", "not_found", "rate_limited"]
    other = {**body, "conversation_id": conversation_in("en")}
    assert flows("case-status", other).json()["outcome"] == "not_found"


POINTS = {
    "points_category": "b",
    "points_education": "master",
    "points_experience": 5,
    "points_salary": 8_000_000,
    "points_age": 29,
    "points_japanese": "N2",
    "points_jp_degree": False,
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_points_in_every_language(flows: Flows, conversation_in: Callable[[str], str], language: str) -> None:
    result = flows("points", {"conversation_id": conversation_in(language), "slots": POINTS}).json()
    assert result["result"]["total"] >= 70 and result["result"]["eligible"] is True
    text = result["replies"][0]["text"]
    assert str(result["result"]["total"]) in text and "{" not in text and "points." not in text
    assert text.count("• ") >= 5  # the breakdown, one line per item


def test_points_below_the_threshold(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    slots = {
        **POINTS,
        "points_education": "none",
        "points_salary": 3_000_000,
        "points_age": 45,
        "points_japanese": "none",
    }
    result = flows("points", {"conversation_id": conversation_in("en"), "slots": slots}).json()
    assert result["result"]["eligible"] is False
    assert "Does not meet the requirements" in result["replies"][0]["text"]


@pytest.mark.parametrize(
    ("change", "slot"),
    [
        ({"points_age": 12}, "points_age"),
        ({"points_experience": 40, "points_age": 30}, "points_experience"),
        ({"points_category": "z"}, "points_category"),
        ({"points_age": None}, "points_age"),
    ],
)
def test_inconsistent_points_are_422_naming_the_slot(
    flows: Flows, conversation_in: Callable[[str], str], change: dict[str, Any], slot: str
) -> None:
    slots = {k: v for k, v in {**POINTS, **change}.items() if v is not None}
    response = flows("points", {"conversation_id": conversation_in("en"), "slots": slots})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "slots", slot]
