"""Redis fan-out for live events, so that a socket on one api worker sees what another worker did.

With REDIS_URL set, Broadcaster.publish hands each event to Redis pub/sub, and every process (this
one included) delivers what comes back to its own subscribers: one delivery path, one order, for
local and remote events alike. Each process holds one pattern subscription; every worker sees every
event and drops those nobody on it listens to, which is cheap at chat volumes and needs no
subscribe/unsubscribe bookkeeping across threads.

Redis is never on the critical path. Messages are in the database before any event is published,
so when Redis fails an event is delivered within this process only (one WARNING per outage, not one
per event), the listener reconnects with backoff, and clients recover anything they missed from the
history endpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
import redis.asyncio as aioredis
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeout

from api.core.config import Settings

log = logging.getLogger(__name__)

Deliver = Callable[[str, dict[str, Any]], None]
SUBSCRIBE_CONFIRM_SECONDS = 5.0


class RedisRelay:
    def __init__(
        self,
        url: str | None = None,
        prefix: str = "kakehashi:",
        *,
        client: redis.Redis | None = None,
        async_client: Callable[[], aioredis.Redis] | None = None,
        timeout: float = 1.0,
        retry_seconds: float = 0.5,
        max_retry_seconds: float = 15.0,
    ) -> None:
        if url is None and (client is None or async_client is None):
            raise ValueError("RedisRelay needs a URL or both clients")
        self.channel_prefix = f"{prefix}events:"
        # Short timeouts: publishing runs inside request handlers, which must not hang on Redis.
        self._client = client or redis.Redis.from_url(str(url), socket_timeout=timeout, socket_connect_timeout=timeout)
        name = f"{prefix}listener-{os.getpid()}".replace(" ", "_")

        def connect() -> aioredis.Redis:
            # health_check_interval makes an idle subscription PING, so a silently dead link is noticed.
            return aioredis.Redis.from_url(
                str(url), socket_connect_timeout=timeout, health_check_interval=10, client_name=name
            )

        self._async_client = async_client or connect
        self._retry = retry_seconds
        self._max_retry = max_retry_seconds
        # Set while our subscription is confirmed: only then will Redis hand our own events back.
        self._listening = threading.Event()
        self._skip_until = 0.0
        self._outage = False
        self._task: asyncio.Task[None] | None = None

    # -- publishing (any thread) -----------------------------------------------------------------

    def publish(self, topic: str, event: dict[str, Any]) -> bool:
        """Hand `event` to Redis. True means this process's listener will deliver it locally too;
        False means the caller must deliver it locally itself."""
        if time.monotonic() < self._skip_until:
            # Redis failed a moment ago: do not make every request wait for another timeout.
            return False
        listening = self._listening.is_set()
        try:
            receivers = self._client.publish(self.channel_prefix + topic, json.dumps(event, default=str))
        except (RedisError, OSError) as exc:
            self._skip_until = time.monotonic() + self._retry
            self._failed(f"publish failed: {exc}")
            return False
        self._recovered()
        # Zero receivers means not even our own subscription heard it (it dropped a moment ago).
        return listening and int(receivers) > 0

    def health(self) -> str:
        try:
            return "ok" if self._client.ping() else "unavailable"
        except (RedisError, OSError):
            return "unavailable"

    def listening(self) -> bool:
        return self._listening.is_set()

    def wait_listening(self, timeout: float) -> bool:
        return self._listening.wait(timeout)

    # -- listening (the app's event loop) --------------------------------------------------------

    async def start(self, deliver: Deliver) -> None:
        self._task = asyncio.create_task(self._listen(deliver), name="redis-live-events")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._client.close()

    async def _listen(self, deliver: Deliver) -> None:
        delay = self._retry
        while True:
            client = self._async_client()
            pubsub = client.pubsub()
            try:
                await pubsub.psubscribe(self.channel_prefix + "*")
                await self._confirmed(pubsub)
                self._listening.set()
                self._skip_until = 0.0
                self._recovered()
                delay = self._retry
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if message is not None:
                        self._dispatch(message, deliver)
            except (RedisError, OSError) as exc:
                self._listening.clear()
                self._failed(f"subscription lost: {exc}")
            finally:
                self._listening.clear()
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
                with contextlib.suppress(Exception):
                    await client.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._max_retry)

    @staticmethod
    async def _confirmed(pubsub: Any) -> None:
        """Wait for Redis to confirm the subscription: until then our own events would be missed."""
        deadline = time.monotonic() + SUBSCRIBE_CONFIRM_SECONDS
        while time.monotonic() < deadline:
            message = await pubsub.get_message(timeout=0.5)
            if message is not None and message.get("type") == "psubscribe":
                return
        raise RedisTimeout("no subscription confirmation")

    def _dispatch(self, message: dict[str, Any], deliver: Deliver) -> None:
        channel = message.get("channel")
        data = message.get("data")
        if isinstance(channel, bytes):
            channel = channel.decode("utf-8", "replace")
        if not isinstance(channel, str) or not channel.startswith(self.channel_prefix):
            return
        try:
            event = json.loads(data) if isinstance(data, (bytes, str)) else None
        except ValueError:
            event = None
        if not isinstance(event, dict):
            log.warning("ignoring a malformed live event on %s", channel)
            return
        deliver(channel[len(self.channel_prefix) :], event)

    def _failed(self, reason: str) -> None:
        if not self._outage:
            self._outage = True
            log.warning(
                "Redis unavailable (%s): live events reach only this process's sockets until it is back", reason
            )

    def _recovered(self) -> None:
        if self._outage:
            self._outage = False
            log.info("Redis answers again: live events fan out to every api process")


def relay_for(settings: Settings) -> RedisRelay | None:
    """Without REDIS_URL, events stay in-process (one worker, `make run`)."""
    if not settings.redis_url:
        return None
    return RedisRelay(settings.redis_url, settings.redis_prefix)
