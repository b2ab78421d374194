"""Issue #18, points 8-11, in Chromium at 1280×800 and 390×844: console buttons that match the
state, a live transcript that misses nothing (system messages, the options a user saw), the staff
member's chosen language kept, and the small things (reply box, colleagues' names, one definition of
"available", alerts that say what to do, readable times, the evaluation form before the step that
needs it, sources as links). Screenshots: var/screenshots/<point>-<size>.png."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from api.core.config import REPO_ROOT
from api.core.i18n import Catalogs
from tests.browser_support import SIZES, shoot
from tests.fce.conftest import PASSWORD, application
from tests.ui.conftest import INTERNAL, Site

CATALOGS = Catalogs(REPO_ROOT / "locales")
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def t(key: str, language: str = "en", **params: Any) -> str:
    return CATALOGS.gettext(f"console.{key}", language, **params)


def waiting_conversation(site: Site) -> str:
    """A widget user who got an unsure answer ("Did you mean…?" with options), then asked for a person."""
    created = httpx.post(f"{site.url}/api/v1/widget/conversations", json={"locale": "en"}).json()
    cid, token = created["conversation_id"], created["token"]
    said = httpx.post(
        f"{site.url}/api/v1/widget/conversations/{cid}/messages",
        json={"text": "visa.ssw1 is it for me, sure?"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert said.status_code == 200, said.text
    handoff = httpx.post(
        f"{site.url}/internal/v1/conversations/{cid}/handoff",
        json={"reason": "request_human"},
        headers={"Authorization": f"Bearer {INTERNAL}"},
    )
    assert handoff.status_code == 200, handoff.text
    return str(cid)


def console_page(browser: Any, site: Site, size: str, email: str = "aiko@example.org") -> Any:
    context = browser.new_context(viewport=SIZES[size], locale="en-US")
    site.login_cookies(context, email)
    return context.new_page()


def buttons(page: Any) -> dict[str, bool]:
    """Which of the conversation's buttons are enabled: the four actions and Send (the reply)."""
    found: dict[str, bool] = page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('[data-action], #kc-send')]"
        ".map(b => [b.dataset.action || 'send', !b.disabled]))"
    )
    return found


def header_on_one_line_each(page: Any) -> None:
    """The console header wraps between its items, never inside one ("Sign out", "Đăng xuất" and the
    title split over two lines on a phone): each item's text makes one line box."""
    lines = page.evaluate(
        """() => [...document.querySelectorAll('.kc-header strong, .kc-header nav a, .kc-me, #kc-logout')]
             .map(e => { const r = document.createRange(); r.selectNodeContents(e);
                         const tops = new Set([...r.getClientRects()].map(b => Math.round(b.top)));
                         return [e.textContent.trim(), tops.size]; })"""
    )
    assert lines and all(count == 1 for _text, count in lines), lines


