"""A real browser (Debian's Chromium via Playwright) on the FCE status page: the applicant opens the
case with reference and access code, downloads a copy of their data, asks for deletion, is stopped
once for not ticking the confirmation, confirms, and the same reference and code open nothing."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.core.config import REPO_ROOT, Settings
from api.core.i18n import Catalogs
from api.fce.comparability import load_comparability
from api.fce.config import FceSettings
from api.fce.service import CaseService
from api.main import create_app
from api.privacy.service import PrivacyService
from tests.api.conftest import FakeRasa
from tests.browser_support import chromium, serve
from tests.fce.conftest import application
from tests.privacy.helpers import PDF

CATALOGS = Catalogs(REPO_ROOT / "locales")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("privacy-browser")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'app.db'}",
        knowledge_enabled=False,
        health_components=("database",),
        actions_token="browser-internal",
        purge_interval_seconds=0,
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
    app.state.services.privacy = PrivacyService(app.state.services.db, settings, fce_settings.documents_dir)
    with serve(app) as url:
        yield url


def test_applicant_downloads_then_erases_their_data(base: str, tmp_path: Path) -> None:
    created = httpx.post(f"{base}/api/v1/fce/cases", json=application(preferred_language="pt"))
    assert created.status_code == 201
    reference, code = created.json()["reference"], created.json()["access_code"]
    uploaded = httpx.post(
        f"{base}/api/v1/fce/cases/{reference}/documents",
        headers={"X-Access-Code": code},
        files={"file": ("diploma.pdf", PDF, "application/pdf")},
    )
    assert uploaded.status_code == 201
    t = lambda key, **kw: CATALOGS.gettext(key, "pt", **kw)  # noqa: E731

    with chromium() as browser:
        page: Any = browser.new_context(accept_downloads=True).new_page()
        page.goto(f"{base}/fce/status?lang=pt")
        page.fill("input[name=reference]", reference)
        page.fill("input[name=access_code]", code)
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.locator("[data-testid=case]").is_visible()

        with page.expect_download() as info:
            page.click("[data-testid=privacy-export]")
        saved = tmp_path / "export.zip"
        info.value.save_as(saved)
        with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
            data = json.loads(archive.read("data.json"))
            assert [archive.read(n) for n in archive.namelist() if n.startswith("documents/")] == [PDF]
        assert data["fce_cases"][0]["reference"] == reference

        with page.expect_navigation():
            page.click("[data-testid=privacy-erase]")
        assert t("privacy.erase.confirm_text", reference=reference) == page.text_content("[data-testid=erase-what]")
        assert page.text_content("[data-testid=erase-kept]") == t("privacy.erase.kept")
        with page.expect_navigation():
            page.click("[data-testid=erase-final]")  # not ticked: asked again, nothing erased
        assert page.text_content("[data-testid=error]") == t("privacy.erase.unconfirmed")
        still = httpx.get(f"{base}/api/v1/fce/cases/{reference}", headers={"X-Access-Code": code})
        assert still.status_code == 200

        page.check("[data-testid=erase-confirm]")
        with page.expect_navigation():
            page.click("[data-testid=erase-final]")
        assert page.text_content("[data-testid=notice]") == t("privacy.erase.done")

        page.fill("input[name=reference]", reference)
        page.fill("input[name=access_code]", code)
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert page.text_content("[data-testid=error]") == t("fce.api.not_found")
