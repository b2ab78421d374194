"""Verifiable records in the chat (issue 13, items 6 and 7 "... or the chat"): share links after a status
check, pasted credentials verified by the api before Rasa, and added to an application like the web upload.

The status check is called as the action server calls it (POST /internal/v1/flows/case-status), the
buttons are pressed through the widget like a person would; Rasa is the fake, and must never see a
token or one of these payloads.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from api.core import pasted
from api.core.clock import utcnow
from api.core.config import REPO_ROOT
from api.core.i18n import Catalogs, format_date
from api.fce.feature import Fce
from api.fce.models import FceCase, FceCredential
from api.records import jose, sdjwt
from api.records.chat import share_requested
from api.records.issuing import RecordsService
from api.records.models import RecordChatGrant, RecordInbound, RecordShare
from knowledge_base.language import LANGUAGES
from tests.records.conftest import BASE, INTERNAL, create, issued_case
from tests.records.test_bring import did_key_issuer, install, ob3

CATALOGS = Catalogs(REPO_ROOT / "locales")
WIDGET = "/api/v1/widget/conversations"
SHARE_REQUESTS = {
    "en": "I want to share my evaluation with an employer",
    "ja": "評価結果を会社と共有したいです",
    "vi": "Tôi muốn chia sẻ kết quả đánh giá với nhà tuyển dụng",
    "ne": "मेरो मूल्याङ्कन रोजगारदातासँग साझा गर्न चाहन्छु",
    "pt": "Quero compartilhar minha avaliação com um empregador",
}


def t(key: str, language: str, **params: Any) -> str:
    return CATALOGS.gettext(key, language, **params)


# -- helpers -----------------------------------------------------------------------------------------------


def chat(client: TestClient, language: str) -> dict[str, str]:
    response = client.post(WIDGET, json={"locale": language})
    assert response.status_code == 201
    body: dict[str, str] = response.json()
    return {"id": body["conversation_id"], "auth": f"Bearer {body['token']}", "language": language}


def say(client: TestClient, conversation: dict[str, str], text: str = "", payload: str | None = None) -> Any:
    body: dict[str, Any] = {"text": text or (payload or "")}
    if payload is not None:
        body["payload"] = payload
    return client.post(
        f"{WIDGET}/{conversation['id']}/messages", json=body, headers={"Authorization": conversation["auth"]}
    )


def replies(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["replies"]
    return found


def check_case(client: TestClient, conversation: dict[str, str], case: dict[str, Any]) -> dict[str, Any]:
    """The chat's status check, as the action server makes it once the form has reference and code."""
    body = {"conversation_id": conversation["id"], "reference": case["reference"], "access_code": case["access_code"]}
    response = client.post("/internal/v1/flows/case-status", json=body, headers=INTERNAL)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    assert answer["outcome"] == "found"
    return answer


