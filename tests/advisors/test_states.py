"""The ownership state machine: the legal moves, every illegal one refused, an event per change."""

from __future__ import annotations

import itertools

import pytest

from api.conversations import states
from api.conversations.models import Conversation, OwnershipEvent
from api.db.migrate import upgrade
from api.db.session import Database

ILLEGAL = sorted(set(itertools.product(states.STATES, states.STATES)) - states.ALLOWED)


def test_the_allowed_moves_are_the_issues() -> None:
    assert {
        ("bot", "waiting"),
        ("waiting", "advisor"),
        ("waiting", "bot"),
        ("advisor", "bot"),
        ("advisor", "closed"),
        ("advisor", "waiting"),
        ("closed", "bot"),
    } == states.ALLOWED


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_every_illegal_move_is_refused(database_url: str, current: str, target: str) -> None:
    upgrade(database_url)
    db = Database(database_url)
    with db.session() as session:
        session.add(Conversation(id="c1", channel="widget", language="en", state=current))
    with pytest.raises(states.IllegalTransition), db.session() as session:
        states.transition(session, "c1", target, states.Actor("system"), "test")
    with db.session() as session:
        assert session.get(Conversation, "c1").state == current  # type: ignore[union-attr]
        assert session.query(OwnershipEvent).count() == 0
    db.dispose()


def test_a_full_round_records_who_when_why(database_url: str) -> None:
    upgrade(database_url)
    db = Database(database_url)
    with db.session() as session:
        session.add(Conversation(id="c1", channel="widget", language="vi", state="bot"))
    path = ["waiting", "advisor", "waiting", "advisor", "closed", "bot", "waiting", "bot"]
    for target in path:
        with db.session() as session:
            states.transition(session, "c1", target, states.Actor("system"), f"to {target}")
    with db.session() as session:
        events = session.query(OwnershipEvent).order_by(OwnershipEvent.id).all()
        assert [e.to_state for e in events] == path
        assert all(e.created_at is not None and e.reason == f"to {e.to_state}" for e in events)
    db.dispose()
