"""While a conversation waits for an advisor: knowledge answers when nobody is there, the queue's
order (left messages first), and the user's place in it over REST and live "queue" events.
SQLite and PostgreSQL, through the parametrised database_url fixture."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from starlette.testclient import WebSocketTestSession

from api.advisors.hours import OfficeHours
from api.advisors.models import Handoff
from api.advisors.service import AdvisorService
from api.conversations.models import Message, OwnershipEvent
from api.knowledge.models import Answer
from api.knowledge.search import KnowledgeBase
from tests.advisors.conftest import hand_off, make_user
from tests.advisors.test_advisor_api import say, url
from tests.api.conftest import FakeRasa
from tests.api.test_guidance import FakeRetriever

KEPT = "Your message is saved for our advisors: they will read it first when they are back."
# Monday 2025-11-24 in Tokyo (in the past, so a fresh login counts as online): 10:00 is inside the
# default office hours, 20:00 and 21:00 are outside.
OPEN = datetime(2025, 11, 24, 1, 0, tzinfo=UTC)
CLOSED = datetime(2025, 11, 24, 11, 0, tzinfo=UTC)
LATER_CLOSED = datetime(2025, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture
def retriever(client: TestClient) -> FakeRetriever:
    fake = FakeRetriever()
    knowledge = KnowledgeBase(client.app.state.services.settings.index_dir, loader=lambda _: fake)  # type: ignore[attr-defined]
    knowledge._load()
    client.app.state.services.guidance.knowledge = knowledge  # type: ignore[attr-defined]
    return fake


@pytest.fixture
def open_desk(client: TestClient) -> dict[str, Any]:
    """Office hours around the clock and an advisor logged in: handoffs go to a live queue."""
    client.app.state.services.advisors.hours = OfficeHours("mon-sun 00:00-24:00")  # type: ignore[attr-defined]
    advisor = make_user(client, "aiko@example.org", name="Aiko")
    # Any authenticated request marks the advisor as seen, i.e. online.
    assert client.get("/api/v1/advisor/queue", headers=advisor["headers"]).status_code == 200
    return advisor


def service(client: TestClient) -> AdvisorService:
    advisors: AdvisorService = client.app.state.services.advisors  # type: ignore[attr-defined]
    return advisors


def db_count(client: TestClient, query: Any) -> int:
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        return int(session.scalar(query) or 0)


def statuses(client: TestClient, conversation_id: str) -> list[str]:
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        return list(
            session.scalars(
                select(Message.status)
                .where(Message.conversation_id == conversation_id, Message.role == "user")
                .order_by(Message.id)
            )
        )


def left_message(client: TestClient, conversation_id: str) -> bool:
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        return bool(session.scalar(select(Handoff.left_message).where(Handoff.conversation_id == conversation_id)))


def new_conversation(client: TestClient) -> dict[str, str]:
    body: dict[str, str] = client.post("/api/v1/widget/conversations", json={"locale": "en"}).json()
    body["auth"] = f"Bearer {body['token']}"
    return body


# -- knowledge answers while nobody is there --------------------------------------------------------


def test_with_nobody_there_a_knowledge_question_is_answered_and_kept(
    client: TestClient, waiting: dict[str, str], retriever: FakeRetriever, fake_rasa: FakeRasa
) -> None:
    cid = waiting["conversation_id"]
    assert left_message(client, cid)  # no advisor has logged in: the user was asked to leave a message
    result = say(client, waiting, "What is a COE?")
    assert result["state"] == "waiting"
    answer, kept = result["replies"]
    assert answer["text"].startswith("Summary of visa.coe in en.")
    assert answer["sources"][0]["url"] == "/kb/en/visa.coe"
    payloads = [b["payload"] for b in answer["buttons"]]
    assert "/request_human" not in payloads  # already waiting for one
    assert payloads[0] == '/more_detail{"topic_id": "visa.coe"}'
    assert kept["text"] == KEPT
    # Straight from the knowledge base: Rasa's tracker never sees the message.
    assert fake_rasa.sent == [] and retriever.queries[-1] == ("What is a COE?", "en", 3)
    # The question is still the advisors' to read, and the answer is in the history they will see.
    assert statuses(client, cid) == ["queued"]
    history = client.get(
        f"/api/v1/widget/conversations/{cid}/messages", headers={"Authorization": waiting["auth"]}
    ).json()
    assert [m["role"] for m in history["messages"][-3:]] == ["user", "bot", "bot"]
    assert history["state"] == "waiting"
    advisor = make_user(client, "aiko@example.org", name="Aiko")
    entry = client.get("/api/v1/advisor/queue", headers=advisor["headers"]).json()["waiting"][0]
    assert entry["id"] == cid and entry["unread"] == 1 and entry["left_message"] is True
    assert entry["topics"] == ["visa.coe"]


def test_unsure_questions_are_only_kept_and_never_hand_off_again(
    client: TestClient, waiting: dict[str, str], retriever: FakeRetriever, fake_rasa: FakeRasa
) -> None:
    cid = waiting["conversation_id"]
    retriever.confident = False
    for text in ("hmm", "is anyone there?", "???"):
        result = say(client, waiting, text)
        assert result == {"language": "en", "state": "waiting", "replies": [{"text": KEPT}]}
    # No "not sure" answers were counted, so the two-unsure-answers rule has nothing to trigger on,
    # and there is still one handoff and one owner change.
    assert db_count(client, select(func.count()).select_from(Answer)) == 0
    assert db_count(client, select(func.count()).select_from(Handoff)) == 1
    assert db_count(client, select(func.count()).select_from(OwnershipEvent)) == 1
    assert statuses(client, cid) == ["queued", "queued", "queued"]
    assert fake_rasa.sent == []


def test_when_the_index_is_not_loaded_the_message_is_still_acknowledged(
    client: TestClient, waiting: dict[str, str]
) -> None:
    result = say(client, waiting, "What is a COE?")
    assert result["replies"] == [{"text": KEPT}] and result["state"] == "waiting"


def test_a_failing_retriever_does_not_lose_the_message(
    client: TestClient, waiting: dict[str, str], retriever: FakeRetriever
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("index corrupted")

    retriever.search = broken  # type: ignore[method-assign]
    assert say(client, waiting, "What is a COE?")["replies"] == [{"text": KEPT}]
    assert statuses(client, waiting["conversation_id"]) == ["queued"]


def test_buttons_on_an_answer_given_while_waiting_work(
    client: TestClient, waiting: dict[str, str], retriever: FakeRetriever, fake_rasa: FakeRasa
) -> None:
    cid = waiting["conversation_id"]
    answer = say(client, waiting, "What is a COE?")["replies"][0]
    detail = say(client, waiting, "More detail", answer["buttons"][0]["payload"])
    assert detail["state"] == "waiting"
    assert detail["replies"][0]["text"].startswith("Section")
    assert "buttons" not in detail["replies"][0]  # its only button was "Talk to an advisor"
    down = next(b for b in answer["buttons"] if '"value": "down"' in b["payload"])
    thanks = say(client, waiting, down["title"], down["payload"])
    assert thanks["replies"][0]["text"].startswith("Thank you. I'm sorry")
    # The question waits for the advisors; the button presses were answered by the bot.
    assert statuses(client, cid) == ["queued", "answered", "answered"]
    assert fake_rasa.sent == []


def test_other_buttons_while_waiting_are_held_silently(
    client: TestClient, waiting: dict[str, str], retriever: FakeRetriever
) -> None:
    result = say(client, waiting, "Talk to an advisor", "/request_human")
    assert result == {"language": "en", "state": "waiting", "replies": []}


def test_with_an_advisor_online_nothing_is_answered_by_the_bot(
    client: TestClient,
    conversation: dict[str, str],
    open_desk: dict[str, Any],
    retriever: FakeRetriever,
    fake_rasa: FakeRasa,
) -> None:
    cid = conversation["conversation_id"]
    assert "number 1 in the queue" in hand_off(client, cid)["replies"][0]["text"]
    assert not left_message(client, cid)
    for text, payload in (("What is a COE?", None), ("More detail", '/more_detail{"topic_id": "visa.coe"}')):
        assert say(client, conversation, text, payload) == {"language": "en", "state": "waiting", "replies": []}
    assert retriever.queries == [] and fake_rasa.sent == []
    assert statuses(client, cid) == ["queued", "queued"]


def test_once_claimed_a_left_message_is_the_advisors_alone(
    client: TestClient, waiting: dict[str, str], retriever: FakeRetriever
) -> None:
    cid = waiting["conversation_id"]
    advisor = make_user(client, "aiko@example.org", name="Aiko")
    assert client.post(url(cid, "claim"), headers=advisor["headers"]).status_code == 200
    assert say(client, waiting, "What is a COE?") == {"language": "en", "state": "advisor", "replies": []}
    assert retriever.queries == []


def test_after_cancelling_the_bot_and_rasa_answer_again(
    client: TestClient, waiting: dict[str, str], retriever: FakeRetriever, fake_rasa: FakeRasa
) -> None:
    say(client, waiting, "What is a COE?")
    assert say(client, waiting, "Back to the bot", "/cancel_handoff")["state"] == "bot"
    assert say(client, waiting, "hello")["replies"][0]["text"] == "hello from the fake bot"
    assert [s["message"] for s in fake_rasa.sent] == ["hello"]


# -- the queue's order and the user's place in it ---------------------------------------------------


def test_left_messages_come_first_and_every_view_agrees(client: TestClient, open_desk: dict[str, Any]) -> None:
    advisors = service(client)
    advisors.hours = OfficeHours("mon-fri 09:00-18:00")
    live_early, left_early, left_late, live_late = (new_conversation(client) for _ in range(4))
    # An advisor is online throughout (open_desk logged one in); only the office hours differ.
    advisors.request_handoff(live_early["conversation_id"], "request_human", now=OPEN)
    _, replies = advisors.request_handoff(left_early["conversation_id"], "request_human", now=CLOSED)
    assert "leave your message" in replies[0].text
    advisors.request_handoff(left_late["conversation_id"], "request_human", now=LATER_CLOSED)
    advisors.hours = OfficeHours("mon-sun 00:00-24:00")
    _, replies = advisors.request_handoff(live_late["conversation_id"], "request_human")
    # The newest live request is behind both left messages and the earlier live one.
    assert "number 4 in the queue" in replies[0].text

    queue = client.get("/api/v1/advisor/queue", headers=open_desk["headers"]).json()["waiting"]
    ids = [entry["id"] for entry in queue]
    expected = [c["conversation_id"] for c in (left_early, left_late, live_early, live_late)]
    assert ids == expected
    assert [e["left_message"] for e in queue] == [True, True, False, False]
    for place, conversation_id in enumerate(ids, start=1):
        assert advisors.position(conversation_id) == place


def test_rest_state_carries_the_position_only_while_waiting(client: TestClient, waiting: dict[str, str]) -> None:
    other = new_conversation(client)
    hand_off(client, other["conversation_id"])

    def position(conv: dict[str, str]) -> Any:
        path = f"/api/v1/widget/conversations/{conv['conversation_id']}/messages"
        return client.get(path, headers={"Authorization": conv["auth"]}).json()["position"]

    assert (position(waiting), position(other)) == (1, 2)
    say(client, waiting, "Back to the bot", "/cancel_handoff")
    assert (position(waiting), position(other)) == (None, 1)


def connect(client: TestClient, conv: dict[str, str]) -> Any:
    return client.websocket_connect(f"/api/v1/widget/conversations/{conv['conversation_id']}/ws")


def ready(ws: WebSocketTestSession, conv: dict[str, str]) -> dict[str, Any]:
    ws.send_json({"type": "auth", "token": conv["token"]})
    frame: dict[str, Any] = ws.receive_json()
    assert frame["type"] == "ready"
    return frame


def next_of(ws: WebSocketTestSession, kind: str) -> dict[str, Any]:
    """The next event of one kind, skipping the others (messages, state changes)."""
    for _ in range(20):
        event: dict[str, Any] = ws.receive_json()
        if event["type"] == kind:
            return event
    raise AssertionError(f"no {kind} event")


def test_queue_events_follow_claims_cancels_and_arrivals(client: TestClient, open_desk: dict[str, Any]) -> None:
    first, second, third = (new_conversation(client) for _ in range(3))
    for conv in (first, second, third):
        hand_off(client, conv["conversation_id"])
    with connect(client, second) as ws2, connect(client, third) as ws3:
        assert ready(ws2, second)["position"] == 2
        assert ready(ws3, third)["position"] == 3

        # Someone ahead is claimed: everyone behind moves up.
        client.post(url(first["conversation_id"], "claim"), headers=open_desk["headers"])
        assert next_of(ws2, "queue") == {"type": "queue", "position": 1}
        assert next_of(ws3, "queue") == {"type": "queue", "position": 2}

        # Someone ahead cancels: they hear they are back with the bot, the rest move up.
        say(client, second, "Back to the bot", "/cancel_handoff")
        assert next_of(ws2, "state") == {"type": "state", "state": "bot"}
        assert next_of(ws3, "queue") == {"type": "queue", "position": 1}

        # A newcomer behind does not move anyone, but everyone hears the queue changed.
        newcomer = new_conversation(client)
        hand_off(client, newcomer["conversation_id"])
        assert next_of(ws3, "queue") == {"type": "queue", "position": 1}


def test_a_transfer_puts_the_conversation_back_in_the_queue_with_its_place(
    client: TestClient, waiting: dict[str, str], open_desk: dict[str, Any]
) -> None:
    cid = waiting["conversation_id"]
    colleague = make_user(client, "binh@example.org", name="Binh")
    client.post(url(cid, "claim"), headers=open_desk["headers"])
    with connect(client, waiting) as ws:
        assert ready(ws, waiting)["position"] is None
        client.post(url(cid, "transfer"), json={"advisor_id": colleague["id"]}, headers=open_desk["headers"])
        assert next_of(ws, "state") == {"type": "state", "state": "waiting"}
        assert next_of(ws, "queue") == {"type": "queue", "position": 1}
