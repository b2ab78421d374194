"""A real browser (Debian's Chromium via Playwright) opens a share link as an employer would: the PIN form,
then the verification result first and the disclosed claims in Japanese with the applicant's
language beside them; what the applicant hid is nowhere on the page. Prints the page weight and the
time to render (figures, not assertions)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.auth.users import create_user
from api.core.config import Settings
from api.fce.config import FceSettings
from api.main import create_app
from tests.api.conftest import FakeRasa
from tests.browser_support import chromium, serve
from tests.fce.conftest import PASSWORD, application, evaluation
from tests.records.wiring import install_records


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    folder: Path = tmp_path_factory.mktemp("share-browser")
    app = create_app(
        Settings(
            database_url=f"sqlite:///{folder / 'app.db'}",
            knowledge_enabled=False,
            health_components=("database",),
            actions_token="browser-internal",
        )
    )
    services: Any = app.state.services
    services.conversations.rasa = FakeRasa()
    install_records(services, FceSettings(documents_dir=folder / "docs"), folder / "keys", "http://x")
    with services.db.session() as session:
        create_user(session, email="eva@example.org", password=PASSWORD, role="evaluator", display_name="Eva")
    with serve(app) as url:
        login = httpx.post(f"{url}/api/v1/auth/login", json={"email": "eva@example.org", "password": PASSWORD})
        yield url, {"Authorization": f"Bearer {login.json()['access_token']}"}


def test_employer_opens_a_pin_protected_share_link(server: tuple[str, dict[str, str]]) -> None:
    base, headers = server
    case = httpx.post(f"{base}/api/v1/fce/cases", json=application()).json()
    reference = case["reference"]
    for step in ("documents_received", "under_evaluation"):
        httpx.post(f"{base}/api/v1/evaluator/cases/{reference}/transitions", json={"to": step}, headers=headers)
    httpx.put(f"{base}/api/v1/evaluator/cases/{reference}/evaluation", json=evaluation(), headers=headers)
    moved = httpx.post(
        f"{base}/api/v1/evaluator/cases/{reference}/transitions", json={"to": "evaluated"}, headers=headers
    )
    assert moved.status_code == 200
    created = httpx.post(
        f"{base}/api/v1/fce/cases/{reference}/shares",
        json={"claims": ["institution", "years"], "pin": "7319", "expires_in_days": 14},
        headers={"X-Access-Code": case["access_code"]},
    )
    assert created.status_code == 201, created.text
    token = created.json()["url"].rsplit("/s/", 1)[1]

    with chromium() as browser:
        page: Any = browser.new_context(locale="ja-JP").new_page()
        sizes: list[int] = []
        page.on("response", lambda response: sizes.append(len(response.body())))
        outside: list[str] = []
        page.on("request", lambda request: None if request.url.startswith(base) else outside.append(request.url))
        page.goto(f"{base}/s/{token}")
        assert page.locator("[data-testid=pin-form]").is_visible()
        assert page.locator("[data-testid=claims]").count() == 0
        page.fill("input[name=pin]", "0000")
        page.click("button[type=submit]")
        assert "PINが正しくありません" in page.locator("[data-testid=error]").inner_text()
        sizes.clear()
        page.fill("input[name=pin]", "7319")
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=claims]")
        timing = page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " return {load: n.loadEventEnd - n.startTime, response: n.responseEnd - n.startTime}; }"
        )

        result = page.locator("[data-testid=result]")
        assert result.inner_text().startswith("有効")
        # The result comes before the claims on the page.
        assert page.evaluate(
            "() => { const r = document.querySelector('[data-testid=result]');"
            " const c = document.querySelector('[data-testid=claims]');"
            " return !!(r.compareDocumentPosition(c) & Node.DOCUMENT_POSITION_FOLLOWING); }"
        )
        text = page.locator("main").inner_text()
        assert "教育機関 / Cơ sở đào tạo" in text or "教育機関" in text
        assert "Đại học Bách khoa Hà Nội" in page.locator("[data-claim=institution]").inner_text()
        assert "Ghi chú" in text  # the applicant's language (Vietnamese) beside the Japanese labels
        for hidden in ("information science", "No graduation thesis", reference, "Nguyễn Văn An"):
            assert hidden not in page.content()
        assert outside == []
        print(
            f"\nshare page: {sum(sizes)} bytes in {len(sizes)} responses;"
            f" response {timing['response']:.0f} ms, rendered (load event) {timing['load']:.0f} ms"
        )
