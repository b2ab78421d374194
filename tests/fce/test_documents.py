"""Uploads: decided by content, size and count limits, stored outside served folders, nothing kept on refusal."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi.testclient import TestClient

from api.core.config import REPO_ROOT
from api.fce.config import FceSettings
from api.fce.feature import Fce
from tests.fce.conftest import counts, create, move

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 200


def _upload(client: TestClient, case: dict[str, str], name: str, content: bytes, code: str | None = None) -> object:
    return client.post(
        f"/api/v1/fce/cases/{case['reference']}/documents",
        headers={"X-Access-Code": code or case["access_code"]},
        files={"file": (name, content, "application/pdf")},
    )


def test_pdf_png_jpeg_are_stored_with_sha256(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    case = create(client)
    for name, content, media_type in (
        ("diploma.pdf", PDF, "application/pdf"),
        ("a.png", PNG, "image/png"),
        ("b.jpg", JPEG, "image/jpeg"),
    ):
        response = _upload(client, case, name, content)
        assert response.status_code == 201, response.text  # type: ignore[attr-defined]
        body = response.json()  # type: ignore[attr-defined]
        assert body["media_type"] == media_type
        assert body["sha256"] == hashlib.sha256(content).hexdigest()
    stored = list(fce.settings.documents_dir.iterdir())
    assert len(stored) == 3
    assert all(len(path.name) == 32 and "." not in path.name for path in stored)  # random names, no extension
    assert not fce.settings.documents_dir.resolve().is_relative_to(REPO_ROOT / "api")
    listed = client.get(
        f"/api/v1/fce/cases/{case['reference']}/documents", headers={"X-Access-Code": case["access_code"]}
    )
    assert [d["name"] for d in listed.json()] == ["diploma.pdf", "a.png", "b.jpg"]
    staff = evaluator["headers"]
    detail = client.get(f"/api/v1/evaluator/cases/{case['reference']}", headers=staff).json()
    url = f"/api/v1/evaluator/cases/{case['reference']}/documents/{detail['documents'][0]['id']}"
    download = client.get(url, headers=staff)
    assert download.content == PDF and download.headers["content-disposition"].startswith("attachment")
    assert client.get(url).status_code == 401


def test_executable_renamed_pdf_is_415_and_nothing_stored(client: TestClient, fce: Fce) -> None:
    case = create(client)
    response = _upload(client, case, "diploma.pdf", EXE)
    assert response.status_code == 415  # type: ignore[attr-defined]
    assert "PDF" in response.json()["detail"]  # type: ignore[attr-defined]
    assert counts(fce) == (1, 0, 0)


def test_eleven_megabytes_is_413_and_nothing_stored(client: TestClient, fce: Fce) -> None:
    case = create(client)
    response = _upload(client, case, "big.pdf", PDF + b"0" * (11 * 1024 * 1024))
    assert response.status_code == 413  # type: ignore[attr-defined]
    assert counts(fce) == (1, 0, 0)


def test_streamed_limit_catches_a_file_just_over_the_limit(client: TestClient, fce: Fce) -> None:
    fce.settings = FceSettings(documents_dir=fce.settings.documents_dir, max_document_bytes=1000)
    fce.cases.settings = fce.settings
    case = create(client)
    assert _upload(client, case, "a.pdf", PDF + b"0" * 1000).status_code == 413  # type: ignore[attr-defined]
    assert counts(fce) == (1, 0, 0)


def test_malformed_multipart_and_missing_file_are_4xx(client: TestClient, fce: Fce) -> None:
    case = create(client)
    url = f"/api/v1/fce/cases/{case['reference']}/documents"
    headers = {"X-Access-Code": case["access_code"], "Content-Type": "multipart/form-data; boundary=XYZ"}
    broken = client.post(
        url, content=b'--XYZ\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc', headers=headers
    )
    no_boundary = client.post(url, content=b"junk", headers={**headers, "Content-Type": "multipart/form-data"})
    # As malformed JSON is: 422 naming the body (starlette's own answer is a 400 with a bare string);
    # the cut-off part parses as a form without the file.
    assert broken.status_code == 422 and broken.json()["detail"][0]["loc"] == ["body", "file"]
    assert no_boundary.status_code == 422 and no_boundary.json()["detail"][0]["loc"] == ["body"]
    other_field = client.post(url, headers={"X-Access-Code": case["access_code"]}, files={"doc": ("a.pdf", PDF)})
    empty = _upload(client, case, "a.pdf", b"")
    # 422 naming the form field, like every refused field (schemathesis found a bare 400 string here)
    for refused in (other_field, empty):
        assert refused.status_code == 422  # type: ignore[attr-defined]
        assert [error["loc"] for error in refused.json()["detail"]] == [["body", "file"]]  # type: ignore[attr-defined]
    assert counts(fce) == (1, 0, 0)


def test_upload_needs_the_right_code(client: TestClient, fce: Fce) -> None:
    case = create(client)
    assert _upload(client, case, "a.pdf", PDF, code="WRNG-WRNG-WRNG").status_code == 404  # type: ignore[attr-defined]
    assert counts(fce) == (1, 0, 0)


def test_document_count_limit(client: TestClient, fce: Fce) -> None:
    fce.settings = FceSettings(documents_dir=fce.settings.documents_dir, max_documents_per_case=2)
    fce.cases.settings = fce.settings
    case = create(client)
    assert [_upload(client, case, "a.pdf", PDF).status_code for _ in range(3)] == [201, 201, 422]  # type: ignore[attr-defined]
    assert counts(fce) == (1, 2, 2)


def test_closed_cases_take_no_documents(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    case = create(client)
    closing = {"close_reason": "withdrawn", "reason": "applicant withdrew"}
    assert move(client, evaluator, case["reference"], "closed", **closing).status_code == 200
    assert _upload(client, case, "a.pdf", PDF).status_code == 409  # type: ignore[attr-defined]
    assert counts(fce) == (1, 0, 0)
