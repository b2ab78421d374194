"""The three pages in a real browser (Debian's Chromium through Playwright), in all five languages,
on a phone-sized screen. One screenshot per language goes to test-artifacts/ (gitignored)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.core.config import REPO_ROOT, Settings
from api.core.i18n import Catalogs
from api.main import create_app
from knowledge_base.language import LANGUAGES
from tests.browser_support import chromium, serve

ARTIFACTS = REPO_ROOT / "test-artifacts"
CATALOGS = Catalogs(REPO_ROOT / "locales")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("browser") / "app.db"
    settings = Settings(database_url=f"sqlite:///{database}", knowledge_enabled=False, health_components=("database",))
    with serve(create_app(settings)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as instance:
        yield instance


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_in_a_phone_browser(browser: object, base_url: str, language: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)  # type: ignore[attr-defined]
    page = context.new_page()
    t = lambda key, **kw: CATALOGS.gettext(key, language, **kw)  # noqa: E731

    page.goto(f"{base_url}/nqf?lang={language}")
    assert page.locator("h1").inner_text() == t("nqf.title")
    assert page.locator(".pw-level").count() == 8
    assert page.locator(".pw-badge").first.inner_text() == "ISCED 2"
    # Mobile friendly: the page itself never scrolls sideways (the wide table scrolls in its own box).
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    page.goto(f"{base_url}/pathways/points?lang={language}")
    page.select_option("select[name=category]", "b")
    page.select_option("select[name=education]", "master")
    page.fill("input[name=age]", "31")
    page.fill("input[name=years_experience]", "7")
    page.fill("input[name=annual_salary_jpy]", "8000000")
    page.select_option("select[name=japanese]", "N2")
    page.click("button[type=submit]")
    result = page.locator("[data-testid=result]")
    result.wait_for()
    assert t("points.result.total", total=85, threshold=70) in result.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"pathways-points-{language}.png"), full_page=True)

    page.fill("input[name=age]", "abc")
    page.click("button[type=submit]")
    page.locator("[data-testid=errors]").wait_for()

    page.goto(f"{base_url}/pathways?lang={language}")
    page.select_option("select[name=education_level]", "bachelor")
    page.fill("input[name=education_country]", "VN")
    page.select_option("select[name=education_field]", "it")
    page.fill("input[name=experience_years]", "2")
    page.select_option("select[name=job_offer_field]", "it")
    page.fill("input[name=job_offer_salary_jpy]", "4000000")
    page.fill("input[name=age]", "26")
    page.click("button[type=submit]")
    page.locator("[data-testid=result]").wait_for()
    assert page.locator(".pw-fits h3").first.inner_text().startswith(t("pathways.status.engineer_humanities"))
    assert t("pathways.guidance_not_decision") in page.locator("[data-testid=disclaimer]").inner_text()
    context.close()
