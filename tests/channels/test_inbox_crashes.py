"""The inbox when processes die (issue #16): one person's messages stay in order, a dead worker's event is
taken again soon, and an event handled a second time has no second effect (api/channels/incoming/inbox.py,
api/core/event_key.py). scripts/bench_failures.py measures the same under real kills."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from api.channels.models import ChannelEvent, EventStatus, OutboxMessage
from api.conversations.models import Message
from api.core.clock import utcnow
from tests.api.conftest import FakeRasa
from tests.channels.conftest import deliver, line_post
from tests.channels.fakes import FakeLine
from tests.channels.payloads import line_body, line_text


def services(client: TestClient) -> Any:
    return client.app.state.services  # type: ignore[attr-defined]


def post_texts(client: TestClient, *texts: str, user: str = "U4af4980629" + "0" * 22) -> None:
    for index, text in enumerate(texts):
        event = line_text(text, f"01HXCRASH{user[-4:]}{index:012d}")
        event["source"] = {"type": "user", "userId": user}
        event["replyToken"] = f"crash-token-{user[-4:]}-{index}"
        assert line_post(client, line_body(event)).status_code == 200


def user_texts(client: TestClient) -> list[str]:
    with services(client).db.session() as session:
        return list(session.scalars(select(Message.text).where(Message.role == "user").order_by(Message.id)))


def test_a_message_being_retried_is_not_overtaken_by_the_next_one(
    app_client: TestClient, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    workers = services(app_client).channels.workers
    handler = workers.handlers["line"]
    failures = {"left": 1}

    def flaky(payload: dict[str, Any]) -> None:
        if payload["message"]["text"] == "first" and failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("the database went away mid-turn")
        handler(payload)

    workers.handlers["line"] = flaky
    post_texts(app_client, "first", "second", "third")
    deliver(app_client)
    assert [m["message"] for m in fake_rasa.sent] == ["first", "second", "third"]
    assert user_texts(app_client) == ["first", "second", "third"]


def test_a_dead_workers_event_holds_its_lane_until_its_lease_lapses_then_goes_first(
    app_client: TestClient, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    post_texts(app_client, "first", "second")
    db = services(app_client).db
    with db.session() as session:
        first = session.scalars(select(ChannelEvent).order_by(ChannelEvent.id)).first()
        assert first is not None
        # A worker claimed it, then was killed: PROCESSING, with a lease still running.
        first.status, first.claimed_until = EventStatus.PROCESSING.value, utcnow() + timedelta(seconds=30)
        first_id = first.id
    deliver(app_client)
    assert fake_rasa.sent == []  # "second" waits behind "first"
    with db.session() as session:
        session.execute(update(ChannelEvent).where(ChannelEvent.id == first_id).values(claimed_until=utcnow()))
    deliver(app_client)
    assert [m["message"] for m in fake_rasa.sent] == ["first", "second"]


def test_another_persons_messages_are_not_held_up_by_a_stuck_lane(
    app_client: TestClient, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    workers = services(app_client).channels.workers
    mine, theirs = "U" + "1" * 32, "U" + "2" * 32
    from api.channels.incoming.inbox import lane_for

    assert lane_for(mine) != lane_for(theirs)
    post_texts(app_client, "mine", user=mine)
    post_texts(app_client, "theirs", user=theirs)
    db = services(app_client).db
    with db.session() as session:
        session.execute(
            update(ChannelEvent)
            .where(ChannelEvent.lane == lane_for(mine))
            .values(status=EventStatus.PROCESSING.value, claimed_until=utcnow() + timedelta(seconds=30))
        )
    while workers.process_available():
        pass
    assert [m["message"] for m in fake_rasa.sent] == ["theirs"]


def test_a_running_turn_keeps_its_lease(app_client: TestClient, fake_line: FakeLine) -> None:
    workers = services(app_client).channels.workers
    post_texts(app_client, "slow one")
    db = services(app_client).db
    soon = utcnow() + timedelta(seconds=1)
    with db.session() as session:
        event = session.scalars(select(ChannelEvent)).one()
        event.status, event.claimed_until = EventStatus.PROCESSING.value, soon
        event_id = event.id
    workers._in_hand.add(event_id)  # this process is handling it
    assert workers.renew_leases() == 1
    with db.session() as session:
        renewed = session.get(ChannelEvent, event_id)
        assert renewed is not None and renewed.claimed_until is not None
        assert renewed.claimed_until.replace(tzinfo=soon.tzinfo) > soon + timedelta(seconds=workers.claim_seconds - 5)
    workers._in_hand.clear()
    assert workers.renew_leases() == 0


def test_an_event_handled_again_after_its_turn_finished_has_no_second_effect(
    app_client: TestClient, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    post_texts(app_client, "hello")
    deliver(app_client)
    db = services(app_client).db
    with db.session() as session:
        # The worker died after the replies were queued, before it could mark the event done.
        session.execute(update(ChannelEvent).values(status=EventStatus.PENDING.value, processed_at=None))
    deliver(app_client)
    assert [m["message"] for m in fake_rasa.sent] == ["hello"]
    assert user_texts(app_client) == ["hello"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
        assert session.scalar(select(ChannelEvent.status)) == EventStatus.DONE.value
    assert fake_line.sent_texts() == ["hello from the fake bot"]


def test_an_event_stored_but_unanswered_before_a_crash_is_answered_once(
    app_client: TestClient, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    post_texts(app_client, "are you there?")
    fake_rasa.down = True
    deliver(app_client)  # stored, then the bot was unreachable: the apology
    db = services(app_client).db
    with db.session() as session:
        message = session.scalars(select(Message).where(Message.role == "user")).one()
        assert message.source_event is not None and message.source_event.startswith("line:")
        # As if the worker had died between storing the message and the turn's end.
        message.status = "received"
        session.execute(update(ChannelEvent).values(status=EventStatus.PENDING.value))
    fake_rasa.down = False
    deliver(app_client)
    assert [m["message"] for m in fake_rasa.sent] == ["are you there?"]
    assert user_texts(app_client) == ["are you there?"]
    with db.session() as session:
        assert session.scalars(select(Message.status).where(Message.role == "user")).one() == "answered"
