"""Depth and oldest age of the two work queues (the inbox's pending events, the outbox's pending sends),
for `GET /metrics`. Read from the tables at scrape time, so every api worker reports the same figures."""

from __future__ import annotations

from sqlalchemy import func, select

from api.channels.models import ChannelEvent, EventStatus, OutboxMessage, OutboxStatus
from api.core.clock import as_utc, utcnow
from api.db.session import Database


def queue_stats(db: Database) -> list[tuple[str, int, float]]:
    """[(queue, waiting items, age of the oldest in seconds)]; an event being handled counts as waiting."""
    now = utcnow()
    with db.session() as session:
        inbox = session.execute(
            select(func.count(), func.min(ChannelEvent.received_at)).where(
                ChannelEvent.status.in_((EventStatus.PENDING.value, EventStatus.PROCESSING.value))
            )
        ).one()
        outbox = session.execute(
            select(func.count(), func.min(OutboxMessage.created_at)).where(
                OutboxMessage.status == OutboxStatus.PENDING.value
            )
        ).one()
    stats = []
    for name, (count, oldest) in (("inbox", inbox), ("outbox", outbox)):
        age = max(0.0, (now - as_utc(oldest)).total_seconds()) if oldest is not None else 0.0
        stats.append((name, int(count), age))
    return stats
