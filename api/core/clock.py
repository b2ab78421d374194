"""Time, in one place: every timestamp the api stores or compares is an aware UTC datetime.

SQLite hands `DateTime(timezone=True)` columns back without a zone (PostgreSQL keeps it), so values
read from the database go through `as_utc` before they are compared with `utcnow()`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

# Documents (statements, status pages, case files) state dates in Japan's time, the issuer's: one
# event has one date everywhere. Japan has no daylight saving time, so a fixed offset is exact.
JAPAN = timezone(timedelta(hours=9), "JST")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """The same instant with its zone: naive values from SQLite are UTC by construction."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def in_japan(value: datetime) -> datetime:
    """The same instant on Japan's clock (naive values are UTC, as everywhere in the api)."""
    return as_utc(value).astimezone(JAPAN)
