"""Outbound send limits: one for the platform, one per chat.

Used only from the outbox worker's event loop, so no locking. The worker asks for a send and is told
how long to wait when it may not send yet; it skips that destination until then rather than sleeping,
so one busy chat never holds up the others.

The platform's limit (Telegram's ~30 messages/s per bot, LINE's per-channel limit) belongs to the bot,
not to a process: with Redis configured it is counted there (`SharedLimit`, a moving window from the
maintained `limits` library), so every process that sends shares one count. Without Redis (the embedded
default, one process) it is a token bucket in memory. If Redis fails, the bucket in memory takes over
rather than stopping every send; the platform's own 429s are still honoured by the outbox. Per-chat
limits stay in memory: a chat's sends are ordered by its one destination lane.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from limits import RateLimitItemPerSecond, storage, strategies

from api.core.buckets import Bucket

log = logging.getLogger(__name__)


class SharedLimit:
    """`per_second` sends a second for one platform, counted in Redis across every sending process."""

    def __init__(self, redis_url: str, key: str, per_second: float) -> None:
        # A one-second moving window of whole sends: the platforms state their limits per second.
        self.item = RateLimitItemPerSecond(max(1, math.floor(per_second)))
        self.limiter = strategies.MovingWindowRateLimiter(
            storage.storage_from_string(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
        )
        self.key = key

    def acquire(self) -> float:
        """Take one send if the window has room (0.0); otherwise the seconds until it has."""
        if self.limiter.hit(self.item, "kakehashi-outbound", self.key):
            return 0.0
        stats = self.limiter.get_window_stats(self.item, "kakehashi-outbound", self.key)
        return max(0.01, stats.reset_time - time.time())


@dataclass
class RateLimits:
    global_per_second: float
    chat_per_second: float | None = None
    chat_burst: int = 1
    clock: Callable[[], float] = time.monotonic
    # The platform's limit in Redis, shared by every sending process (None: the bucket in memory).
    shared: SharedLimit | None = None
    _global: Bucket | None = None
    _chats: dict[str, Bucket] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._global = Bucket(self.global_per_second, max(1.0, self.global_per_second))

    def _chat(self, destination: str) -> Bucket | None:
        if self.chat_per_second is None:
            return None
        bucket = self._chats.get(destination)
        if bucket is None:
            if len(self._chats) > 10_000:  # forget idle chats rather than grow without bound
                self._chats.clear()
            bucket = self._chats[destination] = Bucket(self.chat_per_second, float(self.chat_burst))
        return bucket

    def wait(self, destination: str) -> float:
        """Seconds until a send to `destination` is allowed by the limits in memory (0 = now)."""
        now = self.clock()
        assert self._global is not None
        chat = self._chat(destination)
        own = chat.wait(now) if chat else 0.0
        return own if self.shared is not None else max(self._global.wait(now), own)

    def take(self, destination: str) -> None:
        now = self.clock()
        assert self._global is not None
        self._global.take(now)
        chat = self._chat(destination)
        if chat is not None:
            chat.take(now)

    def acquire(self, destination: str) -> float:
        """Take a send to `destination` now (0.0), or say how many seconds to wait; nothing is taken then."""
        wait = self.wait(destination)
        if wait > 0:
            return wait
        if self.shared is not None:
            try:
                shared_wait = self.shared.acquire()
            except Exception as exc:  # noqa: BLE001 - any storage failure: fall back to the bucket in memory
                log.warning("shared send limit unavailable (%s); counting in this process", type(exc).__name__)
                assert self._global is not None
                shared_wait = self._global.wait(self.clock())
            if shared_wait > 0:
                return shared_wait
        self.take(destination)
        return 0.0