def history(client: TestClient, conversation: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get(f"{WIDGET}/{conversation['id']}/messages", headers={"Authorization": conversation["auth"]})
    assert response.status_code == 200
    messages: list[dict[str, Any]] = response.json()["messages"]
    return messages


def count(fce: Fce, model: Any) -> int:
    with fce.cases.db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def link_token(text: str) -> str:
    start = text.index(f"{BASE}/s/") + len(f"{BASE}/s/")
    return text[start:].split()[0]


def expire_grants(fce: Fce) -> None:
    with fce.cases.db.session() as session:
        session.execute(update(RecordChatGrant).values(expires_at=utcnow() - timedelta(seconds=1)))


def rasa_saw(fake_rasa: Any) -> str:
    return json.dumps(fake_rasa.sent)


# -- sharing -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_share_from_chat_after_a_status_check(
    client: TestClient, fce: Fce, records: RecordsService, evaluator: dict[str, Any], fake_rasa: Any, language: str
) -> None:
    case = issued_case(client, evaluator, preferred_language=language)
    conversation = chat(client, language)
    answer = check_case(client, conversation, case)
    (status_reply,) = answer["replies"]
    assert t("records.chat.share.offer", language) in status_reply["text"]
    titles = [b["title"] for b in status_reply["buttons"]]
    assert titles == [t("records.chat.share.button_full", language), t("records.chat.share.button_selective", language)]
    full, selective = (b["payload"] for b in status_reply["buttons"])
    assert case["access_code"] not in full + selective

    (made,) = replies(say(client, conversation, titles[0], payload=full))
    url_token = link_token(made["text"])
    share = client.get(f"/api/v1/shares/{url_token}").json()
    assert share["result"] == "valid"
    evaluation = share["credential"]["credentialSubject"]["evaluation"]
    assert "substantialDifferences" in evaluation and "reference" not in evaluation
    assert format_date(utcnow() + timedelta(days=30), language) in made["text"]
    assert f"{BASE}/fce/status?lang={language}" in made["text"]
    assert made["text"].startswith(t("records.chat.share.created_full", language).split("{")[0])

    (made,) = replies(say(client, conversation, titles[1], payload=selective))
    share = client.get(f"/api/v1/shares/{link_token(made['text'])}").json()
    assert share["result"] == "valid"
    evaluation = share["credential"]["credentialSubject"]["evaluation"]
    assert "substantialDifferences" not in evaluation and "remarks" not in evaluation
    assert share["presentation"].count("~") >= 2  # an SD-JWT, with only the chosen disclosures

    # The links are the web's: listed on the status page's API with their default expiry.
    listed = client.get(
        f"/api/v1/fce/cases/{case['reference']}/shares", headers={"X-Access-Code": case["access_code"]}
    ).json()["shares"]
    assert len(listed) == 2 and all(s["status"] == "active" for s in listed)
    assert "share_record" not in rasa_saw(fake_rasa)


@pytest.mark.parametrize("language", LANGUAGES)
def test_typed_request_to_share_asks_for_a_status_check_first_then_offers_the_buttons(
    client: TestClient, fce: Fce, records: RecordsService, evaluator: dict[str, Any], fake_rasa: Any, language: str
) -> None:
    assert share_requested(SHARE_REQUESTS[language])
    case = issued_case(client, evaluator)
    conversation = chat(client, language)
    (reply,) = replies(say(client, conversation, SHARE_REQUESTS[language]))
    assert reply["text"] == t("records.chat.share.check_first", language, minutes=15)
    assert reply["buttons"] == [
        {"title": t("records.chat.share.button_check", language), "payload": "/check_case_status"}
    ]
    assert fake_rasa.sent == [] and count(fce, RecordShare) == 0

    check_case(client, conversation, case)
    (reply,) = replies(say(client, conversation, SHARE_REQUESTS[language]))
    assert reply["text"] == t("records.chat.share.choose", language)
    assert [b["payload"].split("{")[0] for b in reply["buttons"]] == ["/share_record", "/share_record"]
    assert fake_rasa.sent == []


def test_questions_about_sharing_and_other_talk_still_go_to_the_bot(client: TestClient, fake_rasa: Any) -> None:
    for text in ("What is a share link?", "How do I share a flat in Tokyo?", "共有とは何ですか", "hello"):
        assert not share_requested(text), text
    conversation = chat(client, "en")
    replies(say(client, conversation, "What is a share link?"))
    assert fake_rasa.sent[-1]["message"] == "What is a share link?"


