"""Time, in one place: every timestamp the api stores or compares is an aware UTC datetime.

SQLite hands `DateTime(timezone=True)` columns back without a zone (PostgreSQL keeps it), so values
read from the database go through `as_utc` before they are compared with `utcnow()`.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """The same instant with its zone: naive values from SQLite are UTC by construction."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
