"""Issue #18, point 13: axe-core finds no critical and no serious violation on any page, at
1280×800 and 390×844. axe-core comes from npm (scripts/ensure-axe.sh) and is injected into each page;
the counts per page are printed (`-s`) and every page is kept as a screenshot in var/screenshots/."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.browser_support import SIZES, axe, blocking, shoot
from tests.ui.conftest import PUBLIC_BASE, Site


def widget(page: Any, site: Site) -> None:
    page.goto(f"{site.url}/?lang=en")
    page.locator(".kk-launcher").click()
    page.fill("#kk-input", "visa.ssw1 what is it")
    page.keyboard.press("Enter")
    page.locator(".kk-msg.kk-bot .kk-sources").first.wait_for(timeout=20_000)


def status(page: Any, site: Site) -> None:
    page.goto(f"{site.url}/fce/status?lang=en")
    page.fill("input[name=reference]", site.reference)
    page.fill("input[name=access_code]", site.access_code)
    page.click("main form button[type=submit]")
    page.locator("[data-testid=case]").wait_for()


def conversation(page: Any, site: Site) -> None:
    page.goto(f"{site.url}/?lang=en")
    page.locator(".kk-launcher").click()
    page.fill("#kk-input", "I want a person")
    page.keyboard.press("Enter")
    page.locator(".kk-msg.kk-bot").first.wait_for(timeout=20_000)
    cid = page.evaluate("JSON.parse(localStorage.getItem('kakehashi.widget')).id")
    page.context.request.post(
        f"{site.url}/internal/v1/conversations/{cid}/handoff",
        data={"reason": "request_human"},
        headers={"Authorization": "Bearer ui-internal"},
    )
    site.login_cookies(page.context, "aiko@example.org")
    page.goto(f"{site.url}/console/conversations/{cid}?lang=en")
    page.locator("#kc-transcript li").first.wait_for()


def on_site(site: Site, url: str) -> str:
    """A link the api made (named for its public base) on the served test port."""
    assert url.startswith(PUBLIC_BASE), url
    return site.url + url.removeprefix(PUBLIC_BASE)


def verify_result(page: Any, site: Site) -> None:
    """The page an employer reaches from the statement's QR code (/v/{id})."""
    issued = httpx.get(
        f"{site.url}/api/v1/fce/cases/{site.reference}/credential", headers={"X-Access-Code": site.access_code}
    )
    assert issued.status_code == 200, issued.text
    page.goto(f"{on_site(site, issued.json()['verify_url'])}?lang=en")
    page.locator("[data-testid=outcome]").wait_for()


def shared_record(page: Any, site: Site) -> None:
    """A share link as the employer opens it: the verification first, then the disclosed claims."""
    made = httpx.post(
        f"{site.url}/api/v1/fce/cases/{site.reference}/shares",
        json={"expires_in_days": 7},
        headers={"X-Access-Code": site.access_code},
    )
    assert made.status_code == 201, made.text
    page.goto(f"{on_site(site, made.json()['url'])}?lang=ja")
    page.locator("[data-testid=outcome]").wait_for()


def staff(email: str, path: str) -> Callable[[Any, Site], None]:
    def open_page(page: Any, site: Site) -> None:
        site.login_cookies(page.context, email)
        page.goto(f"{site.url}{path}")

    return open_page


PAGES: dict[str, Callable[[Any, Site], None]] = {
    "home": lambda page, site: page.goto(f"{site.url}/"),
    "widget": widget,
    "fce-apply": lambda page, site: page.goto(f"{site.url}/fce/apply?lang=en"),
    "fce-status-form": lambda page, site: page.goto(f"{site.url}/fce/status?lang=en"),
    "fce-status": status,
    "pathways": lambda page, site: page.goto(f"{site.url}/pathways?lang=ne"),
    "points": lambda page, site: page.goto(f"{site.url}/pathways/points?lang=vi"),
    "nqf": lambda page, site: page.goto(f"{site.url}/nqf?lang=en"),
    "article": lambda page, site: page.goto(f"{site.url}/kb/en/visa.ssw1"),
    "verify": lambda page, site: page.goto(f"{site.url}/verify?lang=en"),
    "verify-result": verify_result,
    "share": shared_record,
    "advice": lambda page, site: page.goto(f"{site.url}/advice?lang=ne"),
    "advice-status": lambda page, site: page.goto(f"{site.url}/advice/status?lang=en"),
    "case-studies": lambda page, site: page.goto(f"{site.url}/case-studies?lang=pt"),
    "privacy": lambda page, site: page.goto(f"{site.url}/privacy?lang=ja"),
    "console-advice": staff("aiko@example.org", "/console/advice?lang=en"),
    "console-reviews": staff("ed@example.org", "/console/reviews?lang=en"),
    "console-knowledge": staff("ed@example.org", "/console/knowledge?lang=en"),
    "console-insights": staff("rita@example.org", "/console/insights?lang=en"),
    "console-login": lambda page, site: page.goto(f"{site.url}/console/login?lang=en"),
    "console-queue": lambda page, site: (
        site.login_cookies(page.context, "aiko@example.org"),
        page.goto(f"{site.url}/console?lang=en"),
    ),
    "console-conversation": conversation,
    "console-cases": lambda page, site: (
        site.login_cookies(page.context, "eva@example.org"),
        page.goto(f"{site.url}/console/cases?lang=en"),
    ),
    "console-case": lambda page, site: (
        site.login_cookies(page.context, "eva@example.org"),
        page.goto(f"{site.url}/console/cases/{site.reference}?lang=en"),
    ),
    "console-stats": lambda page, site: (
        site.login_cookies(page.context, "aiko@example.org"),
        page.goto(f"{site.url}/console/stats?lang=en"),
    ),
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", list(PAGES))
def test_no_critical_or_serious_axe_violation(browser: Any, site: Site, name: str, size: str) -> None:
    # bypass_csp: the pages forbid inline scripts, which is how axe-core is injected.
    context = browser.new_context(viewport=SIZES[size], locale="en-US", bypass_csp=True)
    page = context.new_page()
    PAGES[name](page, site)
    page.wait_for_load_state("networkidle")
    found = axe(page)
    shoot(page, f"13-axe-{name}-{size}")
    counts = {impact: sum(1 for v in found if v["impact"] == impact) for impact in ("critical", "serious", "moderate")}
    print(f"\naxe {name} {size}: {counts} {[v['id'] for v in found]}")
    context.close()
    assert blocking(found) == [], blocking(found)
