"""Issue #17 item 2 in Debian's Chromium: an applicant in São Paulo asks for career advice in
Portuguese, sees the learning path up the care ladder, and books a slot that an advisor in Tokyo
published from the console; the times follow each browser's own time zone (stored in UTC), and the
advisor sees the booking and keeps a note in the console. Screenshots: var/screenshots/advice-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from api.advice.models import AdviceSlot
from api.auth.users import create_user
from api.core.config import Settings
from api.main import create_app
from tests.browser_support import SIZES, axe, blocking, chromium, serve, shoot
from tests.fce.conftest import PASSWORD

TOKYO, SAO_PAULO = ZoneInfo("Asia/Tokyo"), ZoneInfo("America/Sao_Paulo")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    folder: Path = tmp_path_factory.mktemp("advice-ui")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'app.db'}",
        knowledge_enabled=False,
        health_components=("database",),
        purge_interval_seconds=0,
    )
    app = create_app(settings)
    with app.state.services.db.session() as session:
        create_user(
            session, email="aiko@example.org", password=PASSWORD, role="advisor", display_name="Aiko", languages=["en"]
        )
    with serve(app) as url:
        yield url, app


def _logged_in(browser: Any, url: str, zone: str, bypass_csp: bool = False) -> Any:
    context = browser.new_context(viewport=SIZES["desktop"], locale="en-US", timezone_id=zone, bypass_csp=bypass_csp)
    login = httpx.post(f"{url}/api/v1/auth/login", json={"email": "aiko@example.org", "password": PASSWORD})
    assert login.status_code == 200, login.text
    host = url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [{"name": n, "value": login.cookies[n], "domain": host, "path": "/"} for n in ("kk_session", "kk_csrf")]
    )
    return context.new_page()


def test_request_see_the_path_book_in_sao_paulo_and_the_advisor_sees_it(site: tuple[str, Any]) -> None:
    url, app = site
    # Three days ahead, 10:00 on the advisor's clock in Tokyo = 01:00 UTC = 22:00 the day before in São Paulo.
    tokyo_start = (datetime.now(TOKYO) + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    sao_paulo_start = tokyo_start.astimezone(SAO_PAULO)
    with chromium() as browser:
        advisor = _logged_in(browser, url, "Asia/Tokyo")
        advisor.goto(f"{url}/console/advice?lang=en")
        advisor.fill("#kc-slot-form input[name=starts]", f"{tokyo_start:%Y-%m-%dT%H:%M}")
        with advisor.expect_navigation():
            advisor.click("#kc-slot-form button[type=submit]")
        with app.state.services.db.session() as session:
            stored = session.query(AdviceSlot).one()
            assert stored.starts_at.replace(tzinfo=UTC) == tokyo_start.astimezone(UTC)

        applicant = browser.new_context(
            viewport=SIZES["phone"], locale="pt-BR", timezone_id="America/Sao_Paulo"
        ).new_page()
        applicant.goto(f"{url}/advice?lang=pt")
        applicant.select_option("select[name=current_status]", "ssw1")
        applicant.check("input[name=qualifications][value=ssw_care_tests]")
        applicant.select_option("select[name=japanese_level]", "N4")
        applicant.select_option("select[name=goal_status]", "nursing_care")
        applicant.check("input[name=consent]")
        # The browser's own zone fills the field (api/static/advice.js).
        assert applicant.input_value("input[name=time_zone]") == "America/Sao_Paulo"
        applicant.click("form[data-testid=advice-form] button[type=submit]")
        path = applicant.locator("[data-testid=learning-path] li")
        assert path.evaluate_all("items => items.map(i => i.dataset.step)") == [
            "jitsumusha_kenshu",
            "kaigo_fukushishi",
            "nursing_care",
        ]
        assert "介護福祉士" in applicant.inner_text("[data-testid=learning-path]")
        assert applicant.get_attribute("[data-testid=nqf-link]", "href") == "/nqf?lang=pt#field-nursing_care"
        reference = applicant.inner_text("[data-testid=advice-reference]")
        shoot(applicant, "advice-path-phone")
        applicant.click("[data-testid=advice-to-booking]")
        slot = applicant.locator("[data-testid=advice-slots] button").first
        assert f"{sao_paulo_start:%Y-%m-%d %H:%M} (America/Sao_Paulo, UTC-0300)" in slot.inner_text()
        slot.click()
        booking = applicant.inner_text("[data-testid=advice-booking]")
        assert f"{sao_paulo_start:%Y-%m-%d %H:%M}" in booking and "Aiko" in booking
        shoot(applicant, "advice-booked-phone")

        advisor.goto(f"{url}/console/advice?lang=en")
        assert advisor.inner_text("[data-testid=slot-reference]") == reference
        row = advisor.locator(f"tr[data-reference='{reference}']")
        # The session is shown on the advisor's own clock (Tokyo), converted by the browser.
        assert "10:00 GMT+9" in row.inner_text() and "UTC" not in row.inner_text()
        advisor.click(f"tr[data-reference='{reference}'] a")
        assert "America/Sao_Paulo" in advisor.inner_text("[data-testid=case-booking]")
        advisor.fill("#kc-note-form textarea[name=text]", "Bring the SSW test certificate")
        with advisor.expect_navigation():
            advisor.click("#kc-note-form button[type=submit]")
        assert "Bring the SSW test certificate" in advisor.inner_text("[data-testid=case-notes]")
        shoot(advisor, "advice-console-desktop")


@pytest.mark.parametrize("path", ["/advice?lang=ne", "/advice/status?lang=vi", "/console/advice?lang=en"])
def test_the_advice_pages_have_no_serious_axe_violation(site: tuple[str, Any], path: str) -> None:
    url, _app = site
    with chromium() as browser:
        page = _logged_in(browser, url, "Asia/Tokyo", bypass_csp=True)  # axe is injected as an inline script
        page.goto(f"{url}{path}")
        found = axe(page)
        assert blocking(found) == [], blocking(found)
