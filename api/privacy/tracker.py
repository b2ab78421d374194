"""Rasa's SQL tracker store, reached directly: the purge and erasure must reach it too.

Rasa 3.6's `SQLTrackerStore` keeps one row per event in a table `events` (sender_id = our
conversation id, timestamp = seconds since the epoch, data = the event as JSON, which holds the
user's text). The api never writes there; it only deletes what retention or an erasure request
says must go, and reads a person's events for an export. The table is declared on its own
`MetaData`, never on the api's: Alembic must not create or migrate Rasa's table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, delete, func, inspect, select

from api.db.session import make_engine

EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


class TrackerStore:
    """Rasa's events table at `url`; with an empty url (no SQL tracker store) every call is a no-op."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine = make_engine(url) if url else None

    def _ready(self) -> bool:
        # Rasa creates the table on its first conversation; before that there is nothing to do.
        return self._engine is not None and inspect(self._engine).has_table("events")

    def purge_before(self, cutoff: datetime, *, dry_run: bool = False) -> int:
        """Delete (or, dry, count) events older than `cutoff`."""
        if not self._ready():
            return 0
        assert self._engine is not None
        condition = EVENTS.c.timestamp < cutoff.timestamp()
        with self._engine.begin() as connection:
            if dry_run:
                return int(connection.scalar(select(func.count()).select_from(EVENTS).where(condition)) or 0)
            return int(connection.execute(delete(EVENTS).where(condition)).rowcount or 0)

    def erase(self, sender_ids: Iterable[str]) -> int:
        senders = sorted(set(sender_ids))
        if not senders or not self._ready():
            return 0
        assert self._engine is not None
        with self._engine.begin() as connection:
            return int(connection.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(senders))).rowcount or 0)

    def export(self, sender_ids: Iterable[str]) -> list[dict[str, Any]]:
        senders = sorted(set(sender_ids))
        if not senders or not self._ready():
            return []
        assert self._engine is not None
        with self._engine.begin() as connection:
            rows = connection.execute(
                select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
                .where(EVENTS.c.sender_id.in_(senders))
                .order_by(EVENTS.c.id)
            ).all()
        return [
            {
                "conversation_id": row.sender_id,
                "type": row.type_name,
                "timestamp": row.timestamp,
                "event": _json(row.data),
            }
            for row in rows
        ]

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def _json(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text
