"""Shared fixtures: an app on a fresh database (SQLite always, PostgreSQL when TEST_DATABASE_URL is
set), and a scripted stand-in for Rasa so API tests control exactly what the bot says."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.channels.config import ChannelSettings
from api.conversations.rasa_client import RasaUnavailable
from api.core.config import REPO_ROOT, Settings
from api.main import create_app

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
# No messaging platform configured (each is then off: 404 on its webhook, "disabled" in /healthz).
NO_CHANNELS: dict[str, object] = {"platforms": {}}


class FakeRasa:
    """Records what the api sends and answers from a script (or fails, to test outages)."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.slots: list[tuple[str, str, Any]] = []
        self.replies: list[dict[str, Any]] = [{"text": "hello from the fake bot"}]
        self.down = False
        self.events: list[tuple[str, list[dict[str, Any]]]] = []
        self.executed: list[tuple[str, str]] = []
        self.executed_replies: list[dict[str, Any]] = [{"text": "the pending question"}]

    def send(self, sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        if self.down:
            raise RasaUnavailable("connection refused")
        self.sent.append({"sender": sender, "message": message, "metadata": metadata})
        return list(self.replies)

    def set_slot(self, sender: str, name: str, value: Any) -> None:
        if self.down:
            raise RasaUnavailable("connection refused")
        self.slots.append((sender, name, value))

    def append_events(self, sender: str, events: list[dict[str, Any]]) -> None:
        if self.down:
            raise RasaUnavailable("connection refused")
        self.events.append((sender, list(events)))

    def execute(self, sender: str, action: str) -> list[dict[str, Any]]:
        if self.down:
            raise RasaUnavailable("connection refused")
        self.executed.append((sender, action))
        return list(self.executed_replies)

    def ping(self) -> bool:
        return not self.down

    def replicas(self) -> dict[str, str]:
        return {"http://fake-rasa": "unavailable" if self.down else "ok"}

    def close(self) -> None:
        pass


def _reset_postgres(url: str) -> None:
    from api.db.session import normalise_url

    engine = create_engine(normalise_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    if not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL variant: TEST_DATABASE_URL is not set")
    _reset_postgres(TEST_DATABASE_URL)
    return TEST_DATABASE_URL


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        # One token per caller (api/deps.py): the action server's, Rasa's NLG calls', Rasa's admin API's.
        actions_token="test-internal-token",
        nlg_token="test-nlg-token",
        rasa_admin_token="test-rasa-admin-token",
        rasa_url="http://127.0.0.1:9",
        action_server_url="http://127.0.0.1:9",
        health_components=("database", "rasa"),
        # Tests that need the knowledge base inject a retriever (tests/api/test_guidance.py).
        knowledge_enabled=False,
        purge_interval_seconds=0,  # the scheduled purge is driven by hand in tests/privacy
        locales_dir=REPO_ROOT / "locales",
        domain_file=REPO_ROOT / "bot" / "domain",
    )


@pytest.fixture
def fake_rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def client(settings: Settings, fake_rasa: FakeRasa) -> Iterator[TestClient]:
    # Channels off whatever the environment says: these tests are about the widget and the api.
    app = create_app(settings, channel_settings=ChannelSettings(_env_file=None, **NO_CHANNELS))  # type: ignore[call-arg]
    app.state.services.rasa = fake_rasa
    app.state.services.conversations.rasa = fake_rasa
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def conversation(client: TestClient) -> dict[str, str]:
    """A widget conversation with English chosen explicitly."""
    response = client.post("/api/v1/widget/conversations", json={"locale": "en"})
    assert response.status_code == 201
    body: dict[str, str] = response.json()
    body["auth"] = f"Bearer {body['token']}"
    return body
