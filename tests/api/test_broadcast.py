"""Live events across api processes: two Broadcasters stand for two workers sharing one Redis.

The real Redis at TEST_REDIS_URL (default 127.0.0.1:6379) carries most tests, each on its own
channel prefix; fakeredis stands in where an outage has to be switched on and off.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import fakeredis
import pytest
import redis

from api.live.broadcast import Broadcaster
from api.live.fanout import RedisRelay
from tests.redis_support import *  # noqa: F403 - the real_redis and prefix fixtures
from tests.redis_support import REDIS_URL

TOPIC = "conversation:abc"
WAIT = 5.0


def relay_of(broadcaster: Broadcaster) -> RedisRelay:
    assert isinstance(broadcaster.relay, RedisRelay)
    return broadcaster.relay


async def started(relay: RedisRelay) -> Broadcaster:
    broadcaster = Broadcaster(relay)
    await broadcaster.start()
    assert await asyncio.to_thread(relay.wait_listening, WAIT), "the listener never subscribed"
    return broadcaster


@pytest.fixture
async def workers(real_redis: redis.Redis, prefix: str) -> AsyncIterator[tuple[Broadcaster, Broadcaster]]:
    one = await started(RedisRelay(REDIS_URL, prefix))
    two = await started(RedisRelay(REDIS_URL, prefix))
    yield one, two
    await one.stop()
    await two.stop()


async def publish(broadcaster: Broadcaster, topic: str, event: dict[str, Any]) -> None:
    # Request handlers are sync and run on worker threads: publish the way they do.
    await asyncio.to_thread(broadcaster.publish, topic, event)


async def next_event(queue: asyncio.Queue[dict[str, Any]]) -> dict[str, Any]:
    return await asyncio.wait_for(queue.get(), WAIT)


async def nothing_more(queue: asyncio.Queue[dict[str, Any]]) -> None:
    await asyncio.sleep(0.2)
    assert queue.empty(), queue.get_nowait()


# -- without Redis ---------------------------------------------------------------------------------


async def test_without_a_relay_events_stay_in_process() -> None:
    broadcaster = Broadcaster()
    await broadcaster.start()
    queue = broadcaster.subscribe(TOPIC)
    other = broadcaster.subscribe("conversation:other")
    await publish(broadcaster, TOPIC, {"type": "message", "n": 1})
    assert await next_event(queue) == {"type": "message", "n": 1}
    await nothing_more(other)
    await broadcaster.stop()


async def test_listeners_are_called_for_their_topic_until_they_stop_listening() -> None:
    broadcaster = Broadcaster()
    await broadcaster.start()
    heard: list[dict[str, Any]] = []

    def broken(event: dict[str, Any]) -> None:
        raise RuntimeError("a listener's bug")

    broadcaster.listen("channels.wake", broken)  # fails first: the others still hear, queues still get it
    broadcaster.listen("channels.wake", heard.append)
    queue = broadcaster.subscribe("channels.wake")
    await publish(broadcaster, "channels.wake", {"queue": "inbox"})
    await publish(broadcaster, TOPIC, {"type": "message"})
    assert await next_event(queue) == {"queue": "inbox"}
    assert heard == [{"queue": "inbox"}]
    broadcaster.unlisten("channels.wake", heard.append)
    broadcaster.unlisten("channels.wake", heard.append)  # twice is harmless
    await publish(broadcaster, "channels.wake", {"queue": "outbox"})
    assert await next_event(queue) == {"queue": "outbox"}
    assert heard == [{"queue": "inbox"}]
    await broadcaster.stop()


# -- the real Redis --------------------------------------------------------------------------------


async def test_a_listener_hears_what_another_worker_published(workers: tuple[Broadcaster, Broadcaster]) -> None:
    one, two = workers
    heard: list[dict[str, Any]] = []
    one.listen("channels.wake", heard.append)
    queue = one.subscribe("channels.wake")  # delivered after the listeners: waiting on it is enough
    await publish(two, "channels.wake", {"queue": "outbox"})
    assert await next_event(queue) == {"queue": "outbox"}
    assert heard == [{"queue": "outbox"}]


async def test_an_event_published_on_one_worker_reaches_the_other(workers: tuple[Broadcaster, Broadcaster]) -> None:
    one, two = workers
    on_two = two.subscribe(TOPIC)
    on_one = one.subscribe(TOPIC)
    event = {"type": "message", "message": {"id": 7, "role": "advisor", "text": "こんにちは"}}
    await publish(two, TOPIC, event)
    assert await next_event(on_one) == event
    # The publishing worker's own sockets get it too, exactly once (through Redis, not twice).
    assert await next_event(on_two) == event
    await nothing_more(on_one)
    await nothing_more(on_two)


async def test_order_is_kept_and_topics_stay_apart(workers: tuple[Broadcaster, Broadcaster]) -> None:
    one, two = workers
    mine = one.subscribe(TOPIC)
    other = one.subscribe("conversation:other")
    for n in range(20):
        await publish(two, TOPIC, {"type": "queue", "position": n})
    assert [(await next_event(mine))["position"] for _ in range(20)] == list(range(20))
    await nothing_more(other)


async def test_another_prefix_is_another_deployment(real_redis: redis.Redis, prefix: str) -> None:
    ours = await started(RedisRelay(REDIS_URL, prefix))
    theirs = await started(RedisRelay(REDIS_URL, prefix + "staging:"))
    queue = theirs.subscribe(TOPIC)
    await publish(ours, TOPIC, {"type": "message"})
    await nothing_more(queue)
    await ours.stop()
    await theirs.stop()


async def test_malformed_events_on_the_channel_are_ignored(
    workers: tuple[Broadcaster, Broadcaster], real_redis: redis.Redis, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    one, two = workers
    queue = one.subscribe(TOPIC)
    real_redis.publish(f"{prefix}events:{TOPIC}", b"\xff not json")
    real_redis.publish(f"{prefix}events:{TOPIC}", b"[1, 2]")
    await publish(two, TOPIC, {"type": "state", "state": "advisor"})
    assert await next_event(queue) == {"type": "state", "state": "advisor"}
    assert "malformed live event" in caplog.text


async def test_a_dropped_subscription_reconnects(
    workers: tuple[Broadcaster, Broadcaster], real_redis: redis.Redis, prefix: str
) -> None:
    one, two = workers
    # Kill only this test's listeners (found by their client name), as a Redis restart would.
    killed = {c["id"] for c in listeners(real_redis, prefix)}
    assert len(killed) == 2
    for client_id in killed:
        real_redis.client_kill_filter(_id=client_id)
    queue = one.subscribe(TOPIC)
    deadline = asyncio.get_running_loop().time() + WAIT
    while True:
        fresh = {c["id"] for c in listeners(real_redis, prefix)} - killed
        if len(fresh) == 2 and all(relay_of(b).listening() for b in workers):
            break
        assert asyncio.get_running_loop().time() < deadline, "the listeners did not come back"
        await asyncio.sleep(0.05)
    await publish(two, TOPIC, {"type": "message", "n": 2})
    assert await next_event(queue) == {"type": "message", "n": 2}
    await nothing_more(queue)


def listeners(client: redis.Redis, prefix: str) -> list[dict[str, Any]]:
    return [c for c in client.client_list() if c.get("name", "").startswith(f"{prefix}listener")]


async def test_unreachable_redis_delivers_locally_and_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    # Nothing listens on port 1: every Redis call is refused at once.
    relay = RedisRelay("redis://127.0.0.1:1/0", "kktest-down:", retry_seconds=0.05)
    broadcaster = Broadcaster(relay)
    await broadcaster.start()
    queue = broadcaster.subscribe(TOPIC)
    with caplog.at_level(logging.WARNING, logger="api.live.fanout"):
        for n in range(3):
            await publish(broadcaster, TOPIC, {"type": "message", "n": n})
            await asyncio.sleep(0.06)  # past the retry pause, so every publish really tries Redis
        assert [(await next_event(queue))["n"] for _ in range(3)] == [0, 1, 2]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and r.name == "api.live.fanout"]
    assert len(warnings) == 1 and "Redis unavailable" in warnings[0].getMessage()
    assert relay.health() == "unavailable" and not relay.listening()
    await broadcaster.stop()


# -- fakeredis: an outage switched on and off ------------------------------------------------------


def fake_relay(server: fakeredis.FakeServer) -> RedisRelay:
    return RedisRelay(
        prefix="kktest-fake:",
        client=fakeredis.FakeRedis(server=server),
        async_client=lambda: fakeredis.FakeAsyncRedis(server=server),
        retry_seconds=0.05,
    )


async def test_an_outage_falls_back_to_local_delivery_and_recovers(caplog: pytest.LogCaptureFixture) -> None:
    server = fakeredis.FakeServer()
    one = await started(fake_relay(server))
    two = await started(fake_relay(server))
    on_one, on_two = one.subscribe(TOPIC), two.subscribe(TOPIC)

    await publish(one, TOPIC, {"n": 1})
    assert await next_event(on_one) == {"n": 1} and await next_event(on_two) == {"n": 1}

    server.connected = False
    with caplog.at_level(logging.WARNING, logger="api.live.fanout"):
        await publish(one, TOPIC, {"n": 2})  # stored in the database already; must not raise
    assert await next_event(on_one) == {"n": 2}  # this worker's sockets still hear it
    await nothing_more(on_two)  # the other worker cannot, until Redis is back
    assert "Redis unavailable" in caplog.text
    assert relay_of(one).health() == "unavailable"

    server.connected = True
    assert await asyncio.to_thread(relay_of(one).wait_listening, WAIT)
    assert await asyncio.to_thread(relay_of(two).wait_listening, WAIT)
    await asyncio.sleep(0.06)  # past the pause after the failed publish
    await publish(one, TOPIC, {"n": 3})
    assert await next_event(on_one) == {"n": 3} and await next_event(on_two) == {"n": 3}
    await nothing_more(on_one)
    await one.stop()
    await two.stop()
