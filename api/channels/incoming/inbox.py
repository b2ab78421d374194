"""The inbox: webhook events stored before they are acknowledged, then handled by worker threads.

A webhook only verifies, stores and answers 200 (platforms retry slow or failed webhooks, and LINE
expects an answer within a second or two). Workers then claim events one by one: a claim is an
atomic update with a lease, so a second api process never handles the same event, and an event
whose worker died is taken again when its lease runs out — which is also how events accepted just
before a restart are handled after it.

Three rules keep that exactly once and in order when processes die (measured by
scripts/bench_failures.py, issue #16):
- only the oldest unfinished event of a lane can be claimed, so a person's next message waits while an
  earlier one is being retried or sits with a dead worker's lease (one user's events share a lane);
- a lease is renewed while its handler runs (a slow Rasa turn is not taken by a second worker), so it
  can be short and a dead worker's events come back within `claim_seconds`;
- the handler runs with the event's key (api/core/event_key.py): the conversation service recognises
  an event it already stored or answered.
"""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from api.channels.models import ChannelEvent, EventStatus
from api.core import event_key, logs, metrics
from api.core.clock import as_utc, utcnow
from api.db.session import Database

log = logging.getLogger(__name__)
LANES = 64
MAX_EVENT_ATTEMPTS = 3

EventHandler = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class IncomingEvent:
    external_id: str
    user_key: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class StoreResult:
    stored: int
    duplicates: int


def lane_for(user_key: str) -> int:
    return zlib.crc32(user_key.encode("utf-8")) % LANES


def store_events(db: Database, channel: str, events: Iterable[IncomingEvent]) -> StoreResult:
    """Store each event once; a redelivered event (same external id) is counted, not stored again."""
    stored = duplicates = 0
    with db.session() as session:
        for event in events:
            exists = session.scalar(
                select(ChannelEvent.id).where(
                    ChannelEvent.channel == channel, ChannelEvent.external_id == event.external_id
                )
            )
            if exists is not None:
                duplicates += 1
                continue
            try:
                # A savepoint per event: a redelivery racing this one fails alone, not the batch.
                with session.begin_nested():
                    session.add(
                        ChannelEvent(
                            channel=channel,
                            external_id=event.external_id,
                            lane=lane_for(event.user_key),
                            payload=event.payload,
                        )
                    )
                stored += 1
            except IntegrityError:
                duplicates += 1
    return StoreResult(stored, duplicates)


