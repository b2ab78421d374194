"""Handoff, the advisor API, auth, CSRF, rate limits, roles and escaping, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.advisors.service import AdvisorService
from api.auth.models import AuditEntry
from api.auth.tokens import TokenSigner
from api.conversations.models import OwnershipEvent
from api.conversations.states import IllegalTransition
from tests.advisors.conftest import INTERNAL, PASSWORD, hand_off, make_user
from tests.api.conftest import FakeRasa

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def url(conversation_id: str, action: str) -> str:
    return f"/api/v1/advisor/conversations/{conversation_id}/{action}"


def say(client: TestClient, conversation: dict[str, str], text: str, payload: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"text": text}
    if payload:
        body["payload"] = payload
    response = client.post(
        f"/api/v1/widget/conversations/{conversation['conversation_id']}/messages",
        json=body,
        headers={"Authorization": conversation["auth"]},
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def history(client: TestClient, conversation: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get(
        f"/api/v1/widget/conversations/{conversation['conversation_id']}/messages",
        headers={"Authorization": conversation["auth"]},
    )
    messages: list[dict[str, Any]] = response.json()["messages"]
    return messages


# -- handoff and the router ------------------------------------------------------------------------


def test_request_human_through_rasa_puts_the_conversation_in_the_queue(
    client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa
) -> None:
    advisors: AdvisorService = client.app.state.services.advisors  # type: ignore[attr-defined]

    # Stands in for Rasa running action_request_human, which calls the internal endpoint.
    def send(sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        _, replies = advisors.request_handoff(sender, "request_human")
        return [r.as_dict() for r in replies]

    fake_rasa.send = send  # type: ignore[method-assign]
    result = say(client, conversation, "Talk to an advisor", "/request_human")
    assert result["state"] == "waiting"
    assert "Japan time" in result["replies"][0]["text"]
    assert result["replies"][0]["buttons"][0]["payload"] == "/cancel_handoff"


def test_while_waiting_messages_are_kept_and_never_reach_rasa(
    client: TestClient, waiting: dict[str, str], fake_rasa: FakeRasa
) -> None:
    result = say(client, waiting, "are you there?")
    # Nobody is online in this test, so the user hears the message is kept (tests/advisors/test_waiting.py).
    assert result["state"] == "waiting"
    assert [r["text"] for r in result["replies"]] == [
        "Your message is saved for our advisors: they will read it first when they are back."
    ]
    assert fake_rasa.sent == []
    assert history(client, waiting)[-2]["text"] == "are you there?"


def test_handoff_message_is_in_the_users_language(client: TestClient) -> None:
    created = client.post("/api/v1/widget/conversations", json={"locale": "ja"}).json()
    body = hand_off(client, created["conversation_id"])
    assert "日本時間" in body["replies"][0]["text"]
    assert body["replies"][0]["buttons"][0]["title"] == "ボットに戻る"


def test_nobody_online_asks_for_a_message_and_lists_it_first(
    client: TestClient, conversation: dict[str, str], advisor: dict[str, Any]
) -> None:
    body = hand_off(client, conversation["conversation_id"])
    # The advisor logged in, so they count as online; outside office hours it is still a message.
    text = body["replies"][0]["text"]
    assert "leave your message" in text or "number 1 in the queue" in text
    queue = client.get("/api/v1/advisor/queue", headers=advisor["headers"]).json()
    entry = queue["waiting"][0]
    assert entry["id"] == conversation["conversation_id"]
    assert entry["last_intents"] == ["ask_guidance", "request_human"]
    assert entry["language"] == "en" and entry["channel"] == "widget"


def test_user_can_cancel_and_is_back_with_the_bot(
    client: TestClient, waiting: dict[str, str], fake_rasa: FakeRasa
) -> None:
    result = say(client, waiting, "Back to the bot", "/cancel_handoff")
    assert result["state"] == "bot"
    assert fake_rasa.sent == []
    assert say(client, waiting, "hello")["replies"][0]["text"] == "hello from the fake bot"


def test_a_second_handoff_request_says_you_are_already_connected(client: TestClient, waiting: dict[str, str]) -> None:
    body = hand_off(client, waiting["conversation_id"])
    assert body["state"] == "waiting"
    assert "already connected" in body["replies"][0]["text"]


def test_two_unsure_answers_in_a_row_offer_a_person_without_handing_off(
    client: TestClient, conversation: dict[str, str]
) -> None:
    # Issue #18, point 1: a person is offered (a button); the user stays with the bot until they ask.
    guidance = client.app.state.services.guidance  # type: ignore[attr-defined]
    cid = conversation["conversation_id"]
    guidance.record(cid, "q1", "en", None, None, confident=False)
    assert guidance.maybe_offer_person(cid, "en") == []
    guidance.record(cid, "q2", "en", None, None, confident=False)
    replies = guidance.maybe_offer_person(cid, "en")
    assert [b["payload"] for b in replies[0].buttons] == ["/request_human"]
    queue_state = client.app.state.services.conversations.get(cid).state  # type: ignore[attr-defined]
    assert queue_state == "bot"


def test_confident_answer_between_resets_the_count(client: TestClient, conversation: dict[str, str]) -> None:
    guidance = client.app.state.services.guidance  # type: ignore[attr-defined]
    cid = conversation["conversation_id"]
    guidance.record(cid, "q1", "en", None, None, confident=False)
    guidance.record(cid, "q2", "en", "visa.coe", 0.9, confident=True)
    guidance.record(cid, "q3", "en", None, None, confident=False)
    assert guidance.maybe_offer_person(cid, "en") == []


def test_internal_handoff_needs_the_service_token(client: TestClient, conversation: dict[str, str]) -> None:
    response = client.post(f"/internal/v1/conversations/{conversation['conversation_id']}/handoff", json={})
    assert response.status_code == 401
    assert client.post("/internal/v1/conversations/nope/handoff", json={}, headers=INTERNAL).status_code == 404


# -- the advisor's round trip ------------------------------------------------------------------------


def test_claim_reply_close_rate(
    client: TestClient, waiting: dict[str, str], advisor: dict[str, Any], fake_rasa: FakeRasa
) -> None:
    cid = waiting["conversation_id"]
    say(client, waiting, "I need help with my COE")
    queue = client.get("/api/v1/advisor/queue", headers=advisor["headers"]).json()
    assert queue["waiting"][0]["unread"] == 1
    assert client.post(url(cid, "claim"), headers=advisor["headers"]).status_code == 200
    transcript = client.get(url(cid, "transcript"), headers=advisor["headers"]).json()
    assert transcript["conversation"]["language"] == "en"
    assert [e["to"] for e in transcript["events"]] == ["waiting", "advisor"]
    assert client.get("/api/v1/advisor/queue", headers=advisor["headers"]).json()["mine"][0]["unread"] == 0

    sent = client.post(url(cid, "messages"), json={"text": "Hello, I am Aiko."}, headers=advisor["headers"])
    assert sent.status_code == 200 and sent.json()["role"] == "advisor"
    assert (
        client.post(url(cid, "notes"), json={"text": "asks about COE"}, headers=advisor["headers"]).status_code == 200
    )
    assert say(client, waiting, "thanks")["replies"] == []
    assert fake_rasa.sent == []

    assert client.post(url(cid, "close"), headers=advisor["headers"]).json()["state"] == "closed"
    messages = history(client, waiting)
    roles = [m["role"] for m in messages]
    assert "advisor" in roles and all("asks about COE" not in m["text"] for m in messages)
    rating = messages[-1]
    assert [b["payload"] for b in rating["buttons"]] == [f'/rate{{"score": {n}}}' for n in range(1, 6)]
    result = say(client, waiting, "4 ★", '/rate{"score": 4}')
    assert result["state"] == "closed" and result["replies"][0]["text"] == "Thank you for your rating."
    stats = client.get("/api/v1/advisor/stats", headers=advisor["headers"]).json()
    assert stats["handoffs"] == 1 and stats["claimed"] == 1 and stats["median_wait_seconds"] is not None
    assert stats["ratings_by_language"] == {"en": {"count": 1, "average": 4.0}}
    assert stats["ratings_by_channel"] == {"widget": {"count": 1, "average": 4.0}}
    # Writing again after the close starts over with the bot.
    assert say(client, waiting, "one more question")["state"] == "bot"
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        actions = [a.action for a in session.query(AuditEntry).order_by(AuditEntry.id)]
    assert {"claim", "message", "note", "close", "read"} <= set(actions)


def test_handback_returns_to_the_bot(client: TestClient, waiting: dict[str, str], advisor: dict[str, Any]) -> None:
    cid = waiting["conversation_id"]
    client.post(url(cid, "claim"), headers=advisor["headers"])
    assert client.post(url(cid, "handback"), headers=advisor["headers"]).json()["state"] == "bot"
    assert say(client, waiting, "hi bot")["replies"][0]["text"] == "hello from the fake bot"


def test_transfer_goes_back_to_the_queue_for_a_colleague(
    client: TestClient, waiting: dict[str, str], advisor: dict[str, Any], other_advisor: dict[str, Any]
) -> None:
    cid = waiting["conversation_id"]
    client.post(url(cid, "claim"), headers=advisor["headers"])
    response = client.post(url(cid, "transfer"), json={"advisor_id": other_advisor["id"]}, headers=advisor["headers"])
    assert response.json() == {"id": cid, "state": "waiting", "transfer_to_id": other_advisor["id"]}
    entry = client.get("/api/v1/advisor/queue", headers=other_advisor["headers"]).json()["waiting"][0]
    assert entry["transfer_to_id"] == other_advisor["id"]
    assert client.post(url(cid, "claim"), headers=other_advisor["headers"]).status_code == 200
    bad = client.post(url(cid, "transfer"), json={"advisor_id": 9999}, headers=other_advisor["headers"])
    assert bad.status_code == 404


def test_illegal_advisor_moves_are_409(
    client: TestClient, conversation: dict[str, str], advisor: dict[str, Any]
) -> None:
    cid = conversation["conversation_id"]  # owned by the bot
    for action in ("claim", "handback", "close"):
        assert client.post(url(cid, action), headers=advisor["headers"]).status_code == 409, action
    assert client.post(url(cid, "messages"), json={"text": "hi"}, headers=advisor["headers"]).status_code == 409
    hand_off(client, cid)
    assert client.post(url(cid, "close"), headers=advisor["headers"]).status_code == 409
    client.post(url(cid, "claim"), headers=advisor["headers"])
    assert client.post(url(cid, "claim"), headers=advisor["headers"]).status_code == 409
    client.post(url(cid, "close"), headers=advisor["headers"])
    for action in ("claim", "handback", "close"):
        assert client.post(url(cid, action), headers=advisor["headers"]).status_code == 409, action
    assert client.post(url("nope", "claim"), headers=advisor["headers"]).status_code == 404


def _claim(advisors: AdvisorService, person: Any, cid: str, barrier: threading.Barrier, outcomes: list[str]) -> None:
    barrier.wait()
    try:
        advisors.claim(person, cid)
        outcomes.append("won")
    except IllegalTransition as exc:  # StateConflict, or the state already was advisor: both are 409
        outcomes.append(type(exc).__name__)


def test_claim_race_has_exactly_one_winner(
    client: TestClient, conversation: dict[str, str], advisor: dict[str, Any], other_advisor: dict[str, Any]
) -> None:
    advisors: AdvisorService = client.app.state.services.advisors  # type: ignore[attr-defined]
    from api.auth.models import User

    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        people = [session.get(User, advisor["id"]), session.get(User, other_advisor["id"])]
    for _ in range(5):
        response = client.post("/api/v1/widget/conversations", json={"locale": "en"}).json()
        cid = response["conversation_id"]
        hand_off(client, cid)
        barrier = threading.Barrier(2)
        outcomes: list[str] = []
        threads = [
            threading.Thread(target=_claim, args=(advisors, person, cid, barrier, outcomes)) for person in people
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes)[-1] == "won" and outcomes.count("won") == 1, outcomes
        with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
            claims = session.query(OwnershipEvent).filter_by(conversation_id=cid, to_state="advisor").count()
        assert claims == 1


def test_claim_race_over_http(
    client: TestClient, waiting: dict[str, str], advisor: dict[str, Any], other_advisor: dict[str, Any]
) -> None:
    cid = waiting["conversation_id"]
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def claim(headers: dict[str, str]) -> None:
        barrier.wait()
        statuses.append(client.post(url(cid, "claim"), headers=headers).status_code)

    threads = [threading.Thread(target=claim, args=(a["headers"],)) for a in (advisor, other_advisor)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409]


# -- auth, roles, CSRF, rate limits ---------------------------------------------------------------


def test_login_returns_a_bearer_token_and_a_strict_cookie(client: TestClient, advisor: dict[str, Any]) -> None:
    response = client.post("/api/v1/auth/login", json={"email": "AIKO@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert set(response.json()) == {"access_token", "token_type"} and response.json()["token_type"] == "bearer"
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("kk_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert client.post("/api/v1/auth/login", json={"email": "aiko@example.org", "password": "wrong"}).status_code == 401
    assert client.post("/api/v1/auth/login", json={"email": "no@example.org", "password": "x"}).status_code == 401


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/advisor/queue", "get"),
        ("/api/v1/advisor/stats", "get"),
        ("/api/v1/advisor/conversations/x/claim", "post"),
        ("/api/v1/advisor/conversations/x/transcript", "get"),
    ],
)
def test_no_bad_expired_or_forged_token_is_401(
    client: TestClient, advisor: dict[str, Any], path: str, method: str
) -> None:
    signer: TokenSigner = client.app.state.services.signer  # type: ignore[attr-defined]
    expired = signer.issue(advisor["id"], "sid", now=time.time() - signer.ttl_seconds - 5)
    forged = TokenSigner("not-the-secret", 3600).issue(advisor["id"], "sid")
    _body, _, sig = signer.issue(advisor["id"], "sid").partition(".")
    tampered = signer.issue(advisor["id"] + 1, "sid").split(".")[0] + "." + sig
    # Signed here and unexpired, but naming no session the server opened.
    unknown = signer.issue(advisor["id"], "never-opened")
    for headers in (
        {},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": f"Bearer {expired}"},
        {"Authorization": f"Bearer {forged}"},
        {"Authorization": f"Bearer {tampered}"},
        {"Authorization": f"Bearer {unknown}"},
    ):
        assert getattr(client, method)(path, headers=headers).status_code == 401, headers


def test_wrong_role_is_403(client: TestClient) -> None:
    evaluator = make_user(client, "eva@example.org", role="evaluator")
    assert client.get("/api/v1/advisor/queue", headers=evaluator["headers"]).status_code == 403
    admin = make_user(client, "root@example.org", role="admin")
    assert client.get("/api/v1/advisor/queue", headers=admin["headers"]).status_code == 200


def test_an_advisor_cannot_read_or_act_on_others_conversations(
    client: TestClient, conversation: dict[str, str], advisor: dict[str, Any], other_advisor: dict[str, Any]
) -> None:
    cid = conversation["conversation_id"]
    # A conversation only the bot has had is not for advisors to read.
    assert client.get(url(cid, "transcript"), headers=advisor["headers"]).status_code == 403
    hand_off(client, cid)
    assert client.get(url(cid, "transcript"), headers=other_advisor["headers"]).status_code == 200
    client.post(url(cid, "claim"), headers=advisor["headers"])
    assert client.get(url(cid, "transcript"), headers=other_advisor["headers"]).status_code == 403
    for action in ("handback", "close"):
        assert client.post(url(cid, action), headers=other_advisor["headers"]).status_code == 403
    assert client.post(url(cid, "messages"), json={"text": "x"}, headers=other_advisor["headers"]).status_code == 403
    assert client.post(url(cid, "notes"), json={"text": "x"}, headers=other_advisor["headers"]).status_code == 403
    admin = make_user(client, "root@example.org", role="admin")
    assert client.get(url(cid, "transcript"), headers=admin["headers"]).status_code == 200


def test_cookie_changes_need_the_csrf_header(
    client: TestClient, waiting: dict[str, str], advisor: dict[str, Any]
) -> None:
    login = client.post("/api/v1/auth/login", json={"email": "aiko@example.org", "password": PASSWORD})
    assert login.status_code == 200
    cid = waiting["conversation_id"]
    assert client.get("/api/v1/advisor/queue").status_code == 200  # reads need no CSRF token
    assert client.post(url(cid, "claim")).status_code == 403
    assert client.post(url(cid, "claim"), headers={"X-CSRF-Token": "guess"}).status_code == 403
    token = client.cookies.get("kk_csrf")
    assert token
    assert client.post(url(cid, "claim"), headers={"X-CSRF-Token": token}).status_code == 200


def test_login_is_rate_limited(client: TestClient, advisor: dict[str, Any]) -> None:
    for _ in range(5):
        wrong = client.post("/api/v1/auth/login", json={"email": "aiko@example.org", "password": "nope"})
        assert wrong.status_code == 401
    limited = client.post("/api/v1/auth/login", json={"email": "aiko@example.org", "password": PASSWORD})
    assert limited.status_code == 429 and "Retry-After" in limited.headers


# -- bad input and escaping --------------------------------------------------------------------------


def test_text_over_4000_characters_is_422(client: TestClient, waiting: dict[str, str], advisor: dict[str, Any]) -> None:
    cid = waiting["conversation_id"]
    client.post(url(cid, "claim"), headers=advisor["headers"])
    assert client.post(url(cid, "messages"), json={"text": "a" * 4001}, headers=advisor["headers"]).status_code == 422
    assert client.post(url(cid, "notes"), json={"text": "a" * 4001}, headers=advisor["headers"]).status_code == 422
    assert client.post(url(cid, "messages"), json={"text": "a" * 4000}, headers=advisor["headers"]).status_code == 200
    assert client.post(url(cid, "messages"), json={"text": "   "}, headers=advisor["headers"]).status_code == 422


def test_html_in_messages_is_text_in_the_console(
    client: TestClient, waiting: dict[str, str], advisor: dict[str, Any]
) -> None:
    cid = waiting["conversation_id"]
    say(client, waiting, XSS)
    client.post(url(cid, "claim"), headers=advisor["headers"])
    client.post(url(cid, "notes"), json={"text": XSS}, headers=advisor["headers"])
    client.post("/api/v1/auth/login", json={"email": "aiko@example.org", "password": PASSWORD})
    page = client.get(f"/console/conversations/{cid}")
    assert page.status_code == 200
    assert XSS not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_console_pages_need_a_login(client: TestClient, advisor: dict[str, Any]) -> None:
    assert client.get("/console", follow_redirects=False).headers["location"] == "/console/login"
    login = client.get("/console/login?lang=ja")
    assert login.status_code == 200 and "ログイン" in login.text
    client.post("/api/v1/auth/login", json={"email": "aiko@example.org", "password": PASSWORD})
    assert client.get("/console").status_code == 200
    assert client.get("/console/stats?lang=ja").status_code == 200


def test_live_events_reach_the_widget_and_the_console(
    client: TestClient, waiting: dict[str, str], advisor: dict[str, Any]
) -> None:
    cid = waiting["conversation_id"]
    client.post(url(cid, "claim"), headers=advisor["headers"])
    client.post("/api/v1/auth/login", json={"email": "aiko@example.org", "password": PASSWORD})
    with (
        client.websocket_connect(f"/api/v1/widget/conversations/{cid}/ws") as widget,
        client.websocket_connect("/api/v1/advisor/ws") as console,
    ):
        widget.send_json({"type": "auth", "token": waiting["token"]})
        assert widget.receive_json()["type"] == "ready"
        assert console.receive_json()["type"] == "ready"
        say(client, waiting, "question for a person")
        assert widget.receive_json()["message"]["text"] == "question for a person"
        pushed = console.receive_json()
        assert pushed["type"] == "user_message" and pushed["message"]["text"] == "question for a person"
        client.post(url(cid, "messages"), json={"text": "answer from Aiko"}, headers=advisor["headers"])
        live = widget.receive_json()
        assert live["message"]["role"] == "advisor" and live["message"]["text"] == "answer from Aiko"


def test_console_socket_refuses_strangers(client: TestClient) -> None:
    from starlette.websockets import WebSocketDisconnect

    with client.websocket_connect("/api/v1/advisor/ws") as ws, pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    assert closed.value.code == 4401


def test_unsure_answers_with_other_turns_between_are_not_in_a_row(
    client: TestClient, conversation: dict[str, str]
) -> None:
    # Issue #20, defect 1: two doubts ten form answers apart are not a stuck conversation.
    guidance = client.app.state.services.guidance  # type: ignore[attr-defined]
    cid = conversation["conversation_id"]
    guidance.record(cid, "q1", "en", None, None, confident=False)
    say(client, conversation, "Nguyen Van An")
    say(client, conversation, "2016")
    guidance.record(cid, "q2", "en", None, None, confident=False)
    assert guidance.maybe_offer_person(cid, "en") == []
    assert client.app.state.services.conversations.get(cid).state == "bot"  # type: ignore[attr-defined]
