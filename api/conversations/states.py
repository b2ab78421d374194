"""The ownership state machine: one owner at a time, every change recorded.

Changes are conditional UPDATEs (`... WHERE state = <the state we saw>`), so two people acting at
once cannot both win: on PostgreSQL the second UPDATE waits for the first row lock and then matches
nothing; on SQLite writers are serialised. The loser gets StateConflict (HTTP 409).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from api.conversations.models import Conversation, ConversationState, OwnershipEvent
from api.core.clock import utcnow

BOT = ConversationState.BOT.value
WAITING = ConversationState.WAITING.value
ADVISOR = ConversationState.ADVISOR.value
CLOSED = ConversationState.CLOSED.value

# (from, to): the only moves there are. closed → bot happens when the user writes again after a
# conversation was closed, so a closed conversation never swallows a new question.
ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {
        (BOT, WAITING),  # handoff requested
        (WAITING, ADVISOR),  # claimed
        (WAITING, BOT),  # the user cancelled
        (ADVISOR, BOT),  # handed back
        (ADVISOR, CLOSED),  # closed by the advisor
        (ADVISOR, WAITING),  # transferred
        (CLOSED, BOT),  # the user wrote again
    }
)
STATES = (BOT, WAITING, ADVISOR, CLOSED)


class IllegalTransition(Exception):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"cannot move a conversation from {current} to {target}")
        self.current = current
        self.target = target


class StateConflict(IllegalTransition):
    """Someone else changed the owner between our read and our write."""


@dataclass(frozen=True)
class Actor:
    kind: str  # user | bot | system | advisor
    user_id: int | None = None


def check(current: str, target: str) -> None:
    if (current, target) not in ALLOWED:
        raise IllegalTransition(current, target)


def transition(session: Session, conversation_id: str, target: str, actor: Actor, reason: str) -> str:
    """Move the conversation to `target`; return the state it left. Raises LookupError if unknown."""
    current = session.query(Conversation.state).filter(Conversation.id == conversation_id).scalar()
    if current is None:
        raise LookupError(conversation_id)
    check(current, target)
    result = session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.state == current)
        .values(state=target, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StateConflict(current, target)
    record(session, conversation_id, current, target, actor, reason)
    return str(current)


def move_locked(session: Session, conversation: Conversation, target: str, actor: Actor, reason: str) -> None:
    """The same move for a row the caller already holds locked (the router's SELECT ... FOR UPDATE)."""
    check(conversation.state, target)
    record(session, conversation.id, conversation.state, target, actor, reason)
    conversation.state = target


def record(session: Session, conversation_id: str, current: str, target: str, actor: Actor, reason: str) -> None:
    session.add(
        OwnershipEvent(
            conversation_id=conversation_id,
            from_state=current,
            to_state=target,
            actor=actor.kind,
            user_id=actor.user_id,
            reason=reason[:64],
        )
    )
