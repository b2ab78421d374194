"""What the Redis tests share: the real Redis at TEST_REDIS_URL (default 127.0.0.1:6379), skipped
with the reason shown when it cannot be reached, and a channel prefix of each test's own."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def real_redis() -> Iterator[redis.Redis]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {REDIS_URL} is unreachable ({exc}); the fan-out tests need it")
    client = redis.Redis.from_url(REDIS_URL)
    yield client
    client.close()


@pytest.fixture
def prefix() -> str:
    # Parallel runs and other projects on the same Redis never see this test's events.
    return f"kktest-{uuid.uuid4().hex[:12]}:"
