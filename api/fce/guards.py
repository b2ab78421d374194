"""Lockouts (per reference and client, with backoff) and per-IP rate limits, kept in the database
so every api worker sees the same counts.

Both are insert-only event rows counted over a window: concurrent workers never overwrite each
other, and at worst a burst overshoots a limit by the number of requests in flight.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api.core.clock import as_utc
from api.fce.models import FceAccessFailure, FceRateEvent


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


# Failures are remembered this long for the backoff: each further lockout within it lasts twice as long.
BACKOFF_WINDOW_SECONDS = 24 * 3600


def lock_remaining(
    session: Session,
    reference: str,
    client: str,
    now: datetime,
    max_failures: int,
    window_seconds: int,
    lock_seconds: int,
) -> int:
    """Seconds this client must wait before trying a code for this reference again (0: it may try now).

    Failures count per (reference, client): someone guessing from one address locks only
    themselves out, never the applicant. `max_failures` within `window_seconds` locks for
    `lock_seconds`; every further `max_failures` within a day doubles it (capped at a day).
    """
    day = now - timedelta(seconds=BACKOFF_WINDOW_SECONDS)
    mine = (FceAccessFailure.reference == reference) & (FceAccessFailure.client == client[:64])
    total, last = session.execute(
        select(func.count(), func.max(FceAccessFailure.at)).where(mine, FceAccessFailure.at >= day)
    ).one()
    if not total or last is None:
        return 0
    recent = session.scalar(
        select(func.count()).where(mine, FceAccessFailure.at >= now - timedelta(seconds=window_seconds))
    )
    if (recent or 0) < max_failures:
        return 0
    lock = min(BACKOFF_WINDOW_SECONDS, lock_seconds * 2 ** (int(total) // max_failures - 1))
    return max(0, int((as_utc(last) + timedelta(seconds=lock) - now).total_seconds()))


def record_failure(session: Session, reference: str, client: str, now: datetime) -> None:
    """Remember a wrong code from this client (for an existing reference or not: a lock reveals nothing)."""
    day = now - timedelta(seconds=BACKOFF_WINDOW_SECONDS)
    session.execute(delete(FceAccessFailure).where(FceAccessFailure.reference == reference, FceAccessFailure.at < day))
    session.add(FceAccessFailure(reference=reference, client=client[:64], at=now))
