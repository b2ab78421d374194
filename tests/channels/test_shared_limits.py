"""The platform's send limit holds across processes (issue #16): with Redis it is one count for every
sending process (api/channels/outgoing/ratelimit.py SharedLimit); without Redis, or when Redis fails, each process
counts in memory."""

from __future__ import annotations

import uuid

import redis

from api.channels.outgoing.ratelimit import RateLimits, SharedLimit
from tests.redis_support import REDIS_URL, real_redis  # noqa: F401 - the fixture


def test_two_processes_share_one_platform_limit(real_redis: redis.Redis) -> None:  # noqa: F811
    key = f"test-{uuid.uuid4().hex[:8]}"
    # Two sending processes, each with its own limits object, one platform limit of 5 a second between them.
    first = RateLimits(5.0, shared=SharedLimit(REDIS_URL, key, 5.0))
    second = RateLimits(5.0, shared=SharedLimit(REDIS_URL, key, 5.0))
    granted = [limits.acquire(f"chat-{i}") == 0.0 for i, limits in enumerate([first, second] * 4)]
    assert granted.count(True) == 5  # not 5 each
    refused = second.acquire("chat-new")
    assert 0.0 < refused <= 1.0  # told to wait for the window, and nothing taken


def test_an_unshared_limit_counts_in_memory_per_process() -> None:
    first, second = RateLimits(5.0), RateLimits(5.0)
    granted = [limits.acquire(f"chat-{i}") == 0.0 for i, limits in enumerate([first, second] * 4)]
    assert granted.count(True) == 8  # each process its own 5: why several senders need Redis
    assert first.acquire("chat-x") == 0.0 and first.acquire("chat-y") > 0.0


def test_a_chat_limit_still_applies_with_a_shared_platform_limit(real_redis: redis.Redis) -> None:  # noqa: F811
    limits = RateLimits(30.0, chat_per_second=1.0, chat_burst=1, shared=SharedLimit(REDIS_URL, uuid.uuid4().hex, 30.0))
    assert limits.acquire("chat-1") == 0.0
    assert limits.acquire("chat-1") > 0.0
    assert limits.acquire("chat-2") == 0.0


def test_when_redis_fails_the_process_counts_in_memory_and_keeps_sending() -> None:
    limits = RateLimits(3.0, shared=SharedLimit("redis://127.0.0.1:1/0", "unreachable", 3.0))
    granted = [limits.acquire(f"chat-{i}") == 0.0 for i in range(5)]
    assert granted == [True, True, True, False, False]
