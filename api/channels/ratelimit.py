"""Token buckets for outbound sends: one for the platform, one per chat.

Used only from the outbox worker's event loop, so no locking. The worker asks how long a send
must wait and skips that destination until then rather than sleeping, so one busy chat never
holds up the others.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from api.core.buckets import Bucket


@dataclass
class RateLimits:
    global_per_second: float
    chat_per_second: float | None = None
    chat_burst: int = 1
    clock: Callable[[], float] = time.monotonic
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
        """Seconds until a send to `destination` is allowed (0 = now)."""
        now = self.clock()
        assert self._global is not None
        chat = self._chat(destination)
        return max(self._global.wait(now), chat.wait(now) if chat else 0.0)

    def take(self, destination: str) -> None:
        now = self.clock()
        assert self._global is not None
        self._global.take(now)
        chat = self._chat(destination)
        if chat is not None:
            chat.take(now)
