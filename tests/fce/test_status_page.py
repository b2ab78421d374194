"""/fce/status: the applicant's page, in five languages, with the access code only ever in POST bodies."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.core.config import REPO_ROOT
from api.core.i18n import Catalogs
from api.fce.config import FceSettings
from api.fce.feature import Fce
from api.fce.service import CaseService
from knowledge_base.language import LANGUAGES
from tests.fce.conftest import counts, create, evaluated, move

CATALOGS = Catalogs(REPO_ROOT / "locales")
PDF = b"%PDF-1.4\n%test\n" + b"0" * 100


def look_up(client: TestClient, case: dict[str, Any], language: str = "en", code: str | None = None) -> Any:
    form = {"reference": case["reference"], "access_code": code or case["access_code"], "lang": language}
    return client.post("/fce/status", data=form)


@pytest.mark.parametrize("language", LANGUAGES)
def test_form_in_every_language(client: TestClient, fce: Fce, language: str) -> None:
    page = client.get("/fce/status", params={"lang": language})
    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.text
    assert CATALOGS.gettext("fce.status_page.title", language) in page.text
    assert CATALOGS.gettext("fce.status_page.intro", language) in page.text
    assert 'method="post" action="/fce/status"' in page.text
    assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("language", LANGUAGES)
def test_status_next_step_and_timeline(client: TestClient, fce: Fce, evaluator: dict[str, Any], language: str) -> None:
    case = create(client)
    move(client, evaluator, case["reference"], "documents_requested", message="Please upload the <transcript>.")
    page = look_up(client, case, language)
    assert page.status_code == 200
    assert CATALOGS.gettext("fce.status.documents_requested", language) in page.text
    assert CATALOGS.gettext("fce.next_step.documents_requested", language) in page.text
    assert CATALOGS.gettext("fce.status.submitted", language) in page.text  # the timeline
    assert "Please upload the &lt;transcript&gt;." in page.text
    assert 'action="/fce/status/documents' in page.text  # documents can be sent
    assert CATALOGS.gettext("fce.status_page.statement_download", language) not in page.text


def test_code_is_never_in_a_url(client: TestClient, fce: Fce) -> None:
    case = create(client)
    page = look_up(client, case)
    for action in re.findall(r'action="([^"]*)"', page.text) + re.findall(r'href="([^"]*)"', page.text):
        assert case["access_code"] not in action and "access_code" not in action
    # A code in the query string is simply not read.
    ignored = client.get("/fce/status", params={"reference": case["reference"], "access_code": case["access_code"]})
    assert ignored.status_code == 200 and 'data-testid="case"' not in ignored.text


def test_wrong_code_and_bad_fields(client: TestClient, fce: Fce) -> None:
    case = create(client)
    wrong = look_up(client, case, "ja", code="AAAA-AAAA-AAAA")
    unknown = client.post(
        "/fce/status", data={"reference": "FCE-2020-999999", "access_code": "AAAA-AAAA-AAAA", "lang": "ja"}
    )
    assert wrong.status_code == unknown.status_code == 404
    assert CATALOGS.gettext("fce.api.not_found", "ja") in wrong.text
    assert case["access_code"] not in wrong.text
    for form, field in [
        ({"access_code": "X"}, "reference"),
        ({"reference": case["reference"]}, "access_code"),
        ({"reference": "  ", "access_code": "X"}, "reference"),
        ({"reference": "F" * 33, "access_code": "X"}, "reference"),
        ({"reference": case["reference"], "access_code": "X" * 65}, "access_code"),
    ]:
        response = client.post("/fce/status", data={**form, "lang": "en"})
        assert response.status_code == 422, form
        assert f'data-field="{field}"' in response.text and 'aria-invalid="true"' in response.text


def test_lockout_counts_page_attempts(client: TestClient, fce: Fce, tmp_path: Path) -> None:
    case = create(client)
    settings = FceSettings(documents_dir=tmp_path / "docs", lockout_failures=2)
    app: Any = client.app
    app.state.services.fce = dataclasses.replace(
        app.state.services.fce, settings=settings, data=fce.data, cases=CaseService(app.state.services.db, settings)
    )
    assert look_up(client, case, code="AAAA-AAAA-AAAA").status_code == 404
    assert look_up(client, case, code="BBBB-BBBB-BBBB").status_code == 404
    locked = look_up(client, case)
    assert locked.status_code == 429 and 'data-testid="case"' not in locked.text


def test_upload_from_the_page(client: TestClient, fce: Fce) -> None:
    case = create(client)
    form = {"reference": case["reference"], "access_code": case["access_code"], "lang": "vi"}
    sent = client.post(
        "/fce/status/documents", data=form, files={"file": ("bang.pdf", io.BytesIO(PDF), "application/pdf")}
    )
    assert sent.status_code == 200
    assert CATALOGS.gettext("fce.status_page.uploaded", "vi") in sent.text and "bang.pdf" in sent.text
    assert counts(fce) == (1, 1, 1)
    bad = client.post(
        "/fce/status/documents", data=form, files={"file": ("x.pdf", io.BytesIO(b"MZ\x90\x00"), "application/pdf")}
    )
    assert bad.status_code == 415 and CATALOGS.gettext("fce.document.type", "vi") in bad.text
    none = client.post("/fce/status/documents", data=form, files={"file": ("", io.BytesIO(b""), "application/pdf")})
    assert none.status_code == 422
    wrong = client.post(
        "/fce/status/documents",
        data={**form, "access_code": "AAAA-AAAA-AAAA"},
        files={"file": ("bang.pdf", io.BytesIO(PDF), "application/pdf")},
    )
    assert wrong.status_code == 404
    assert counts(fce) == (1, 1, 1)  # nothing stored for refused uploads


def test_upload_size_is_checked_before_the_body(client: TestClient, fce: Fce, tmp_path: Path) -> None:
    case = create(client)
    settings = FceSettings(documents_dir=tmp_path / "docs", max_document_bytes=1024)
    app: Any = client.app
    app.state.services.fce = dataclasses.replace(
        app.state.services.fce, settings=settings, data=fce.data, cases=CaseService(app.state.services.db, settings)
    )
    form = {"reference": case["reference"], "access_code": case["access_code"], "lang": "en"}
    big = io.BytesIO(b"%PDF-" + b"0" * (200 * 1024))
    response = client.post("/fce/status/documents", data=form, files={"file": ("big.pdf", big, "application/pdf")})
    assert response.status_code == 413


def test_statement_from_the_page(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    case = evaluated(client, evaluator, preferred_language="pt")
    page = look_up(client, case, "pt")
    assert CATALOGS.gettext("fce.status.evaluated", "pt") in page.text
    assert 'action="/fce/status/statement"' in page.text
    assert 'action="/fce/status/documents' not in page.text  # a final case takes no documents
    form = {"reference": case["reference"], "access_code": case["access_code"], "lang": "pt"}
    pdf = client.post("/fce/status/statement", data=form)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-disposition"].startswith("attachment;")
    not_ready = create(client)
    early = client.post(
        "/fce/status/statement",
        data={**form, "reference": not_ready["reference"], "access_code": not_ready["access_code"]},
    )
    assert early.status_code == 409 and CATALOGS.gettext("fce.statement.not_ready", "pt") in early.text


def test_oversized_form_bodies_are_refused_unread(client: TestClient, fce: Fce) -> None:
    case = create(client)
    padding = "x" * (20 * 1024)
    for path in ("/fce/status", "/fce/status/statement"):
        form = {"reference": case["reference"], "access_code": case["access_code"], "pad": padding}
        response = client.post(path, data=form)
        assert response.status_code == 413 and 'data-testid="case"' not in response.text
