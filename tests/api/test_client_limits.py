"""Per-client limits (api/core/client_limits.py) and the client key they count by (api/core/client.py)."""

from __future__ import annotations

import pytest

from api.core.client import client_key
from api.core.client_limits import ClientLimited, PerClientLimit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_rate_with_retry_after() -> None:
    clock = Clock()
    limit = PerClientLimit(per_minute=6, burst=3, clock=clock)
    for _ in range(3):
        limit.take("a")
    with pytest.raises(ClientLimited) as refused:
        limit.take("a")
    assert refused.value.retry_after == 10  # one search every 10 s
    limit.take("b")  # another client has its own budget
    clock.now += 10
    limit.take("a")
    with pytest.raises(ClientLimited):
        limit.take("a")


def test_zero_per_minute_is_off_and_the_table_stays_bounded() -> None:
    off = PerClientLimit(per_minute=0, burst=1)
    for _ in range(100):
        off.take("a")
    clock = Clock()
    bounded = PerClientLimit(per_minute=1, burst=1, clock=clock, max_clients=50)
    for n in range(1000):
        bounded.take(f"10.0.{n // 256}.{n % 256}")
    assert len(bounded._buckets) == 50


def test_ipv6_counts_by_its_64_and_mapped_ipv4_as_ipv4() -> None:
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert client_key("192.0.2.7") == "192.0.2.7"
    assert client_key("testclient") == "testclient"
