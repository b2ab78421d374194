"""A real browser (Debian's Chromium via Playwright): an evaluator logs in, opens a case from the list,
gets a 422 pointing at the wrong field, records the evaluation, marks the case evaluated and downloads
the statement; on another case, asks the applicant for documents."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.auth.users import create_user
from api.core.config import REPO_ROOT, Settings
from api.core.i18n import Catalogs
from api.fce.comparability import load_comparability
from api.fce.config import FceSettings
from api.fce.service import CaseService
from api.main import create_app
from tests.api.conftest import FakeRasa
from tests.browser_support import chromium, serve
from tests.fce.conftest import PASSWORD, application

CATALOGS = Catalogs(REPO_ROOT / "locales")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("fce-browser")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'app.db'}",
        knowledge_enabled=False,
        health_components=("database",),
        actions_token="browser-internal",
    )
    app = create_app(settings)
    app.state.services.conversations.rasa = FakeRasa()
    fce_settings = FceSettings(documents_dir=folder / "docs")
    app.state.services.fce = dataclasses.replace(
        app.state.services.fce,
        settings=fce_settings,
        data=load_comparability(fce_settings.comparability_dir),
        cases=CaseService(app.state.services.db, fce_settings),
    )
    with app.state.services.db.session() as session:
        create_user(session, email="eva@example.org", password=PASSWORD, role="evaluator", display_name="Eva")
    with serve(app) as url:
        login = httpx.post(f"{url}/api/v1/auth/login", json={"email": "eva@example.org", "password": PASSWORD})
        yield url, {"Authorization": f"Bearer {login.json()['access_token']}"}


def new_case(base: str, headers: dict[str, str], steps: tuple[str, ...]) -> str:
    created = httpx.post(f"{base}/api/v1/fce/cases", json=application())
    assert created.status_code == 201
    reference: str = created.json()["reference"]
    for step in steps:
        moved = httpx.post(f"{base}/api/v1/evaluator/cases/{reference}/transitions", json={"to": step}, headers=headers)
        assert moved.status_code == 200
    return reference


def test_evaluator_records_an_evaluation_and_issues_the_statement(
    server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    base, headers = server
    reference = new_case(base, headers, ("documents_received", "under_evaluation"))
    t = lambda key, **kw: CATALOGS.gettext(f"console.{key}", "ja", **kw)  # noqa: E731

    with chromium() as browser:
        page: Any = browser.new_context(accept_downloads=True).new_page()
        page.goto(f"{base}/console/login?lang=ja")
        page.fill("input[name=email]", "eva@example.org")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/console/cases**")  # an evaluator's home is the case list
        page.click(f"text={reference}")
        page.wait_for_url(f"**/console/cases/{reference}**")

        form = page.locator("form[data-fce-form=evaluation]")
        assert form.locator("input[name=isced_level]").input_value() == "6"  # prefilled from the preview
        form.locator("input[name=jqf_level]").fill("7")
        form.locator("input[name=difference]").first.fill("No thesis")
        form.locator("input[name=reason]").first.fill("The programme has no research project.")
        form.locator("button[type=submit]").click()
        error = page.locator("#kc-error")
        error.wait_for(state="visible")
        assert error.text_content() == t("cases.error.field", field=t("case.eval.jqf_level"))
        assert form.locator("input[name=jqf_level]").get_attribute("aria-invalid") == "true"

        form.locator("input[name=jqf_level]").fill("6")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert page.locator("form[data-fce-form=evaluation] input[name=difference]").first.input_value() == "No thesis"

        with page.expect_navigation():
            page.click("[data-fce-step=evaluated]")
        assert page.text_content("[data-testid=case-status]") == t("fce_status.evaluated")
        with page.expect_download() as info:
            page.click("[data-testid=statement-link]")
        saved = tmp_path / "statement.pdf"
        info.value.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF-")


def test_evaluator_requests_documents(server: tuple[str, dict[str, str]]) -> None:
    base, headers = server
    reference = new_case(base, headers, ())
    with chromium() as browser:
        context = browser.new_context()
        login = httpx.post(f"{base}/api/v1/auth/login", json={"email": "eva@example.org", "password": PASSWORD})
        host = base.split("//", 1)[1].split(":")[0]
        context.add_cookies(
            [
                {"name": name, "value": login.cookies[name], "domain": host, "path": "/"}
                for name in ("kk_session", "kk_csrf")
            ]
        )
        page: Any = context.new_page()
        page.goto(f"{base}/console/cases/{reference}?lang=en")
        page.fill("form[data-fce-form=request] textarea[name=message]", "Please upload your transcript.")
        with page.expect_navigation():
            page.click("form[data-fce-form=request] button[type=submit]")
        assert page.text_content("[data-testid=case-status]") == "Documents requested"
        assert "Please upload your transcript." in page.text_content("[data-testid=timeline]")
