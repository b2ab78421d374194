"""A token bucket: `capacity` requests at once, refilled at `rate` per second.

Shared by the outbox's platform limits (api/channels/outgoing/ratelimit.py) and the per-client limits of
public endpoints (api/core/client_limits.py). Not thread-safe on its own: callers serialise.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Bucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float = -1.0
    updated: float = 0.0

    def _refill(self, now: float) -> None:
        if self.tokens < 0:
            self.tokens, self.updated = self.capacity, now
            return
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait(self, now: float) -> float:
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1
