"""Live events for open WebSockets, per conversation.

Sync request handlers publish; async WebSocket handlers consume. Within one process, events move
through asyncio queues on the app's event loop (thread-safe hand-over). With several api workers,
a relay (api/live/fanout.py, when REDIS_URL is set) carries every event to every process, and each
process delivers it to its own subscribers.

Besides queues, a topic can have listeners: plain callbacks run on the event loop for each event,
which must return at once (the channel queues use one to wake their worker threads when another
process stored work for them, api/channels/hub.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)
QUEUE_LIMIT = 100


class Relay(Protocol):
    def publish(self, topic: str, event: dict[str, Any]) -> bool: ...

    async def start(self, deliver: Callable[[str, dict[str, Any]], None]) -> None: ...

    async def stop(self) -> None: ...

    def health(self) -> str: ...


class Broadcaster:
    def __init__(self, relay: Relay | None = None) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)
        self._listeners: dict[str, list[Callable[[dict[str, Any]], None]]] = defaultdict(list)
        self._loop: asyncio.AbstractEventLoop | None = None
        self.relay = relay

    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    async def start(self) -> None:
        """Bind to the running loop and start listening to the relay (the app's lifespan calls this)."""
        self.bind_loop(asyncio.get_running_loop())
        if self.relay is not None:
            await self.relay.start(self._deliver)

    async def stop(self) -> None:
        if self.relay is not None:
            await self.relay.stop()

    def subscribe(self, topic: str) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self._subscribers[topic].add(queue)
        return queue

    def unsubscribe(self, topic: str, queue: asyncio.Queue[dict[str, Any]]) -> None:
        subscribers = self._subscribers.get(topic)
        if subscribers is not None:
            subscribers.discard(queue)
            if not subscribers:
                del self._subscribers[topic]

    def listen(self, topic: str, callback: Callable[[dict[str, Any]], None]) -> None:
        """Call `callback(event)` on the event loop for every event of `topic`, from any process."""
        self._listeners[topic].append(callback)

    def unlisten(self, topic: str, callback: Callable[[dict[str, Any]], None]) -> None:
        listeners = self._listeners.get(topic)
        if listeners is not None and callback in listeners:
            listeners.remove(callback)
            if not listeners:
                del self._listeners[topic]

    def publish(self, topic: str, event: dict[str, Any]) -> None:
        """Deliver `event` to every subscriber of `topic`, in every process; callable from any thread."""
        if self.relay is not None and self.relay.publish(topic, event):
            return  # the relay hands it back to this process's listener, as to every other process
        self.deliver_local(topic, event)

    def deliver_local(self, topic: str, event: dict[str, Any]) -> None:
        """Deliver to this process's subscribers only; callable from any thread."""
        if not (self._subscribers.get(topic) or self._listeners.get(topic)) or self._loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._deliver(topic, event)
        else:
            self._loop.call_soon_threadsafe(self._deliver, topic, event)

    def _deliver(self, topic: str, event: dict[str, Any]) -> None:
        for callback in list(self._listeners.get(topic, ())):
            try:
                callback(event)
            except Exception:
                log.exception("a live-event listener failed")
        for queue in list(self._subscribers.get(topic, ())):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                # A client that stopped reading loses live events; its history endpoint has them all.
                log.warning("dropping live event for a slow subscriber")
