"""Two api workers on one database and one Redis: what an advisor does through one worker reaches a
widget connected to the other. And /healthz reports a configured Redis. SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.core.config import Settings
from api.main import create_app
from tests.advisors.conftest import hand_off, make_user
from tests.advisors.test_advisor_api import url
from tests.advisors.test_waiting import connect, new_conversation, next_of, ready
from tests.api.conftest import FakeRasa
from tests.redis_support import *  # noqa: F403 - the real_redis and prefix fixtures
from tests.redis_support import REDIS_URL


def worker(settings: Settings) -> FastAPI:
    app = create_app(settings)
    app.state.services.rasa = FakeRasa()
    app.state.services.conversations.rasa = app.state.services.rasa
    return app


@pytest.fixture
def workers(settings: Settings, real_redis: redis.Redis, prefix: str) -> Iterator[tuple[TestClient, TestClient]]:
    shared = settings.model_copy(update={"redis_url": REDIS_URL, "redis_prefix": prefix})
    with TestClient(worker(shared)) as one, TestClient(worker(shared)) as two:
        for client in (one, two):
            assert client.app.state.services.broadcaster.relay.wait_listening(5.0)  # type: ignore[attr-defined]
        yield one, two


def test_an_advisor_reply_through_one_worker_reaches_a_widget_on_the_other(
    workers: tuple[TestClient, TestClient],
) -> None:
    one, two = workers
    ahead, mine = new_conversation(one), new_conversation(one)
    for conv in (ahead, mine):
        hand_off(two, conv["conversation_id"])
    advisor = make_user(two, "aiko@example.org", name="Aiko")
    cid = mine["conversation_id"]
    with connect(one, mine) as widget:
        assert ready(widget, mine)["position"] == 2
        # The queue moves on worker two; the widget on worker one hears its new place.
        two.post(url(ahead["conversation_id"], "claim"), headers=advisor["headers"])
        assert next_of(widget, "queue") == {"type": "queue", "position": 1}
        two.post(url(cid, "claim"), headers=advisor["headers"])
        assert next_of(widget, "message")["message"]["text"].startswith("Aiko")
        assert next_of(widget, "state") == {"type": "state", "state": "advisor"}
        two.post(url(cid, "messages"), json={"text": "Hello from worker two"}, headers=advisor["headers"])
        live = next_of(widget, "message")["message"]
        assert live["role"] == "advisor" and live["text"] == "Hello from worker two"


def test_a_user_message_on_one_worker_reaches_a_console_on_the_other(
    workers: tuple[TestClient, TestClient],
) -> None:
    one, two = workers
    conv = new_conversation(one)
    hand_off(one, conv["conversation_id"])
    make_user(two, "aiko@example.org", name="Aiko")
    two.post("/api/v1/auth/login", json={"email": "aiko@example.org", "password": "correct horse battery"})
    with two.websocket_connect("/api/v1/advisor/ws") as console:
        assert console.receive_json()["type"] == "ready"
        one.post(
            f"/api/v1/widget/conversations/{conv['conversation_id']}/messages",
            json={"text": "question for a person"},
            headers={"Authorization": conv["auth"]},
        )
        pushed = next_of(console, "user_message")
        assert pushed["conversation_id"] == conv["conversation_id"]
        assert pushed["message"]["text"] == "question for a person"


# -- /healthz --------------------------------------------------------------------------------------


def health(settings: Settings, **changes: Any) -> tuple[int, dict[str, Any]]:
    with TestClient(worker(settings.model_copy(update=changes))) as client:
        response = client.get("/healthz")
        return response.status_code, response.json()


def test_health_reports_a_configured_redis(settings: Settings, real_redis: redis.Redis, prefix: str) -> None:
    status, body = health(settings, redis_url=REDIS_URL, redis_prefix=prefix)
    assert status == 200 and body["status"] == "ok"
    assert body["components"]["redis"] == "ok" and "degraded" not in body


def test_health_without_redis_does_not_mention_it(settings: Settings) -> None:
    status, body = health(settings)
    assert status == 200 and "redis" not in body["components"]


def test_a_redis_outage_degrades_but_is_not_broken(settings: Settings) -> None:
    status, body = health(settings, redis_url="redis://127.0.0.1:1/0")
    assert status == 200
    assert body["status"] == "degraded" and body["degraded"] == ["redis"]
    assert body["components"]["redis"] == "unavailable" and "broken" not in body


def test_redis_listed_in_health_components_counts_as_broken(settings: Settings) -> None:
    status, body = health(settings, redis_url="redis://127.0.0.1:1/0", health_components=("database", "rasa", "redis"))
    assert status == 503 and body["broken"] == ["redis"]


def test_sending_works_while_redis_is_down(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    down = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    with TestClient(worker(down)) as client:
        conv = new_conversation(client)
        hand_off(client, conv["conversation_id"])
        advisor = make_user(client, "aiko@example.org", name="Aiko")
        cid = conv["conversation_id"]
        with connect(client, conv) as widget:
            ready(widget, conv)
            assert client.post(url(cid, "claim"), headers=advisor["headers"]).status_code == 200
            sent = client.post(url(cid, "messages"), json={"text": "still here"}, headers=advisor["headers"])
            assert sent.status_code == 200
            # Delivered within this worker even though Redis is unreachable.
            assert next_of(widget, "message")["message"]["text"].startswith("Aiko")
            assert next_of(widget, "message")["message"]["text"] == "still here"
    assert "Redis unavailable" in caplog.text