@pytest.mark.parametrize("size", list(SIZES))
def test_8_and_9_buttons_follow_the_state_and_the_transcript_misses_nothing(
    browser: Any, site: Site, size: str
) -> None:
    cid = waiting_conversation(site)
    page = console_page(browser, site, size)
    with page.expect_websocket():
        page.goto(f"{site.url}/console/conversations/{cid}?lang=en")
    # 8: waiting -> only Claim.
    assert buttons(page) == {"claim": True, "handback": False, "close": False, "transfer": False, "send": False}
    # 9: the options the user was shown are in the transcript.
    options = page.locator("#kc-transcript .kc-options li").all_inner_texts()
    assert options and CATALOGS.gettext("button.talk_to_person", "en") in options
    shoot(page, f"8-waiting-{size}")
    page.click("button[data-action=claim]")
    joined = CATALOGS.gettext("handoff.advisor_joined", "en", name="Aiko")
    page.locator("#kc-transcript .kc-system", has_text=joined).wait_for(timeout=5_000)  # no reload
    page.wait_for_function("() => document.querySelector('[data-action=claim]').disabled")
    assert buttons(page) == {"claim": False, "handback": True, "close": True, "transfer": True, "send": True}
    shoot(page, f"8-claimed-{size}")
    # 9: handed back elsewhere (another tab): the event and its system message arrive live.
    handed = httpx.post(f"{site.url}/api/v1/advisor/conversations/{cid}/handback", headers=site.advisor)
    assert handed.status_code == 200, handed.text
    back = CATALOGS.gettext("handoff.back_to_bot", "en")
    page.locator("#kc-transcript .kc-system", has_text=back).wait_for(timeout=5_000)
    page.wait_for_function("() => document.querySelector('[data-action=handback]').disabled")
    assert buttons(page) == {"claim": False, "handback": False, "close": False, "transfer": False, "send": False}
    shoot(page, f"9-live-{size}")
    page.context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_10_the_console_keeps_the_chosen_language(browser: Any, site: Site, size: str) -> None:
    # Aiko's profile says Japanese first; her browser and the login page are English.
    context = browser.new_context(viewport=SIZES[size], locale="en-US")
    page = context.new_page()
    page.goto(f"{site.url}/console/login")
    assert page.locator("html").get_attribute("lang") == "en"
    page.fill("input[name=email]", "aiko@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console?lang=en")
    page.goto(f"{site.url}/console")
    assert page.locator("html").get_attribute("lang") == "en"
    # Choosing Vietnamese once keeps Vietnamese on the next page without ?lang=.
    page.goto(f"{site.url}/console/stats?lang=vi")
    page.goto(f"{site.url}/console")
    assert page.locator("html").get_attribute("lang") == "vi"
    header_on_one_line_each(page)
    shoot(page, f"10-language-{size}")
    context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_11_small_things(browser: Any, site: Site, size: str) -> None:
    cid = waiting_conversation(site)
    page = console_page(browser, site, size)
    page.goto(f"{site.url}/console?lang=en")
    online = page.locator("#kc-online")
    page.wait_for_function("() => document.getElementById('kc-online').textContent.length > 0")
    # One definition of available: outside office hours nobody is, whoever is logged in.
    assert online.inner_text() == f"{t('queue.available', count=0)} {t('queue.closed_hours')}"
    alert = page.locator("[data-testid=alerts] li").first
    alert.wait_for()
    assert alert.locator(".kc-alert-title").inner_text() == t("alerts.failed", channel="LINE")
    assert t("alerts.what_to_do") in alert.inner_text()
    header_on_one_line_each(page)
    shoot(page, f"11-queue-{size}")

    page.goto(f"{site.url}/console/conversations/{cid}?lang=en")
    page.click("button[data-action=claim]")
    page.wait_for_function("() => !document.querySelector('[data-action=transfer]').disabled")
    sizes = page.evaluate(
        """() => ({form: document.getElementById('kc-reply').getBoundingClientRect().width,
                  box: document.getElementById('kc-reply-text').getBoundingClientRect().width,
                  send: document.getElementById('kc-send').getBoundingClientRect().width})"""
    )
    assert sizes["box"] >= 0.9 * sizes["form"] and sizes["send"] < 0.5 * sizes["form"], sizes
    colleagues = page.locator("#kc-transfer-to option").all_inner_texts()
    assert colleagues and colleagues[0].startswith("Ben Tanaka") and "(" not in colleagues[0]
    shoot(page, f"11-conversation-{size}")
    page.context.close()

    # The evaluator's case pages: readable times, the form before the step that needs it, links.
    created = httpx.post(f"{site.url}/api/v1/fce/cases", json=application()).json()
    reference = created["reference"]
    for step in ("documents_received", "under_evaluation"):
        moved = httpx.post(
            f"{site.url}/api/v1/evaluator/cases/{reference}/transitions", json={"to": step}, headers=site.evaluator
        )
        assert moved.status_code == 200
    page = console_page(browser, site, size, "eva@example.org")
    page.goto(f"{site.url}/console/cases/{reference}?lang=en")
    text = page.locator("main").inner_text()
    assert not ISO_TIME.search(text) and "0.0" not in text
    assert page.locator("[data-testid=created]").inner_text().endswith("JST")
    order = page.evaluate(
        """() => document.querySelector('form[data-fce-form=evaluation]')
                 .compareDocumentPosition(document.querySelector('[data-fce-step]'))"""
    )
    assert order & 4  # DOCUMENT_POSITION_FOLLOWING: the step buttons come after the form
    links = page.locator(".kf-sources a")
    assert links.count() > 0 and links.first.get_attribute("href", timeout=1000).startswith("http")
    shoot(page, f"11-case-{size}")
    page.locator("form[data-fce-form=evaluation]").scroll_into_view_if_needed()
    shoot(page, f"11-case-form-{size}")
    page.goto(f"{site.url}/console/cases/{site.reference}?lang=en")
    assert page.locator("[data-testid=turnaround]").inner_text() == t("case.turnaround_under_day")
    page.context.close()
