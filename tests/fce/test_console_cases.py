"""/console/cases: the evaluator's pages, who may see them, and how documents leave the system."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.core.config import REPO_ROOT
from api.core.i18n import Catalogs
from api.fce.feature import Fce
from tests.fce.conftest import create, evaluated, move, staff

CATALOGS = Catalogs(REPO_ROOT / "locales")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def log_in(client: TestClient, user: dict[str, Any]) -> None:
    client.cookies.set("kk_session", user["token"])


def test_pages_need_an_evaluator(
    client: TestClient, fce: Fce, advisor: dict[str, Any], evaluator: dict[str, Any]
) -> None:
    case = create(client)
    for path in ("/console/cases", f"/console/cases/{case['reference']}"):
        anonymous = client.get(path, follow_redirects=False)
        assert anonymous.status_code == 303 and anonymous.headers["location"] == "/console/login"
        log_in(client, advisor)
        assert client.get(path).status_code == 403
        log_in(client, evaluator)
        assert client.get(path).status_code == 200
        client.cookies.clear()
    log_in(client, evaluator)
    home = client.get("/console", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/console/cases"
    admin = staff(client, "root@example.org", "admin")
    log_in(client, admin)
    assert client.get("/console/cases").status_code == 200
    assert client.get("/console", follow_redirects=False).status_code == 200  # admins keep the queue


@pytest.mark.parametrize("language", ["ja", "en"])
def test_case_list_page_filters_and_pages(
    client: TestClient, fce: Fce, evaluator: dict[str, Any], language: str
) -> None:
    first = create(client)
    create(client, preferred_language="ne")
    move(client, evaluator, first["reference"], "documents_received")
    log_in(client, evaluator)
    page = client.get("/console/cases", params={"lang": language})
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store" and page.headers["x-frame-options"] == "DENY"
    assert CATALOGS.gettext("console.cases.heading", language) in page.text
    assert first["reference"] in page.text and "Nguyễn Văn An" in page.text
    assert CATALOGS.gettext("console.fce_status.documents_received", language) in page.text
    filtered = client.get(
        "/console/cases", params={"lang": language, "status": "submitted", "country": "vn", "age": ""}
    )
    assert (
        first["reference"] not in filtered.text
        and CATALOGS.gettext("console.cases.count", language, total=1, page=1, pages=1) in filtered.text
    )
    assert (
        "FCE-" not in client.get("/console/cases", params={"age": "30"}).text.split("<tbody>")[1].split("</tbody>")[0]
    )
    for params, field in [
        ({"status": "nope"}, "status"),
        ({"country": "VNM"}, "country"),
        ({"age": "-3"}, "age"),
        ({"page": "x"}, "page"),
    ]:
        response = client.get("/console/cases", params=params)
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", field]


def test_pagination_links_keep_the_filters(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    from api.fce.web import console_pages

    for _ in range(3):
        create(client)
    log_in(client, evaluator)
    original = console_pages.PER_PAGE
    console_pages.PER_PAGE = 2
    try:
        first = client.get("/console/cases", params={"status": "submitted"})
        assert 'rel="next"' in first.text and "status=submitted" in first.text and "page=2" in first.text
        second = client.get("/console/cases", params={"status": "submitted", "page": "2"})
        assert 'rel="prev"' in second.text and 'rel="next"' not in second.text
    finally:
        console_pages.PER_PAGE = original


def test_case_page_shows_the_file(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    case = create(client)
    upload = client.post(
        f"/api/v1/fce/cases/{case['reference']}/documents",
        headers={"X-Access-Code": case["access_code"]},
        files={"file": ("diploma.png", io.BytesIO(PNG), "image/png")},
    )
    assert upload.status_code == 201
    move(client, evaluator, case["reference"], "documents_requested", message="Please send the transcript.")
    client.post(
        f"/api/v1/evaluator/cases/{case['reference']}/notes",
        json={"text": "call the university"},
        headers=evaluator["headers"],
    )
    log_in(client, evaluator)
    page = client.get(f"/console/cases/{case['reference']}", params={"lang": "ja"})
    assert page.status_code == 200
    text = page.text
    assert "Nguyễn Văn An" in text and "an@example.com" in text
    assert CATALOGS.gettext("fce.jp.gakushi", "ja") in text  # the preview, named in the console's language
    assert "diploma.png" in text and f"/api/v1/evaluator/cases/{case['reference']}/documents/" in text
    assert "call the university" in text and "Please send the transcript." in text
    assert CATALOGS.gettext("console.fce_status.documents_requested", "ja") in text
    assert '<script src="/static/fce-console.js" defer></script>' in text
    assert client.get("/console/cases/FCE-2020-999999").status_code == 404


def test_documents_only_for_a_logged_in_evaluator(
    client: TestClient, fce: Fce, advisor: dict[str, Any], evaluator: dict[str, Any]
) -> None:
    case = create(client)
    uploaded = client.post(
        f"/api/v1/fce/cases/{case['reference']}/documents",
        headers={"X-Access-Code": case["access_code"]},
        files={"file": ("scan <1>.png", io.BytesIO(PNG), "text/html")},
    ).json()
    url = f"/api/v1/evaluator/cases/{case['reference']}/documents/{uploaded['id']}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=advisor["headers"]).status_code == 403
    log_in(client, advisor)
    assert client.get(url).status_code == 403
    log_in(client, evaluator)  # the console's cookie works for downloads (GET needs no CSRF header)
    response = client.get(url)
    assert response.status_code == 200 and response.content == PNG
    assert response.headers["content-type"] == "image/png"  # what the bytes are, not what the client said
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in response.headers["content-security-policy"]
    other = create(client)
    assert client.get(f"/api/v1/evaluator/cases/{other['reference']}/documents/{uploaded['id']}").status_code == 404


def test_statement_link_on_an_evaluated_case(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    case = evaluated(client, evaluator)
    log_in(client, evaluator)
    page = client.get(f"/console/cases/{case['reference']}")
    assert f'href="/api/v1/evaluator/cases/{case["reference"]}/statement"' in page.text
    assert 'data-fce-form="evaluation"' not in page.text  # frozen: shown, not editable
    assert client.get(f"/api/v1/evaluator/cases/{case['reference']}/statement").status_code == 200
