"""Channel fixtures: the api with LINE and Telegram on, pointed at fake platforms on loopback.

Workers are driven by hand (`deliver`): handle stored events, then drain the outbox, so each test
sees a deterministic result without sleeping.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.channels.config import ChannelSettings
from api.channels.line.settings import LineSettings
from api.channels.line.signature import sign
from api.channels.telegram.settings import TelegramSettings
from api.core.config import Settings
from api.main import create_app
from tests.api.conftest import *  # noqa: F403
from tests.api.conftest import FakeRasa
from tests.channels.fakes import FakeLine, FakeTelegram

LINE_SECRET = "line-channel-secret-for-tests"
TELEGRAM_SECRET = "telegram-webhook-secret-for-tests"
TELEGRAM_TOKEN = "123456:TEST-token-for-tests"


@pytest.fixture
def fake_line() -> Iterator[FakeLine]:
    fake = FakeLine(profile_language="vi")
    yield fake
    fake.close()


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram()
    yield fake
    fake.close()


@pytest.fixture
def channel_settings(fake_line: FakeLine, fake_telegram: FakeTelegram) -> ChannelSettings:
    line = LineSettings(
        _env_file=None,  # type: ignore[call-arg]
        line_channel_secret=LINE_SECRET,
        line_channel_access_token="line-access-token",
        line_api_base=fake_line.url,
    )
    telegram = TelegramSettings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=TELEGRAM_TOKEN,
        telegram_webhook_secret=TELEGRAM_SECRET,
        telegram_api_base=fake_telegram.url,
        telegram_chat_burst=20,
    )
    return ChannelSettings(
        _env_file=None,  # type: ignore[call-arg]
        platforms={"line": line, "telegram": telegram},
        outbox_backoff_base_seconds=0.05,
        outbox_backoff_max_seconds=0.2,
        outbox_max_attempts=3,
        http_timeout_seconds=5,
    )


@pytest.fixture
def app_client(settings: Settings, channel_settings: ChannelSettings, fake_rasa: FakeRasa) -> Iterator[TestClient]:
    settings.channel_workers = False
    app = create_app(settings, channel_settings=channel_settings)
    app.state.services.rasa = fake_rasa
    app.state.services.conversations.rasa = fake_rasa
    with TestClient(app) as client:
        yield client
    app.state.services.channels.stop()


def deliver(client: TestClient) -> None:
    """Handle every stored event, then send everything due (what the workers do in the background)."""
    channels = client.app.state.services.channels  # type: ignore[attr-defined]
    while channels.workers.process_available():
        pass
    channels.outbox.drain(timeout=10)


def line_post(client: TestClient, body: dict[str, Any] | bytes, secret: str = LINE_SECRET, **headers: str) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    all_headers = {"Content-Type": "application/json", "X-Line-Signature": sign(secret, raw)} | headers
    return client.post("/webhooks/line", content=raw, headers=all_headers)


def telegram_post(client: TestClient, body: dict[str, Any] | bytes, secret: str | None = TELEGRAM_SECRET) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return client.post("/webhooks/telegram", content=raw, headers=headers)


@pytest.fixture
def advisor(app_client: TestClient) -> dict[str, Any]:
    from tests.advisors.conftest import make_user

    return make_user(app_client, "aiko@example.org", name="Aiko")
