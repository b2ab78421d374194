"""A real browser: a send that failed for good shows in the advisor console, and Dismiss clears it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.auth.users import create_user
from api.channels.config import ChannelSettings
from api.channels.models import OutboxMessage, OutboxStatus
from api.channels.telegram.settings import TelegramSettings
from api.core.config import Settings
from api.main import create_app
from tests.browser_support import chromium, serve

PASSWORD = "correct horse battery"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'app.db'}",
        knowledge_enabled=False,
        health_components=("database",),
        actions_token="browser-internal",
        channel_workers=False,
    )
    telegram = TelegramSettings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token="1:browser",
        telegram_webhook_secret="browser-secret",
        telegram_api_base="http://127.0.0.1:9",
    )
    channels = ChannelSettings(_env_file=None, platforms={"telegram": telegram})  # type: ignore[call-arg]
    app = create_app(settings, channel_settings=channels)
    with app.state.services.db.session() as session:
        create_user(session, email="aiko@example.org", password=PASSWORD, role="advisor", display_name="Aiko")
        row = OutboxMessage(
            channel="telegram",
            destination="42",
            kind="telegram_message",
            body={"text": "hi"},
            status=OutboxStatus.FAILED.value,
            attempts=8,
            last_error="Telegram unreachable or failing: NetworkError",
        )
        session.add(row)
        session.flush()
        row_id = row.id
    with serve(app) as url:
        yield url, row_id


def test_a_failed_send_is_shown_and_can_be_dismissed(server: tuple[str, int]) -> None:
    base, _ = server
    with chromium() as browser:
        page = browser.new_context().new_page()
        page.goto(base + "/console/login?lang=en")
        page.fill("input[name=email]", "aiko@example.org")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(base + "/console?lang=en")
        alerts = page.locator("[data-testid=alerts] li")
        alerts.first.wait_for()
        assert "Telegram" in alerts.first.inner_text() and "NetworkError" in alerts.first.inner_text()
        assert page.locator("#kc-alerts-box h2").inner_text() == "Messages that could not be delivered"
        alerts.first.locator("button", has_text="Dismiss").click()
        page.locator("#kc-alerts-box").wait_for(state="hidden")
