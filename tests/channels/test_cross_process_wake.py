"""Work stored by one process wakes the process that runs its queue (api/channels/hub.py).

The production shape stores a webhook's event in a uvicorn worker that runs no inbox, and queues an
advisor's reply in one that runs no outbox. Each publishes `channels.wake` on the live-event relay,
and the channel-workers process handles the work at once instead of at its next poll. Here every poll
is a minute long, so only the wake-up can make the work happen within the test's deadline. The unit
tests pin which queue a process wakes itself and which it asks another process to wake.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from api.channels.config import ChannelSettings
from api.channels.hub import WAKE_TOPIC
from api.core.config import Settings
from api.main import create_app
from tests.api.conftest import FakeRasa
from tests.channels.conftest import line_post
from tests.channels.fakes import FakeLine
from tests.channels.payloads import line_body, line_text
from tests.redis_support import *  # noqa: F403 - the real_redis and prefix fixtures
from tests.redis_support import REDIS_URL

SLOW_POLL = 60.0  # longer than any deadline below: a poll cannot be what handled the work
DEADLINE = 20.0


class Published:
    """A broadcaster stand-in that records what the hub publishes and whom it listens to."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.listeners: dict[str, list[Callable[[dict[str, Any]], None]]] = {}

    def publish(self, topic: str, event: dict[str, Any]) -> None:
        self.events.append((topic, event))

    def listen(self, topic: str, callback: Callable[[dict[str, Any]], None]) -> None:
        self.listeners.setdefault(topic, []).append(callback)

    def unlisten(self, topic: str, callback: Callable[[dict[str, Any]], None]) -> None:
        self.listeners.get(topic, []).remove(callback)


class Woken:
    def __init__(self) -> None:
        self.count = 0

    def wake(self) -> None:
        self.count += 1


@pytest.fixture
def hub(app_client: TestClient) -> Iterator[Any]:
    """The app's channel hub, not started, with its broadcaster and queues replaced by recorders."""
    channels = app_client.app.state.services.channels  # type: ignore[attr-defined]
    real = channels.broadcaster, channels.workers, channels.outbox
    channels.broadcaster, channels.workers, channels.outbox = Published(), Woken(), Woken()
    channels.workers.start = channels.workers.stop = channels.outbox.start = channels.outbox.stop = lambda: None
    yield channels
    channels.running = frozenset()
    channels.broadcaster, channels.workers, channels.outbox = real


def test_a_process_without_the_queues_asks_another_to_wake_them(hub: Any) -> None:
    hub.wake_inbound()
    hub.wake_outbox()
    assert hub.broadcaster.events == [(WAKE_TOPIC, {"queue": "inbox"}), (WAKE_TOPIC, {"queue": "outbox"})]
    assert hub.workers.count == hub.outbox.count == 0


def test_a_process_with_both_queues_wakes_them_itself_and_answers_others(hub: Any) -> None:
    hub.start()
    hub.wake_inbound()
    hub.wake_outbox()
    assert hub.broadcaster.events == []
    assert (hub.workers.count, hub.outbox.count) == (1, 1)
    [woken] = hub.broadcaster.listeners[WAKE_TOPIC]
    woken({"queue": "outbox"})
    woken({"queue": "inbox"})
    woken({"queue": "something else"})
    woken({})
    assert (hub.workers.count, hub.outbox.count) == (2, 2)
    hub.stop()
    assert hub.broadcaster.listeners[WAKE_TOPIC] == []


def test_an_inbox_only_process_asks_the_sender_to_send(hub: Any) -> None:
    hub.start(outbox=False)
    hub.wake_inbound()
    hub.wake_outbox()
    assert hub.workers.count == 1 and hub.outbox.count == 0
    assert hub.broadcaster.events == [(WAKE_TOPIC, {"queue": "outbox"})]
    # Another process's request to send is not for it.
    hub.broadcaster.listeners[WAKE_TOPIC][0]({"queue": "outbox"})
    assert hub.outbox.count == 0


# -- two processes on one database and one Redis ---------------------------------------------------


@contextmanager
def process(
    settings: Settings, channels: ChannelSettings, rasa: FakeRasa, *, workers: bool, outbox: bool = True
) -> Iterator[TestClient]:
    app = create_app(
        settings.model_copy(update={"channel_workers": workers, "channel_outbox": outbox}), channel_settings=channels
    )
    app.state.services.rasa = app.state.services.conversations.rasa = rasa
    with TestClient(app) as client:
        relay = app.state.services.broadcaster.relay
        assert relay is not None and relay.wait_listening(5), "the relay never subscribed"
        yield client
    app.state.services.channels.stop()


def wait_until(done: Callable[[], bool]) -> float:
    started = time.monotonic()
    while time.monotonic() - started < DEADLINE and not done():
        time.sleep(0.02)
    assert done(), f"not done within {DEADLINE} s"
    return time.monotonic() - started


@pytest.fixture
def shared(
    settings: Settings, channel_settings: ChannelSettings, real_redis: redis.Redis, prefix: str
) -> tuple[Settings, ChannelSettings]:
    slow = channel_settings.model_copy(update={"inbound_poll_seconds": SLOW_POLL, "outbox_poll_seconds": SLOW_POLL})
    return settings.model_copy(update={"redis_url": REDIS_URL, "redis_prefix": prefix}), slow


def test_a_webhook_in_an_api_worker_is_handled_by_the_workers_process_at_once(
    shared: tuple[Settings, ChannelSettings], fake_rasa: FakeRasa, fake_line: FakeLine
) -> None:
    settings, channels = shared
    with (
        process(settings, channels, fake_rasa, workers=True),
        process(settings, channels, fake_rasa, workers=False) as api,
    ):
        time.sleep(0.2)  # the workers' first poll is over: from here on only a wake-up is fast
        posted = line_post(api, line_body(line_text("xin chào", "01HXWAKE000000000000000001")))
        assert posted.status_code == 200
        wait_until(lambda: bool(fake_line.calls(r"/message/(reply|push)$")))
    assert [s["message"] for s in fake_rasa.sent] == ["xin chào"]


def test_an_inbox_only_process_s_reply_is_sent_by_the_sender_at_once(
    shared: tuple[Settings, ChannelSettings], fake_rasa: FakeRasa, fake_line: FakeLine
) -> None:
    settings, channels = shared
    # The inbox-only process stores the webhook itself (its own inbox wakes at once); the reply it
    # queues is the sender's, in the other process, whose inbox is never woken (its poll is a minute).
    with (
        process(settings, channels, fake_rasa, workers=True, outbox=True) as sender,
        process(settings, channels, fake_rasa, workers=True, outbox=False) as inbox_only,
    ):
        sender.app.state.services.channels.workers.stop()  # type: ignore[attr-defined]
        time.sleep(0.2)
        posted = line_post(inbox_only, line_body(line_text("obrigado", "01HXWAKE000000000000000002")))
        assert posted.status_code == 200
        wait_until(lambda: bool(fake_line.calls(r"/message/(reply|push)$")))
        # Its own outbox never ran: the reply went out through the sender's.
        assert inbox_only.app.state.services.channels.running == frozenset({"inbox"})  # type: ignore[attr-defined]
    assert [s["message"] for s in fake_rasa.sent] == ["obrigado"]