def test_a_button_without_a_fresh_grant_of_this_conversation_creates_nothing(
    client: TestClient, fce: Fce, records: RecordsService, evaluator: dict[str, Any], fake_rasa: Any
) -> None:
    case = issued_case(client, evaluator)
    owner, stranger = chat(client, "en"), chat(client, "vi")
    payload = check_case(client, owner, case)["replies"][0]["buttons"][0]["payload"]
    refused = t("records.chat.share.expired_grant", "vi", minutes=15)

    # Another conversation presses (or forges) the owner's button: no grant of its own.
    (reply,) = replies(say(client, stranger, "x", payload=payload))
    assert reply["text"] == refused and "/s/" not in reply["text"]
    # No grant at all, a forged reference, nonsense entities.
    for forged in (
        payload.replace(case["reference"], "FCE-2026-00000000"),
        '/share_record{"reference":"\' OR 1=1 --","position":0,"mode":"full"}',
    ):
        (reply,) = replies(say(client, stranger, "x", payload=forged))
        assert reply["text"] == refused
    for broken in (
        '/share_record{"position":"0 OR 1","mode":"full","reference":"x"}',
        '/share_record{"position":0,"mode":"everything","reference":"x"}',
        '/share_record{"position":true,"mode":"full","reference":"x"}',
    ):
        (reply,) = replies(say(client, owner, "x", payload=broken))
        assert reply["text"] == t("records.chat.share.invalid", "en")
    assert count(fce, RecordShare) == 0

    # The owner's grant, once expired, opens nothing either.
    expire_grants(fce)
    (reply,) = replies(say(client, owner, "x", payload=payload))
    assert reply["text"] == t("records.chat.share.expired_grant", "en", minutes=15)
    assert count(fce, RecordShare) == 0
    # A fresh check renews it.
    check_case(client, owner, case)
    (reply,) = replies(say(client, owner, "x", payload=payload))
    assert "/s/" in reply["text"] and count(fce, RecordShare) == 1
    assert "share_record" not in rasa_saw(fake_rasa)


def test_link_creation_is_rate_limited_per_conversation(
    client: TestClient, fce: Fce, records: RecordsService, evaluator: dict[str, Any]
) -> None:
    case = issued_case(client, evaluator)
    conversation, other = chat(client, "pt"), chat(client, "pt")
    payload = check_case(client, conversation, case)["replies"][0]["buttons"][0]["payload"]
    for _ in range(5):
        assert "/s/" in replies(say(client, conversation, "x", payload=payload))[0]["text"]
    (reply,) = replies(say(client, conversation, "x", payload=payload))
    assert reply["text"] == t("records.chat.share.rate_limited", "pt", minutes=60)
    assert count(fce, RecordShare) == 5
    # Another conversation has its own budget.
    check_case(client, other, case)
    assert "/s/" in replies(say(client, other, "x", payload=payload))[0]["text"]


def test_a_case_without_credentials_gets_no_share_buttons_and_a_wrong_code_no_grant(
    client: TestClient, fce: Fce, records: RecordsService
) -> None:
    case = create(client)
    conversation = chat(client, "ja")
    (reply,) = check_case(client, conversation, case)["replies"]
    assert "buttons" not in reply
    wrong = {
        "conversation_id": chat(client, "ja")["id"],
        "reference": case["reference"],
        "access_code": "AAAA-BBBB-CCCC",
    }
    answer = client.post("/internal/v1/flows/case-status", json=wrong, headers=INTERNAL).json()
    assert answer["outcome"] == "not_found"
    with fce.cases.db.session() as session:
        grants = session.scalars(select(RecordChatGrant.conversation_id)).all()
    assert grants == [conversation["id"]]


# -- pasted credentials ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_pasted_kakehashi_credential_is_verified_by_the_api_and_never_stored_or_sent_to_rasa(
    client: TestClient,
    fce: Fce,
    records: RecordsService,
    evaluator: dict[str, Any],
    fake_rasa: Any,
    caplog: pytest.LogCaptureFixture,
    language: str,
) -> None:
    case = issued_case(client, evaluator)
    conversation = chat(client, language)
    caplog.set_level(logging.INFO)
    text = f"Here is my credential: {case['credential']} thanks"
    (reply,) = replies(say(client, conversation, text))
    assert reply["text"].startswith(t("records.chat.result.valid", language))
    assert t("records.chat.issuer.kakehashi", language) in reply["text"]
    assert "buttons" not in reply  # Kakehashi's own evaluation is not a credential to be evaluated
    stored = [m for m in history(client, conversation) if m["role"] == "user"]
    assert [m["text"] for m in stored] == [t("records.chat.paste.placeholder", language)]
    assert fake_rasa.sent == []
    assert case["credential"][:40] not in caplog.text and "thanks" not in caplog.text
    assert "result=valid" in caplog.text


