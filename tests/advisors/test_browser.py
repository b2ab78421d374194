"""A real browser (Debian's Chromium via Playwright): an advisor logs in at /console, claims a
waiting conversation and replies; the widget on / shows the reply live. Prints the measured time
from the advisor's send to the widget's display."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.auth.users import create_user
from api.core.config import Settings
from api.main import create_app
from tests.api.conftest import FakeRasa
from tests.browser_support import chromium, serve

PASSWORD = "correct horse battery"
REPLY = "Hello from Aiko <b>not bold</b>"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    database = tmp_path_factory.mktemp("console") / "app.db"
    settings = Settings(
        database_url=f"sqlite:///{database}",
        knowledge_enabled=False,
        health_components=("database",),
        actions_token="browser-internal",
    )
    app = create_app(settings)
    app.state.services.conversations.rasa = FakeRasa()
    with app.state.services.db.session() as session:
        create_user(session, email="aiko@example.org", password=PASSWORD, role="advisor", display_name="Aiko")
    with serve(app) as url:
        yield url, app


def test_advisor_reply_reaches_the_widget(server: tuple[str, Any]) -> None:
    base, _app = server
    created = httpx.post(f"{base}/api/v1/widget/conversations", json={"locale": "vi"}).json()
    cid, token = created["conversation_id"], created["token"]
    handoff = httpx.post(
        f"{base}/internal/v1/conversations/{cid}/handoff",
        json={"reason": "request_human"},
        headers={"Authorization": "Bearer browser-internal"},
    )
    assert handoff.status_code == 200

    with chromium() as browser:
        # The visitor: the demo page with the widget, already in this conversation.
        visitor = browser.new_context().new_page()
        state = f'{{"id": "{cid}", "token": "{token}", "language": "vi"}}'
        visitor.add_init_script(f"localStorage.setItem('kakehashi.widget', '{state}')")
        visitor.goto(base + "/")
        # The widget's socket is authenticated once the "ready" frame arrives. The frames are collected from
        # the socket's creation on: waiting for the event after the click could miss a frame already received.
        frames: list[Any] = []
        visitor.on("websocket", lambda socket: socket.on("framereceived", lambda payload: frames.append(payload)))
        visitor.locator(".kk-launcher").click()
        deadline = time.monotonic() + 30
        while not frames and time.monotonic() < deadline:
            visitor.wait_for_timeout(50)
        assert frames, "the widget's socket sent no ready frame"
        # Record the moment the advisor's text appears, in the page's own clock.
        visitor.evaluate(
            """marker => { new MutationObserver(() => {
                 if (!window.__shownAt && document.body.innerText.includes(marker)) window.__shownAt = Date.now();
               }).observe(document.body, {childList: true, subtree: true, characterData: true}); }""",
            "Hello from Aiko",
        )

        advisor = browser.new_context().new_page()
        advisor.goto(base + "/console/login?lang=ja")
        advisor.fill("input[name=email]", "aiko@example.org")
        advisor.fill("input[name=password]", PASSWORD)
        advisor.click("button[type=submit]")
        advisor.wait_for_url(base + "/console?lang=ja")
        advisor.locator(f"li[data-id='{cid}'] a").click()
        assert "vi" in advisor.locator("[data-testid=user-language]").inner_text()
        advisor.click("button[data-action=claim]")
        visitor.locator(".kk-system", has_text="Aiko").wait_for()
        advisor.fill("#kc-reply-text", REPLY)
        sent_at = advisor.evaluate("() => { document.getElementById('kc-send').click(); return Date.now(); }")
        visitor.locator(".kk-advisor .kk-text", has_text="Hello from Aiko").wait_for(timeout=10_000)
        visitor.wait_for_function("() => window.__shownAt")
        shown_at = visitor.evaluate("() => window.__shownAt")
        latency_ms = shown_at - sent_at
        print(f"\nadvisor send -> widget display: {latency_ms} ms")
        # The markup arrived as text: no <b> element was created in the widget.
        assert visitor.locator(".kk-advisor .kk-text").first.inner_text() == REPLY
        assert visitor.locator(".kk-advisor b").count() == 0
        assert latency_ms < 5000
        Path("test-artifacts").mkdir(exist_ok=True)
        advisor.screenshot(path="test-artifacts/console-conversation.png", full_page=True)
        browser.close()
