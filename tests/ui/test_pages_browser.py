"""Issue #18, points 5-7, in Chromium at 1280×800 and 390×844: navigation between every page and
language, forms that do not pre-answer for the person, one digit system per Nepali page, and the
FCE result on the status page with Japan's date (the statement's). Screenshots: var/screenshots/."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from api.core.config import REPO_ROOT
from api.core.i18n import Catalogs
from api.fce.models import FceCase, FceCaseEvent, FceStatement
from tests.browser_support import SIZES, shoot
from tests.ui.conftest import Site

CATALOGS = Catalogs(REPO_ROOT / "locales")
DEVANAGARI_DIGIT = re.compile("[\u0966-\u096f]")


def new_page(browser: Any, size: str) -> Any:
    return browser.new_context(viewport=SIZES[size], locale="en-US").new_page()


def header_is_readable(page: Any) -> None:
    """Every header link on one line, none overlapping or touching another."""
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.site-header a')].map(a => {
             const r = a.getBoundingClientRect();
             return {text: a.textContent, lines: a.getClientRects().length,
                     l: r.left, r: r.right, t: r.top, b: r.bottom};
           })"""
    )
    assert boxes
    for box in boxes:
        assert box["lines"] == 1, box
    # Language names on one line each ("Tiếng Việt" never breaks): all as tall as the shortest.
    heights = page.evaluate(
        "[...document.querySelectorAll('.site-langs a')].map(a => a.getBoundingClientRect().height)"
    )
    assert max(heights) - min(heights) < 2, heights
    # And the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            same_line = a["t"] < b["b"] and b["t"] < a["b"]
            if same_line:
                gap = max(b["l"] - a["r"], a["l"] - b["r"])
                assert gap >= 8, (a["text"], b["text"], gap)


@pytest.mark.parametrize("size", list(SIZES))
def test_5_every_page_links_home_to_the_tools_and_to_other_languages(browser: Any, site: Site, size: str) -> None:
    page = new_page(browser, size)
    page.goto(f"{site.url}/?lang=en")
    hrefs = page.evaluate("[...document.querySelectorAll('main a')].map(a => a.getAttribute('href'))")
    for path in ("/pathways?", "/pathways/points?", "/nqf?", "/fce/apply?", "/fce/status?", "/kb/en/"):
        assert any(h.startswith(path) for h in hrefs), path
    header_is_readable(page)
    shoot(page, f"5-home-{size}")
    for path in ("/pathways/points?lang=pt", "/?lang=pt", "/pathways?lang=vi", "/kb/ne/visa.ssw1"):
        page.goto(site.url + path)
        header_is_readable(page)
    # The credential-evaluation pages the header links to have the same header: home, the other
    # tools, this page in the other languages (they were dead ends with only a language switch).
    for path in ("/fce/apply", "/fce/status"):
        page.goto(f"{site.url}{path}?lang=vi")
        header_is_readable(page)
        assert page.locator(".site-nav a").first.get_attribute("href") == "/?lang=vi", path
        assert page.locator(".site-nav a[aria-current=page]").get_attribute("href") == f"{path}?lang=vi"
        languages = page.locator(".site-langs a")
        assert [languages.nth(i).get_attribute("href") for i in range(languages.count())] == [
            f"{path}?lang={code}" for code in ("ja", "en", "vi", "ne", "pt")
        ]
        shoot(page, f"5{path.replace('/', '-')}-{size}")

    page.goto(f"{site.url}/kb/en/visa.ssw1")
    nav = page.locator(".site-nav a")
    assert nav.first.get_attribute("href") == "/?lang=en"
    assert nav.count() >= 6
    languages = page.locator(".site-langs a")
    assert [languages.nth(i).get_attribute("href") for i in range(languages.count())] == [
        f"/kb/{code}/visa.ssw1" for code in ("ja", "en", "vi", "ne", "pt")
    ]
    related = page.locator("[data-testid=related] a").all_inner_texts()
    assert related and not any(re.fullmatch(r"[a-z]+\.[a-z0-9_]+", r) for r in related)  # titles, not ids
    header_is_readable(page)
    shoot(page, f"5-article-{size}")

    # "Read more" names the article, never its internal id.
    page.goto(
        f"{site.url}/pathways?lang=vi&submitted=1&education_level=bachelor&education_country=VN&education_field=it"
        "&experience_years=2&job_offer_field=it&job_offer_salary_jpy=4000000&age=26"
    )
    page.locator("[data-testid=result]").wait_for()
    more = page.locator(".pw-meta a").all_inner_texts()
    assert more and not any(re.search(r"\((visa|edu|lang|fce)\.[a-z0-9_]+\)", m) for m in more)
    header_is_readable(page)  # "Tiếng Việt" stays on one line on a phone
    shoot(page, f"5-pathways-vi-{size}")
    page.locator(".pw-meta a").first.scroll_into_view_if_needed()
    shoot(page, f"5-pathways-vi-result-{size}")
    page.context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_6_forms_leave_choices_to_the_person(browser: Any, site: Site, size: str) -> None:
    page = new_page(browser, size)
    # Every required choice starts unanswered ("Choose…"), not on its first option.
    for path, names in (
        ("/pathways?lang=en", ("education_level", "education_field")),
        ("/pathways/points?lang=en", ("category", "education")),
        ("/advice?lang=en", ("current_status", "japanese_level", "goal_status")),
    ):
        page.goto(site.url + path)
        for name in names:
            assert page.locator(f"select[name={name}]").input_value() == "", (path, name)
    page.goto(f"{site.url}/pathways?lang=en")
    hint = CATALOGS.gettext("site.form.multi_hint", "en")
    for name in ("ssw_skills_tests", "ssw2_skills_tests", "qualifications"):
        described = page.locator(f"select[name={name}]").get_attribute("aria-describedby")
        assert described and page.locator(f"#{described}").inner_text() == hint
    shoot(page, f"6-pathways-form-{size}")
    page.locator("#pw-multi-hint").scroll_into_view_if_needed()
    shoot(page, f"6-pathways-multi-{size}")
    # Nepali pages use one digit system (Latin, as Babel formats dates and numbers for ne).
    for path in ("/pathways?lang=ne", "/nqf?lang=ne", "/fce/apply?lang=ne", "/fce/status?lang=ne", "/?lang=ne"):
        page.goto(site.url + path)
        assert not DEVANAGARI_DIGIT.search(page.locator("body").inner_text()), path
    page.goto(
        f"{site.url}/pathways/points?lang=ne&submitted=1&category=b&education=master&age=31"
        "&years_experience=7&annual_salary_jpy=8000000&japanese=N2"
    )
    page.locator("[data-testid=result]").wait_for()
    assert not DEVANAGARI_DIGIT.search(page.locator("body").inner_text())
    page.locator("[data-testid=result]").scroll_into_view_if_needed()
    shoot(page, f"6-points-ne-{size}")
    page.context.close()