def test_pasted_sd_jwt_json_revoked_and_the_conversation_language_stays(
    client: TestClient, fce: Fce, records: RecordsService, evaluator: dict[str, Any]
) -> None:
    case = issued_case(client, evaluator)
    conversation = chat(client, "vi")
    ring = records.ring()
    assert ring.signing.private is not None
    # An SD-JWT presentation with every disclosure, inside a JSON document.
    issuer_jwt, groups = sdjwt.issue(
        jose.parse(case["credential"])[1], ring.signing.private, jose.parse(case["credential"])[0]["kid"]
    )
    presentation = sdjwt.present(issuer_jwt, groups, list(sdjwt.GROUPS))
    document = json.dumps({"type": ["VerifiablePresentation"], "credential": presentation})
    response = say(client, conversation, document)
    (reply,) = replies(response)
    assert reply["text"].startswith(t("records.chat.result.valid", "vi"))
    assert response.json()["language"] == "vi"

    url = f"/api/v1/evaluator/cases/{case['reference']}/credential/revoke"
    assert client.post(url, json={"reason": "issued in error"}, headers=evaluator["headers"]).status_code == 200
    records_chat: Any = client.app.state.services.records_chat  # type: ignore[attr-defined]
    records_chat._verifiers.clear()  # this worker's status cache; others see it within a minute
    (reply,) = replies(say(client, conversation, case["credential"]))
    assert reply["text"].startswith(t("records.chat.result.revoked", "vi"))


def _forged(token: str, **header: Any) -> str:
    _h, payload = jose.parse(token)
    head = jose.b64url_encode(json.dumps({"alg": "none", "typ": "vc+jwt"} | header).encode())
    body = jose.b64url_encode(json.dumps(payload).encode())
    return f"{head}.{body}."


def test_tampered_alg_none_and_garbage_are_refused_with_no_claims(
    client: TestClient, fce: Fce, records: RecordsService, evaluator: dict[str, Any], fake_rasa: Any
) -> None:
    case = issued_case(client, evaluator, name="Nguyen Van Tampered")
    conversation = chat(client, "ne")
    head, _body, signature = case["credential"].split(".")
    payload = jose.parse(case["credential"])[1]
    payload["credentialSubject"]["evaluation"]["iscedLevel"] = 8
    altered = f"{head}.{jose.b64url_encode(json.dumps(payload).encode())}.{signature}"
    for bad, result in (
        (altered, "tampered"),
        (_forged(case["credential"]), "tampered"),
        (_forged(case["credential"], alg="HS256"), "tampered"),
        ("eyJnYXJiYWdl.eyJnYXJiYWdl.!!!", "tampered"),
        # Well-formed JSON, signed by nobody we can find: nobody vouches for it.
        ("eyJhbGciOiJFZERTQSJ9.eyJub3QiOiJhIGNyZWRlbnRpYWwifQ.c2lnbmF0dXJl", "unknown_issuer"),
    ):
        (reply,) = replies(say(client, conversation, bad))
        assert reply["text"] == t(f"records.chat.result.{result}", "ne"), bad
        assert "Tampered" not in reply["text"] and "buttons" not in reply
    stored = [m["text"] for m in history(client, conversation) if m["role"] == "user"]
    assert stored == [t("records.chat.paste.placeholder", "ne")] * 5
    assert fake_rasa.sent == []


def test_oversized_tokens_are_refused_before_anything_is_verified(
    client: TestClient, fce: Fce, records: RecordsService, fake_rasa: Any
) -> None:
    conversation = chat(client, "en")
    huge = "eyJhbGciOiJFZERTQSJ9." + "eyJ" + "A" * (pasted.MAX_CHARS + 10) + ".sig"
    response = say(client, conversation, huge)
    assert response.status_code == 422  # past the pasted-credential limit: refused, nothing stored
    assert [m for m in history(client, conversation) if m["role"] == "user"] == []
    # Within the widget's limit but over the token limit of the verifier (the service itself).
    services: Any = client.app.state.services  # type: ignore[attr-defined]
    services.records.settings = services.records.settings.model_copy(update={"max_token_bytes": 1024})
    outcome = services.conversations.handle_user_message(
        conversation["id"], "eyJhbGciOiJFZERTQSJ9.eyJ" + "B" * 2000 + ".x"
    )
    assert outcome.replies[0].text == t("records.chat.paste.too_large", "en", limit=pasted.MAX_CHARS)
    assert fake_rasa.sent == []
    # Ordinary text keeps its ordinary limit.
    assert say(client, conversation, "a" * 2001).status_code == 422


