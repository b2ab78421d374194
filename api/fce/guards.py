"""Lockouts and per-IP rate limits, kept in the database so every api worker sees the same counts.

Both are insert-only event rows counted over a window: concurrent workers never overwrite each
other, and at worst a burst overshoots a limit by the number of requests in flight.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from api.core.clock import as_utc
from api.fce.models import FceAccessFailure, FceLock, FceRateEvent


class Limited(Exception):
    """Too many requests; `retry_after` seconds until the caller may try again."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = max(1, retry_after)


def take(session: Session, bucket: str, limit: int, window_seconds: int, now: datetime) -> None:
    """Count one request against `bucket`, or raise Limited when its budget for the window is spent."""
    since = now - timedelta(seconds=window_seconds)
    session.execute(delete(FceRateEvent).where(FceRateEvent.bucket == bucket, FceRateEvent.at < since))
    used, oldest = session.execute(
        select(func.count(), func.min(FceRateEvent.at)).where(FceRateEvent.bucket == bucket, FceRateEvent.at >= since)
    ).one()
    if used >= limit:
        assert oldest is not None
        raise Limited(int((as_utc(oldest) + timedelta(seconds=window_seconds) - now).total_seconds()) + 1)
    session.add(FceRateEvent(bucket=bucket[:80], at=now))


def lock_remaining(session: Session, reference: str, now: datetime) -> int:
    """Seconds the reference stays locked (0 when it is not)."""
    until = session.scalar(select(FceLock.locked_until).where(FceLock.reference == reference))
    if until is None:
        return 0
    return max(0, int((as_utc(until) - now).total_seconds()))


def record_failure(
    session: Session, reference: str, now: datetime, max_failures: int, window_seconds: int, lock_seconds: int
) -> None:
    """Remember a wrong code; the failure that reaches `max_failures` within the window locks the reference."""
    since = now - timedelta(seconds=window_seconds)
    stale = delete(FceAccessFailure).where(FceAccessFailure.reference == reference, FceAccessFailure.at < since)
    session.execute(stale)
    session.add(FceAccessFailure(reference=reference, at=now))
    session.flush()
    failures = session.scalar(
        select(func.count()).where(FceAccessFailure.reference == reference, FceAccessFailure.at >= since)
    )
    if (failures or 0) >= max_failures:
        _upsert_lock(session, reference, now + timedelta(seconds=lock_seconds))


def _upsert_lock(session: Session, reference: str, until: datetime) -> None:
    bind = session.get_bind()
    dialect = bind.dialect.name if isinstance(bind, Engine) else bind.engine.dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(FceLock).values(reference=reference, locked_until=until)
    session.execute(statement.on_conflict_do_update(index_elements=[FceLock.reference], set_={"locked_until": until}))