def _evaluated_late_in_the_utc_day(site: Site) -> None:
    """Move the evaluation to 17:37 UTC on 4 December: 5 December in Japan. The statement PDF issued when
    the case was evaluated (today, by the wall clock) is dropped, so the next download renders it from the
    moved date and the assertion does not depend on the hour the suite runs."""
    moment = datetime(2026, 12, 4, 17, 37, 12, tzinfo=UTC)
    with site.app.state.services.db.session() as session:
        case_id = session.scalar(select(FceCase.id).where(FceCase.reference == site.reference))
        session.execute(update(FceCase).where(FceCase.id == case_id).values(evaluated_at=moment, updated_at=moment))
        session.execute(
            update(FceCaseEvent)
            .where(FceCaseEvent.case_id == case_id, FceCaseEvent.to_status == "evaluated")
            .values(at=moment)
        )
        session.execute(delete(FceStatement).where(FceStatement.case_id == case_id))


@pytest.mark.parametrize("size", list(SIZES))
def test_7_status_page_shows_the_result_and_the_statement_date(
    browser: Any, site: Site, size: str, tmp_path: Path
) -> None:
    _evaluated_late_in_the_utc_day(site)
    context = browser.new_context(viewport=SIZES[size], locale="en-US", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{site.url}/fce/status?lang=ja")
    page.fill("input[name=reference]", site.reference)
    page.fill("input[name=access_code]", site.access_code)
    page.click("main form button[type=submit]")
    result = page.locator("[data-testid=result]")
    result.wait_for()
    assert result.locator("[data-testid=comparable]").inner_text() == CATALOGS.gettext("fce.jp.gakushi", "ja")
    assert result.locator("[data-testid=levels]").inner_text() == CATALOGS.gettext(
        "fce.statement.levels_value", "ja", isced=6, jqf=6
    )
    timeline = page.locator("[data-testid=timeline]").inner_text()
    assert "2026年12月5日" in timeline and "2026年12月4日" not in timeline
    shoot(page, f"7-status-{size}")
    result.scroll_into_view_if_needed()
    shoot(page, f"7-status-result-{size}")
    with page.expect_download() as info:
        page.click("[data-testid=statement]")
    pdf = tmp_path / "statement.pdf"
    info.value.save_as(pdf)
    command = ["/usr/bin/pdftotext", str(pdf), "-"]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603 - poppler-utils
    assert "2026年12月5日" in text
    context.close()
