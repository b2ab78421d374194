"""Which Rasa replica serves a conversation: consistent hashing over the live replicas.

Why: Rasa 3.6's open-source Redis lock store takes a conversation's ticket lock with a plain
read-then-write (RasaHQ/rasa#9213), so two replicas working on one conversation at the same moment can
both think they hold it. Every api worker therefore sends a given conversation to the same replica: the
replica is a pure function of the conversation id and the set of live replicas, so all workers agree
without talking to each other, and the inbox's per-conversation order carries through.

Contract:
- `HashRing(urls)`: `VNODES` points per replica on a 64-bit ring (BLAKE2b of "url#i", not Python's
  per-process `hash`); `order(key)` lists every replica, the key's owner first, then the next distinct
  replicas clockwise. Adding or removing one replica moves only about 1/N of the conversations.
- `ReplicaPool`: `candidates(key)` is that order with replicas marked down left out (all of them, in
  ring order, if every one is down: better to try than to refuse). `mark_down(url)` on a connection
  error or a failed health check: its conversations go to the next live replica on the ring at once.
  After `retry_seconds` a down replica is tried again (lazily, by the next request or health check);
  the first success (`mark_up`) brings its conversations back.
"""

from __future__ import annotations

import bisect
import hashlib
import threading
import time
from collections.abc import Callable, Sequence

VNODES = 64


def _point(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


class HashRing:
    def __init__(self, urls: Sequence[str], vnodes: int = VNODES) -> None:
        if not urls:
            raise ValueError("a hash ring needs at least one replica")
        if len(set(urls)) != len(urls):
            raise ValueError("replica URLs must be distinct")
        self.urls = list(urls)
        points = sorted((_point(f"{url}#{i}"), url) for url in self.urls for i in range(vnodes))
        self._keys = [point for point, _ in points]
        self._owners = [url for _, url in points]

    def order(self, key: str) -> list[str]:
        """Every replica once: the owner of `key` first, then clockwise."""
        start = bisect.bisect(self._keys, _point(key)) % len(self._keys)
        seen: list[str] = []
        for offset in range(len(self._owners)):
            url = self._owners[(start + offset) % len(self._owners)]
            if url not in seen:
                seen.append(url)
                if len(seen) == len(self.urls):
                    break
        return seen


class ReplicaPool:
    def __init__(
        self, urls: Sequence[str], retry_seconds: float = 2.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ring = HashRing(urls)
        self.retry_seconds = retry_seconds
        self.clock = clock
        self._down_until: dict[str, float] = {}
        self._lock = threading.Lock()

    @property
    def urls(self) -> list[str]:
        return self.ring.urls

    def index(self, url: str) -> int:
        return self.ring.urls.index(url)

    def is_down(self, url: str) -> bool:
        with self._lock:
            until = self._down_until.get(url)
        return until is not None and self.clock() < until

    def candidates(self, key: str) -> list[str]:
        """Replicas to try for `key`, in order: live ones (and ones due a retry) by ring order."""
        order = self.ring.order(key)
        live = [url for url in order if not self.is_down(url)]
        return live or order

    def mark_down(self, url: str) -> bool:
        """Take `url` out for `retry_seconds`; True when it was up until now."""
        with self._lock:
            was_up = url not in self._down_until
            self._down_until[url] = self.clock() + self.retry_seconds
        return was_up

    def mark_up(self, url: str) -> None:
        with self._lock:
            self._down_until.pop(url, None)

    def status(self) -> dict[str, str]:
        return {url: "down" if self.is_down(url) else "ok" for url in self.urls}