_UNFINISHED = (EventStatus.PENDING.value, EventStatus.PROCESSING.value)


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Waiting to be handled, or claimed by a worker whose lease ran out (it died or hung), and the
    oldest unfinished event of its lane: a later message of the same person never overtakes it."""
    earlier = aliased(ChannelEvent)
    return or_(
        ChannelEvent.status == EventStatus.PENDING.value,
        (ChannelEvent.status == EventStatus.PROCESSING.value) & (ChannelEvent.claimed_until < now),
    ) & ~exists().where(
        earlier.lane == ChannelEvent.lane, earlier.id < ChannelEvent.id, earlier.status.in_(_UNFINISHED)
    )


class InboxWorkers:
    """Worker threads; worker i handles the lanes where lane % workers == i, in event order."""

    def __init__(
        self,
        db: Database,
        handlers: dict[str, EventHandler],
        workers: int,
        claim_seconds: int,
        poll_seconds: float = 1.0,
    ) -> None:
        self.db = db
        # A webhook in this process wakes its workers at once; one stored by another process is seen
        # at the next poll, so a separate worker process wants a short one.
        self.poll_seconds = poll_seconds
        self.handlers = handlers
        self.workers = workers
        self.claim_seconds = claim_seconds
        self._wake = [threading.Event() for _ in range(workers)]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        # Events this process is handling now, whose leases the heartbeat renews.
        self._in_hand: set[int] = set()
        self._in_hand_lock = threading.Lock()

    # -- running ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._threads:
            return
        self._stop.clear()
        for index in range(self.workers):
            thread = threading.Thread(target=self._run, args=(index,), name=f"inbox-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)
        heartbeat = threading.Thread(target=self._heartbeat, name="inbox-lease", daemon=True)
        heartbeat.start()
        self._threads.append(heartbeat)

    def stop(self) -> None:
        self._stop.set()
        for event in self._wake:
            event.set()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads = []

    def wake(self) -> None:
        for event in self._wake:
            event.set()

    def _run(self, index: int) -> None:
        lanes = [lane for lane in range(LANES) if lane % self.workers == index]
        while not self._stop.is_set():
            try:
                handled = self.process_available(lanes)
            except Exception:
                log.exception("inbox worker %s failed; retrying", index)
                handled = 0
            if not handled:
                self._wake[index].wait(timeout=self.poll_seconds)
                self._wake[index].clear()

    def _heartbeat(self) -> None:
        """Renew the leases of the events in hand a few times per lease, so only a dead worker's lapse."""
        while not self._stop.wait(self.claim_seconds / 4):
            try:
                self.renew_leases()
            except Exception:
                log.exception("inbox lease renewal failed; retrying")

    def renew_leases(self) -> int:
        with self._in_hand_lock:
            ids = list(self._in_hand)
        if not ids:
            return 0
        with self.db.session() as session:
            result = session.execute(
                update(ChannelEvent)
                .where(ChannelEvent.id.in_(ids), ChannelEvent.status == EventStatus.PROCESSING.value)
                .values(claimed_until=utcnow() + timedelta(seconds=self.claim_seconds))
                .execution_options(synchronize_session=False)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    # -- one pass (also what tests call) ---------------------------------------------------------

    def process_available(self, lanes: list[int] | None = None, limit: int = 50) -> int:
        """Claim and handle the events that are ready, oldest first; return how many were handled."""
        now = utcnow()
        with self.db.session() as session:
            query = select(ChannelEvent.id).where(_claimable(now)).order_by(ChannelEvent.id).limit(limit)
            if lanes is not None:
                query = query.where(ChannelEvent.lane.in_(lanes))
            ids = list(session.scalars(query))
        handled = 0
        for event_id in ids:
            if self._stop.is_set():
                break
            claimed = self._claim(event_id)
            if claimed is None:
                continue
            channel, payload, attempts, received_at = claimed
            with self._in_hand_lock:
                self._in_hand.add(event_id)
            try:
                with logs.context(event_id=event_id), event_key.handling(f"{channel}:{event_id}"):
                    if self._handle(event_id, channel, payload, attempts):
                        # Handled: the replies are stored and queued in the outbox (or there were none).
                        delay = (utcnow() - as_utc(received_at)).total_seconds()
                        metrics.WEBHOOK_TO_REPLY.labels(channel).observe(delay)
            finally:
                with self._in_hand_lock:
                    self._in_hand.discard(event_id)
            handled += 1
        return handled

    def _claim(self, event_id: int) -> tuple[str, dict[str, Any], int, datetime] | None:
        now = utcnow()
        with self.db.session() as session:
            result = session.execute(
                update(ChannelEvent)
                .where(
                    ChannelEvent.id == event_id,
                    _claimable(now),
                )
                .values(
                    status=EventStatus.PROCESSING.value,
                    claimed_until=now + timedelta(seconds=self.claim_seconds),
                    attempts=ChannelEvent.attempts + 1,
                )
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 0) != 1:
                return None  # another worker (or process) took it
            event = session.get(ChannelEvent, event_id)
            assert event is not None
            return event.channel, dict(event.payload), event.attempts, event.received_at

    def _handle(self, event_id: int, channel: str, payload: dict[str, Any], attempts: int) -> bool:
        """Run the channel's handler and record the outcome; True when it succeeded."""
        handler = self.handlers.get(channel)
        error: str | None = None
        if handler is None:
            error = "channel is disabled"
        else:
            try:
                handler(payload)
            except Exception as exc:
                log.exception("handling %s event %s failed", channel, event_id)
                error = type(exc).__name__
        with self.db.session() as session:
            event = session.get(ChannelEvent, event_id)
            if event is None:
                return False
            if error is None:
                event.status = EventStatus.DONE.value
                event.processed_at = utcnow()
                event.error = None
            elif attempts >= MAX_EVENT_ATTEMPTS or handler is None:
                event.status = EventStatus.FAILED.value
                event.processed_at = utcnow()
                event.error = error[:200]
            else:
                event.status = EventStatus.PENDING.value
                event.error = error[:200]
            event.claimed_until = None
        return error is None
