"""The widget in a real browser (Debian's Chromium driven by Playwright) against the running stack."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from api.core.config import REPO_ROOT
from api.core.i18n import Catalogs
from tests.browser_support import chromium

API = os.environ.get("E2E_API_URL")
ARTIFACTS = REPO_ROOT / "test-artifacts"
pytestmark = pytest.mark.skipif(not API, reason="end-to-end: run through scripts/e2e.sh (make test-e2e)")
CATALOGS = Catalogs(REPO_ROOT / "locales")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as instance:
        yield instance


def test_phone_user_greets_and_gets_an_answer(browser: object) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="pt-BR", is_mobile=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{API}/")
    launcher = page.locator(".kk-launcher")
    launcher.wait_for()
    assert launcher.inner_text() == CATALOGS.gettext("widget.open", "pt")
    launcher.click()
    page.locator(".kk-panel").wait_for()
    log = page.locator("[role=log]")
    assert log.get_attribute("aria-live") == "polite"
    page.fill("#kk-input", "Oi, tudo bem?")
    page.keyboard.press("Enter")
    # The widget's own greeting comes first; the bot's reply follows it.
    assert page.locator(".kk-greeting .kk-text").inner_text() == CATALOGS.gettext("widget.greeting", "pt")
    bot = page.locator(".kk-msg.kk-bot:not(.kk-greeting)").first
    bot.wait_for(timeout=20_000)
    assert bot.locator(".kk-text").inner_text() == CATALOGS.gettext("utter_greet", "pt")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget-phone-pt.png"))
    # Keyboard only: the language switcher relabels the widget.
    page.select_option("#kk-lang", "ja")
    page.wait_for_function("document.querySelector('.kk-send').textContent === '送信'")
    context.close()


def test_html_in_messages_is_shown_as_text(browser: object) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{API}/")
    page.locator(".kk-launcher").click()
    page.fill("#kk-input", '<img src=x onerror="window.pwned=1"><b>bold</b>')
    page.keyboard.press("Enter")
    page.locator(".kk-msg.kk-user").first.wait_for()
    page.locator(".kk-msg.kk-bot:not(.kk-greeting)").first.wait_for(timeout=20_000)
    assert page.locator(".kk-msg.kk-user .kk-text").first.inner_text().startswith("<img src=x")
    assert page.evaluate("window.pwned === undefined")
    assert page.locator(".kk-log img").count() == 0
    context.close()


def _choose(page: object, button: object) -> None:
    """Press a reply button and wait for the bot's next set of buttons."""
    groups = page.locator(".kk-buttons").count()  # type: ignore[attr-defined]
    button.click()  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "n => document.querySelectorAll('.kk-buttons').length > n", arg=groups, timeout=20_000
    )


def test_addresses_in_replies_are_links(browser: object) -> None:
    # The credential-evaluation flow, by buttons: a country, a credential, the preview, then "Not now",
    # whose answer gives the web form's address in its text.
    context = browser.new_context(locale="en-US")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{API}/")
    page.locator(".kk-launcher").click()
    page.fill("#kk-input", "i want my degree evaluated")
    page.keyboard.press("Enter")
    page.locator(".kk-msg.kk-bot .kk-buttons").first.wait_for(timeout=20_000)
    for _ in range(2):  # the country, then the credential
        _choose(page, page.locator(".kk-buttons").last.locator("button").first)
    page.locator(".kk-buttons").last.locator("button", has_text="Not now").click()
    link = page.locator(".kk-msg.kk-bot a[href*='/fce/apply']").first
    link.wait_for(timeout=20_000)
    assert link.get_attribute("rel") == "noopener noreferrer"
    context.close()