def test_pasted_credentials_are_rate_limited_per_conversation(
    client: TestClient, fce: Fce, records: RecordsService
) -> None:
    conversation = chat(client, "en")
    garbage = "eyJnYXJiYWdl.eyJnYXJiYWdl.x"
    for _ in range(20):
        replies(say(client, conversation, garbage))
    (reply,) = replies(say(client, conversation, garbage))
    assert reply["text"] == t("records.chat.paste.rate_limited", "en", minutes=10)


# -- a brought credential added to an application -----------------------------------------------------------


def _own_chat_application(fce: Fce, reference: str, conversation: dict[str, str]) -> None:
    with fce.cases.db.session() as session:
        session.execute(
            update(FceCase).where(FceCase.reference == reference).values(conversation_id=conversation["id"])
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_verified_university_credential_joins_the_application_like_the_web_upload(
    client: TestClient, fce: Fce, records: RecordsService, evaluator: dict[str, Any], tmp_path: Path, language: str
) -> None:
    university = did_key_issuer()
    install(client, fce, tmp_path, allow_private=False, dids=[university.did])
    case = create(client, preferred_language=language)
    conversation = chat(client, language)
    check_case(client, conversation, case)
    token = university.sign(ob3(university.did))
    (reply,) = replies(say(client, conversation, token))
    assert reply["text"].startswith(t("records.chat.result.valid", language))
    assert t("records.chat.issuer.recognised", language, issuer="x", did=university.did).split("x")[0] in reply["text"]
    assert "Bachelor of Engineering in Computer Science" in reply["text"]
    (button,) = reply["buttons"]
    assert button["title"] == t("records.chat.add.button", language, reference=case["reference"])
    assert token[:30] not in button["payload"]

    (done,) = replies(say(client, conversation, button["title"], payload=button["payload"]))
    assert done["text"].startswith(t("records.chat.add.done", language, reference=case["reference"]))
    assert t("bring.applicant.prefilled", language) in done["text"]
    brought = client.get(
        f"/api/v1/evaluator/cases/{case['reference']}/verifiable-credentials", headers=evaluator["headers"]
    ).json()["verifiable_credentials"]
    (row,) = brought
    assert row["result"] == "valid" and row["position"] == 1 and row["confirmed_at"] is None
    assert row["recognised_issuer"]["id"] == "fake_university"
    with fce.cases.db.session() as session:
        institutions = session.scalars(
            select(FceCredential.institution).join(FceCase).where(FceCase.reference == case["reference"])
        ).all()
    assert "Hanoi University of Science and Technology" in institutions

    # The same credential pasted again and added again: answered, never added twice.
    (again,) = replies(say(client, conversation, token))
    (reply,) = replies(say(client, conversation, "x", payload=again["buttons"][0]["payload"]))
    assert reply["text"] == t("records.chat.add.already", language, reference=case["reference"])
    assert count(fce, RecordInbound) == 1


def test_the_add_button_needs_an_open_case_of_this_conversation_and_the_pasted_token(
    client: TestClient, fce: Fce, records: RecordsService, evaluator: dict[str, Any], tmp_path: Path
) -> None:
    university = did_key_issuer()
    install(client, fce, tmp_path, allow_private=False)
    case = create(client)
    owner, stranger = chat(client, "en"), chat(client, "pt")
    _own_chat_application(fce, case["reference"], owner)
    token = university.sign(ob3(university.did))

    (reply,) = replies(say(client, owner, token))
    assert (
        t(
            "records.chat.issuer.unrecognised",
            "en",
            issuer="Hanoi University of Science and Technology",
            did=university.did,
        )
        in reply["text"]
    )
    payload = reply["buttons"][0]["payload"]
    # Another conversation pasting the same token has no case to add to, and cannot use the owner's button.
    (other,) = replies(say(client, stranger, token))
    assert "buttons" not in other and t("records.chat.add.how", "pt") in other["text"]
    (refused,) = replies(say(client, stranger, "x", payload=payload))
    assert refused["text"] == t("records.chat.share.expired_grant", "pt", minutes=15)
    assert count(fce, RecordInbound) == 0

    # The owner's case moved on to evaluation: nothing can be added any more.
    for step in ("documents_received", "under_evaluation"):
        url = f"/api/v1/evaluator/cases/{case['reference']}/transitions"
        assert client.post(url, json={"to": step}, headers=evaluator["headers"]).status_code == 200
    (reply,) = replies(say(client, owner, "x", payload=payload))
    assert reply["text"] == t("records.chat.add.closed", "en", reference=case["reference"])
    assert count(fce, RecordInbound) == 0


def test_a_token_not_pasted_in_time_must_be_pasted_again(
    client: TestClient, fce: Fce, records: RecordsService, tmp_path: Path
) -> None:
    university = did_key_issuer()
    install(client, fce, tmp_path, allow_private=False)
    case = create(client)
    conversation = chat(client, "ja")
    _own_chat_application(fce, case["reference"], conversation)
    payload = json.dumps({"reference": case["reference"]})
    (reply,) = replies(say(client, conversation, "x", payload="/add_brought" + payload))
    assert reply["text"] == t("records.chat.add.paste_again", "ja", minutes=15)
    # A credential that fails verification is never held for adding.
    expired = ob3(university.did)
    expired["validUntil"] = "2021-01-01T00:00:00Z"
    (reply,) = replies(say(client, conversation, university.sign(expired)))
    assert reply["text"].startswith(t("records.chat.result.expired", "ja")) and "buttons" not in reply
    (reply,) = replies(say(client, conversation, "x", payload="/add_brought" + payload))
    assert reply["text"] == t("records.chat.add.paste_again", "ja", minutes=15)
    assert count(fce, RecordInbound) == 0


def test_a_token_pasted_while_an_advisor_owns_the_conversation_is_still_kept_out(
    client: TestClient, fce: Fce, records: RecordsService, evaluator: dict[str, Any], fake_rasa: Any
) -> None:
    case = issued_case(client, evaluator)
    conversation = chat(client, "en")
    services: Any = client.app.state.services  # type: ignore[attr-defined]
    from api.conversations.models import Conversation

    with services.db.session() as session:
        session.get(Conversation, conversation["id"]).state = "waiting"
    (reply,) = replies(say(client, conversation, case["credential"]))
    assert reply["text"].startswith(t("records.chat.result.valid", "en"))
    assert all(case["credential"][:40] not in m["text"] for m in history(client, conversation))
    assert fake_rasa.sent == []


def test_verification_in_chat_is_fast(
    client: TestClient, fce: Fce, records: RecordsService, evaluator: dict[str, Any]
) -> None:
    """Measured: the whole turn (store, verify, answer), Kakehashi's credential, status list local."""
    case = issued_case(client, evaluator)
    conversation = chat(client, "en")
    timings = []
    for _ in range(10):
        started = time.perf_counter()
        replies(say(client, conversation, case["credential"]))
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(
        f"\nchat verification turn: p50 {timings[4]:.1f} ms, max {timings[-1]:.1f} ms;"
        f" token {len(case['credential'])} characters (the paste limit is {pasted.MAX_CHARS})"
    )
    assert len(case["credential"]) < pasted.MAX_CHARS
    assert timings[4] < 2000


def test_erasing_the_conversation_drops_a_credential_waiting_to_be_added(
    client: TestClient, fce: Fce, records: RecordsService, tmp_path: Path
) -> None:
    from api.conversations.models import TurnSecret
    from tests.fce.conftest import staff

    university = did_key_issuer()
    install(client, fce, tmp_path, allow_private=False)
    case = create(client)
    conversation = chat(client, "en")
    _own_chat_application(fce, case["reference"], conversation)
    (reply,) = replies(say(client, conversation, university.sign(ob3(university.did))))
    assert reply["buttons"] and count(fce, TurnSecret) == 1
    admin = staff(client, "admin@example.com", "admin")
    response = client.post(
        "/api/v1/admin/privacy/erase", json={"conversation_id": conversation["id"]}, headers=admin["headers"]
    )
    assert response.status_code == 200, response.text
    assert count(fce, TurnSecret) == 0 and count(fce, RecordChatGrant) == 0
