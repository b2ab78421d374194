"""The outbox: every send to LINE or Telegram is a row first, then an attempt.

Rows are written in the same transaction as the message they carry, so a stored reply always has
its send. A worker thread with its own event loop delivers them: in order per destination, within
the platform's rate limits, retrying 429 and 5xx with exponential backoff (honouring Retry-After),
and after the last attempt marking the row failed, which the advisor console shows as an alert.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.channels.models import OutboxMessage, OutboxStatus
from api.channels.outgoing.ratelimit import RateLimits
from api.conversations.secrets import conceal_shown
from api.core import logs, metrics
from api.core.clock import as_utc, utcnow
from api.db.session import Database

log = logging.getLogger(__name__)
PASS_SIZE = 500
CONCURRENT_SENDS = 8


class SendError(Exception):
    """A failed send. `retryable` for 429, 5xx and network errors; `retry_after` when the platform said."""

    def __init__(self, detail: str, *, retryable: bool, retry_after: float | None = None, status: int | None = None):
        super().__init__(detail)
        self.detail = detail
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status


@dataclass(frozen=True)
class Delivery:
    """What a sender needs of an outbox row (a detached copy: senders never touch the session)."""

    id: int
    channel: str
    destination: str
    kind: str
    body: dict[str, Any]
    reply_token: str | None
    reply_token_fresh: bool
    retry_key: str
    attempts: int
    created_at: datetime | None = None
    conversation_id: str | None = None


class Sender(Protocol):
    async def send(self, delivery: Delivery) -> None: ...

    async def close(self) -> None: ...


def enqueue(
    session: Session,
    *,
    channel: str,
    conversation_id: str | None,
    destination: str,
    kind: str,
    body: dict[str, Any],
    reply_token: str | None = None,
    reply_token_expires_at: datetime | None = None,
) -> OutboxMessage:
    row = OutboxMessage(
        channel=channel,
        conversation_id=conversation_id,
        destination=destination,
        kind=kind,
        body=body,
        reply_token=reply_token,
        reply_token_expires_at=reply_token_expires_at,
    )
    session.add(row)
    return row


def _concealed(value: Any) -> Any:
    if isinstance(value, str):
        return conceal_shown(value)
    if isinstance(value, dict):
        return {key: _concealed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_concealed(item) for item in value]
    return value


def backoff_seconds(attempt: int, base: float, cap: float) -> float:
    """Exponential with full jitter, so many failed sends do not come back all at once."""
    return float(min(cap, base * (2 ** max(0, attempt - 1)))) * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not secrecy


class OutboxWorker:
    def __init__(
        self,
        db: Database,
        senders: dict[str, Sender],
        limits: dict[str, RateLimits],
        *,
        max_attempts: int,
        backoff_base: float,
        backoff_max: float,
        poll_seconds: float,
        on_failed: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.db = db
        self.senders = senders
        self.limits = limits
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.poll_seconds = poll_seconds
        self.on_failed = on_failed
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._wake: asyncio.Event | None = None
        self._polling: asyncio.Task[None] | None = None
        self._ready = threading.Event()

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self, poll: bool = True) -> None:
        """Start the worker's thread and loop; with poll=False only `drain` sends (tests)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run_loop, name="outbox", daemon=True)
            self._thread.start()
            self._ready.wait(timeout=10)
        if poll and self._polling is None:
            self._polling = self._call(self._start_polling())

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        self._call(self._shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._thread = None
        self._loop = None
        self._polling = None

    def wake(self) -> None:
        if self._loop is not None and self._wake is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    def drain(self, timeout: float = 10.0) -> int:
        """Send until nothing pending is due (waiting out short rate-limit delays); return sends tried."""
        self.start(poll=self._polling is not None)
        return int(self._call(self._drain(timeout), timeout=timeout + 5))

    def _run_loop(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        self._wake = asyncio.Event()
        self._ready.set()
        loop.run_forever()
        loop.close()

    def _call(self, coroutine: Coroutine[Any, Any, Any], timeout: float = 30.0) -> Any:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=timeout)

    async def _start_polling(self) -> asyncio.Task[None]:
        return asyncio.get_running_loop().create_task(self._poll())

    async def _shutdown(self) -> None:
        if self._polling is not None:
            self._polling.cancel()
        for sender in self.senders.values():
            await sender.close()

    async def _poll(self) -> None:
        assert self._wake is not None
        while True:
            try:
                _, wait = await self.run_pass()
            except Exception:
                log.exception("outbox pass failed; retrying")
                wait = self.poll_seconds
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=min(self.poll_seconds, max(wait, 0.01)))

    async def _drain(self, timeout: float) -> int:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        total = 0
        while loop.time() < deadline:
            tried, wait = await self.run_pass()
            total += tried
            if not tried and wait >= self.poll_seconds:
                return total  # nothing due soon
            if not tried:
                await asyncio.sleep(min(wait, max(0.0, deadline - loop.time())))
        return total

    # -- one pass ----------------------------------------------------------------------------

    async def run_pass(self) -> tuple[int, float]:
        """Send the first due row of every destination; return (sends tried, seconds until next due)."""
        now = utcnow()
        due, next_wait = await asyncio.to_thread(self._select_due, now)
        ready: list[Delivery] = []
        for delivery in due:
            limits = self.limits.get(delivery.channel)
            wait = limits.acquire(delivery.destination) if limits else 0.0
            if wait > 0:
                next_wait = min(next_wait, wait)
                continue
            ready.append(delivery)
        semaphore = asyncio.Semaphore(CONCURRENT_SENDS)

        async def attempt(delivery: Delivery) -> None:
            async with semaphore:
                await self._attempt(delivery)

        await asyncio.gather(*(attempt(d) for d in ready))
        if ready:
            next_wait = 0.0
        return len(ready), next_wait

    def _select_due(self, now: datetime) -> tuple[list[Delivery], float]:
        """Oldest pending row per destination, if it is due: later rows wait, so order holds."""
        seen: set[str] = set()
        due: list[Delivery] = []
        next_wait = self.poll_seconds
        with self.db.session() as session:
            rows = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.status == OutboxStatus.PENDING.value)
                .order_by(OutboxMessage.id)
                .limit(PASS_SIZE)
            ).all()
            for row in rows:
                if row.destination in seen:
                    continue
                seen.add(row.destination)
                at = as_utc(row.next_attempt_at)
                if at > now:
                    next_wait = min(next_wait, (at - now).total_seconds())
                    continue
                if row.channel not in self.senders:
                    continue  # its channel is off in this process; it waits for one where it is on
                fresh = bool(
                    row.reply_token
                    and row.attempts == 0
                    and row.reply_token_expires_at is not None
                    and as_utc(row.reply_token_expires_at) > now
                )
                due.append(
                    Delivery(
                        id=row.id,
                        channel=row.channel,
                        destination=row.destination,
                        kind=row.kind,
                        body=dict(row.body),
                        reply_token=row.reply_token,
                        reply_token_fresh=fresh,
                        retry_key=row.retry_key,
                        attempts=row.attempts,
                        created_at=row.created_at,
                        conversation_id=row.conversation_id,
                    )
                )
        return due, next_wait

    async def _attempt(self, delivery: Delivery) -> None:
        with logs.context(job_id=delivery.id, conversation_id=delivery.conversation_id):
            await self._attempt_logged(delivery)

    async def _attempt_logged(self, delivery: Delivery) -> None:
        sender = self.senders[delivery.channel]
        try:
            await sender.send(delivery)
        except SendError as error:
            await asyncio.to_thread(self._record_failure, delivery, error)
        except Exception as error:
            log.exception("outbox send %s raised", delivery.id)
            await asyncio.to_thread(self._record_failure, delivery, SendError(type(error).__name__, retryable=True))
        else:
            await asyncio.to_thread(self._record_sent, delivery)

    def _record_sent(self, delivery: Delivery) -> None:
        with self.db.session() as session:
            row = session.get(OutboxMessage, delivery.id)
            if row is not None:
                row.status = OutboxStatus.SENT.value
                row.attempts = delivery.attempts + 1
                row.sent_at = utcnow()
                row.last_error = None
                # A newly issued access code travels in this row once (api/conversations/secrets.py);
                # delivered, the row keeps it masked like the conversation does.
                row.body = _concealed(row.body)
        if delivery.created_at is not None:
            metrics.OUTBOX_DELIVERY.labels(delivery.channel).observe(
                (utcnow() - as_utc(delivery.created_at)).total_seconds()
            )

    def _record_failure(self, delivery: Delivery, error: SendError) -> None:
        attempts = delivery.attempts + 1
        alert: dict[str, Any] | None = None
        if error.status == 429:
            metrics.RATE_LIMITED.labels(delivery.channel).inc()
        with self.db.session() as session:
            row = session.get(OutboxMessage, delivery.id)
            if row is None:
                return
            row.attempts = attempts
            row.last_error = error.detail[:300]
            if error.retryable and attempts < self.max_attempts:
                delay = backoff_seconds(attempts, self.backoff_base, self.backoff_max)
                if error.retry_after is not None:
                    delay = max(error.retry_after, 0.0)
                row.next_attempt_at = utcnow() + timedelta(seconds=delay)
                metrics.OUTBOX_RETRIES.labels(delivery.channel).inc()
                log.warning(
                    "outbox send %s to %s failed (attempt %s, %s); retrying in %.1fs",
                    delivery.id,
                    delivery.channel,
                    attempts,
                    error.status or "network",
                    delay,
                )
            else:
                row.status = OutboxStatus.FAILED.value
                metrics.OUTBOX_FAILURES.labels(delivery.channel).inc()
                alert = alert_dict(row)
                log.error("outbox send %s to %s failed for good: %s", delivery.id, delivery.channel, error.status)
        if alert is not None and self.on_failed is not None:
            self.on_failed(alert)


def alert_dict(row: OutboxMessage) -> dict[str, Any]:
    return {
        "id": row.id,
        "channel": row.channel,
        "conversation_id": row.conversation_id,
        "kind": row.kind,
        "attempts": row.attempts,
        "error": row.last_error,
        "created_at": as_utc(row.created_at).isoformat(),
        "acknowledged": row.acknowledged_at is not None,
    }
