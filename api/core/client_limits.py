"""Per-client request limits for public endpoints that cost CPU (the knowledge search).

A token bucket per client (api/core/client.py `client_key`: the address, or its /64 for IPv6):
`burst` requests at once, then `per_minute`. Kept in the process's memory, not the database: what
it protects is this process's CPU (each search embeds the query), and a database write per search
would cost more than the search it refuses. With several api workers a client gets each worker's
budget; the login limiter, which guards accounts rather than CPU, is the one kept in the database.
The table of clients is bounded: the least recently seen are forgotten first.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from api.core.buckets import Bucket

MAX_CLIENTS = 10_000


class ClientLimited(Exception):
    """Over the limit; `retry_after` whole seconds until the next request is allowed."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = max(1, retry_after)


class PerClientLimit:
    def __init__(
        self,
        per_minute: int,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.rate = per_minute / 60
        self.capacity = float(max(1, burst))
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, Bucket] = OrderedDict()
        # Sync routes run in a thread pool: one lock around the table and its buckets.
        self._lock = threading.Lock()

    def take(self, client: str) -> None:
        """Count one request by `client`, or raise ClientLimited (a limit of 0 per minute is off)."""
        if self.rate <= 0:
            return
        with self._lock:
            now = self.clock()
            bucket = self._buckets.pop(client, None) or Bucket(self.rate, self.capacity)
            self._buckets[client] = bucket
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            wait = bucket.wait(now)
            if wait > 0:
                raise ClientLimited(math.ceil(wait))
            bucket.take(now)
