"""The waiting queue's order, in one place, so the console's list and the user's place in it agree.

Messages left while nobody was there come first (the first advisor back answers them before newer
arrivals), then the oldest request first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.advisors.models import Handoff
from api.conversations.models import Conversation
from api.conversations.states import WAITING
from api.core.clock import utcnow


def _utc(value: datetime) -> datetime:
    # SQLite hands timestamps back without a zone; everything stored here is UTC.
    return value if value.tzinfo else value.replace(tzinfo=utcnow().tzinfo)


def waiting_order(session: Session) -> list[str]:
    """Ids of the waiting conversations, the next to be served first."""
    rows = session.execute(
        select(Handoff.conversation_id, Handoff.id, Handoff.left_message, Handoff.requested_at)
        .join(Conversation, Conversation.id == Handoff.conversation_id)
        .where(Conversation.state == WAITING, Handoff.ended_at.is_(None), Handoff.claimed_at.is_(None))
    ).all()
    # A conversation's current stay is its newest handoff; older ones are ended or claimed anyway.
    latest: dict[str, Any] = {}
    for row in rows:
        if row.conversation_id not in latest or row.id > latest[row.conversation_id].id:
            latest[row.conversation_id] = row
    ordered = sorted(latest.values(), key=lambda r: (not r.left_message, _utc(r.requested_at), r.id))
    return [row.conversation_id for row in ordered]


def positions(session: Session) -> dict[str, int]:
    """Conversation id -> place in the queue, starting at 1."""
    return {conversation_id: n for n, conversation_id in enumerate(waiting_order(session), start=1)}
