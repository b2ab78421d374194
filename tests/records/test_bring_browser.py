"""A real browser (Debian's Chromium via Playwright) on /fce/apply: an applicant attaches a digital
credential file instead of typing the credential, and the case is created from it; a tampered file is
refused at the field, in the applicant's language. The evaluator then confirms it in the console."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.auth.users import create_user
from api.core.config import REPO_ROOT, Settings
from api.core.i18n import Catalogs
from api.main import create_app
from api.records import jose
from tests.api.conftest import FakeRasa
from tests.browser_support import chromium, serve
from tests.fce.conftest import PASSWORD
from tests.records.test_bring import did_key_issuer, ob3

CATALOGS = Catalogs(REPO_ROOT / "locales")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("bring-browser")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'app.db'}",
        knowledge_enabled=False,
        health_components=("database",),
        actions_token="browser-internal",
    )
    app = create_app(settings)
    app.state.services.conversations.rasa = FakeRasa()
    with app.state.services.db.session() as session:
        create_user(session, email="eva@example.org", password=PASSWORD, role="evaluator", display_name="Eva")
    with serve(app) as url:
        login = httpx.post(f"{url}/api/v1/auth/login", json={"email": "eva@example.org", "password": PASSWORD})
        yield url, {"Authorization": f"Bearer {login.json()['access_token']}"}


def fill_applicant(page: Any) -> None:
    page.fill("input[name=name]", "Nguyễn Văn An")
    page.fill("input[name=email]", "an@example.com")
    page.select_option("select[name=residence_country]", "VN")
    page.check("input[name=purpose][value=employment]")
    page.check("input[name=documents][value=all]")
    page.check("input[name=consent]")


def test_applicant_attaches_a_credential_file_and_the_evaluator_confirms(server: tuple[str, dict[str, str]]) -> None:
    base, headers = server
    issuer = did_key_issuer()
    token = issuer.sign(ob3(issuer.did))
    _header, payload = jose.parse(token)
    payload["credentialSubject"]["achievement"]["achievementType"] = "DoctoralDegree"
    forged = ".".join([token.split(".")[0], jose.b64url_encode(json.dumps(payload).encode()), token.split(".")[2]])
    badge = json.dumps(ob3(issuer.did) | {"proof": {"type": "JwtProof2020", "jwt": token}}).encode()

    with chromium() as browser:
        page: Any = browser.new_context().new_page()
        page.goto(f"{base}/fce/apply?lang=vi")
        fill_applicant(page)
        file_input = page.locator("input[name=verifiable_credential]")
        file_input.set_input_files({"name": "diploma.jwt", "mimeType": "application/jwt", "buffer": forged.encode()})
        page.click("button[type=submit]")
        slot = page.locator("[data-error-for=verifiable_credentials]")
        slot.wait_for(state="visible")
        assert slot.text_content() == CATALOGS.gettext("bring.error.tampered", "vi")

        file_input.set_input_files({"name": "diploma.json", "mimeType": "application/json", "buffer": badge})
        page.click("button[type=submit]")
        page.locator("#result").wait_for(state="visible")
        reference = page.text_content("#result-reference")

    case = httpx.get(f"{base}/api/v1/evaluator/cases/{reference}", headers=headers).json()
    assert [c["institution"] for c in case["credentials"]] == ["Hanoi University of Science and Technology"]
    assert case["verifiable_credentials"][0]["position"] == 0

    with chromium() as browser:
        page = browser.new_context().new_page()
        page.goto(f"{base}/console/login?lang=en")
        page.fill("input[name=email]", "eva@example.org")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/console/cases**")
        page.goto(f"{base}/console/cases/{reference}?lang=en")
        label = page.locator("[data-testid=brought-label]")
        assert label.text_content() == CATALOGS.gettext("bring.console.label", "en")
        with page.expect_navigation():
            page.click("form[data-fce-form=brought] button")
        assert page.locator("[data-testid=brought-confirmed]").is_visible()
    assert httpx.get(f"{base}/api/v1/evaluator/cases/{reference}", headers=headers).json()["status"] == "submitted"
