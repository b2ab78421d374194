"""Documents at rest (issue #15, item 4): encrypted on disk with a data key per file wrapped by
DOCUMENTS_KEY; downloads and exports give the original bytes; a wrong key or a tampered file is refused
without details; files from before encryption still read and are encrypted by `keys rotate-documents`."""

from __future__ import annotations

import dataclasses
import weakref
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api import __main__ as cli
from api.core.config import Settings
from api.fce.config import FceSettings
from api.fce.feature import Fce
from api.fce.service import CaseService
from api.fce.vault import MAGIC, DocumentKeyError, DocumentKeys, key_id, new_key
from api.main import create_app
from api.privacy.service import PrivacyService
from api.privacy.subjects import Subject
from tests.fce.conftest import create, staff

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n" + b"diploma of Nguyen Van An " * 40


def _upload(client: TestClient, case: dict[str, str], content: bytes = PDF) -> int:
    response = client.post(
        f"/api/v1/fce/cases/{case['reference']}/documents",
        headers={"X-Access-Code": case["access_code"]},
        files={"file": ("diploma.pdf", content, "application/pdf")},
    )
    assert response.status_code == 201, response.text
    document_id: int = response.json()["id"]
    return document_id


_EVALUATORS: weakref.WeakKeyDictionary[TestClient, dict[str, str]] = weakref.WeakKeyDictionary()


def _download(client: TestClient, case: dict[str, str], document_id: int) -> Any:
    """Through the evaluator's download (the only one there is), with one evaluator per app."""
    if client not in _EVALUATORS:
        _EVALUATORS[client] = staff(client, "eva@example.org", "evaluator")["headers"]
    url = f"/api/v1/evaluator/cases/{case['reference']}/documents/{document_id}"
    return client.get(url, headers=_EVALUATORS[client])


def _with_keys(client: TestClient, fce: Fce, current: str, retired: str = "") -> Fce:
    settings = FceSettings(
        documents_dir=fce.settings.documents_dir,
        documents_key=SecretStr(current),
        documents_keys_retired=SecretStr(retired),
    )
    app: Any = client.app
    app.state.services.fce = dataclasses.replace(fce, settings=settings, cases=CaseService(fce.cases.db, settings))
    changed: Fce = app.state.services.fce
    return changed


def _only_file(fce: Fce) -> Path:
    [path] = list(fce.settings.documents_dir.iterdir())
    return path


def test_the_file_on_disk_is_not_the_plaintext_and_downloads_give_the_original(client: TestClient, fce: Fce) -> None:
    case = create(client)
    document_id = _upload(client, case)
    on_disk = _only_file(fce).read_bytes()
    assert on_disk != PDF and b"%PDF-" not in on_disk and b"Nguyen" not in on_disk
    assert on_disk.startswith(MAGIC) and key_id(fce.settings.document_keys.current) in on_disk[:32]
    download = _download(client, case, document_id)
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["x-content-type-options"] == "nosniff"


def test_each_file_has_its_own_data_key(client: TestClient, fce: Fce) -> None:
    case = create(client)
    _upload(client, case)
    _upload(client, case)
    first, second = (path.read_bytes() for path in fce.settings.documents_dir.iterdir())
    assert first[len(MAGIC) + 8 :] != second[len(MAGIC) + 8 :]  # same plaintext, same KEK: nothing repeats


def test_a_wrong_key_fails_cleanly(client: TestClient, fce: Fce, caplog: pytest.LogCaptureFixture) -> None:
    case = create(client)
    document_id = _upload(client, case)
    _with_keys(client, fce, new_key())
    response = _download(client, case, document_id)
    assert response.status_code == 503
    assert response.json() == {"detail": "the stored file cannot be read; an administrator must check it"}
    assert "neither DOCUMENTS_KEY nor a retired key" in caplog.text  # the reason is in the log only


@pytest.mark.parametrize("where", ["body", "tag", "wrapped key", "magic", "truncated"])
def test_tampered_ciphertext_is_refused(client: TestClient, fce: Fce, where: str) -> None:
    case = create(client)
    document_id = _upload(client, case)
    path = _only_file(fce)
    blob = bytearray(path.read_bytes())
    if where == "truncated":
        del blob[-20:]
    else:
        index = {"body": 200, "tag": len(blob) - 1, "wrapped key": len(MAGIC) + 8 + 12 + 3, "magic": 0}[where]
        blob[index] ^= 0x01
    path.write_bytes(bytes(blob))
    response = _download(client, case, document_id)
    assert response.status_code == 503 and PDF[:5] not in response.content


def test_plaintext_files_from_before_still_read_and_the_command_encrypts_them(
    client: TestClient, fce: Fce, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    case = create(client)
    document_id = _upload(client, case)
    path = _only_file(fce)
    path.write_bytes(PDF)  # as main wrote it before this change
    assert _download(client, case, document_id).content == PDF
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("FCE_DOCUMENTS_DIR", str(fce.settings.documents_dir))
    monkeypatch.setenv("DOCUMENTS_KEY", fce.settings.documents_key.get_secret_value())
    from api.core.config import get_settings

    get_settings.cache_clear()
    try:
        assert cli.main(["keys", "rotate-documents"]) == 0
    finally:
        get_settings.cache_clear()
    assert path.read_bytes().startswith(MAGIC) and b"%PDF-" not in path.read_bytes()
    assert _download(client, case, document_id).content == PDF


def test_a_plaintext_file_that_does_not_match_its_digest_is_refused(client: TestClient, fce: Fce) -> None:
    case = create(client)
    document_id = _upload(client, case)
    _only_file(fce).write_bytes(PDF.replace(b"Nguyen", b"Mallory"))
    assert _download(client, case, document_id).status_code == 503


def test_rotation_rewraps_with_the_new_key(
    client: TestClient, fce: Fce, monkeypatch: pytest.MonkeyPatch, settings: Settings, capsys: Any
) -> None:
    old = fce.settings.documents_key.get_secret_value()
    case = create(client)
    document_id = _upload(client, case)
    path = _only_file(fce)
    body_before = path.read_bytes()[-len(PDF) - 16 :]
    new = new_key()
    rotated = _with_keys(client, fce, new, retired=old)
    assert _download(client, case, document_id).content == PDF  # the retired key still unwraps
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("FCE_DOCUMENTS_DIR", str(fce.settings.documents_dir))
    monkeypatch.setenv("DOCUMENTS_KEY", new)
    monkeypatch.setenv("DOCUMENTS_KEYS_RETIRED", old)
    from api.core.config import get_settings

    get_settings.cache_clear()
    try:
        assert cli.main(["keys", "rotate-documents"]) == 0
    finally:
        get_settings.cache_clear()
    assert "1 re-wrapped" in capsys.readouterr().out
    blob = path.read_bytes()
    assert blob[len(MAGIC) : len(MAGIC) + 8] == rotated.settings.document_keys.current_id
    assert blob[-len(PDF) - 16 :] == body_before  # only the header changed
    _with_keys(client, fce, new)  # the old key is gone
    assert _download(client, case, document_id).content == PDF


def test_export_writes_the_plaintext_into_the_archive(client: TestClient, fce: Fce, settings: Settings) -> None:
    import io
    import zipfile

    case = create(client)
    _upload(client, case)
    app: Any = client.app
    privacy = PrivacyService(app.state.services.db, settings, fce.settings.documents_dir, fce.settings.document_keys)
    archive = zipfile.ZipFile(io.BytesIO(privacy.requests.export(Subject(reference=case["reference"]))))
    documents = [name for name in archive.namelist() if name.startswith("documents/")]
    assert [archive.read(name) for name in documents] == [PDF]
    assert _only_file(fce).read_bytes() != PDF


def test_the_api_refuses_to_start_without_a_key(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCUMENTS_KEY", raising=False)
    with pytest.raises(DocumentKeyError, match="DOCUMENTS_KEY is not set"):
        create_app(settings)
    monkeypatch.setenv("DOCUMENTS_KEY", "c2hvcnQ=")
    with pytest.raises(DocumentKeyError, match="32 bytes"):
        create_app(settings)


def test_keys_are_named_by_id_without_revealing_them() -> None:
    key = new_key()
    keys = DocumentKeys.parse(key)
    assert keys.current_id.hex() not in key and len(keys.current_id) == 8
    with pytest.raises(DocumentKeyError, match="not base64"):
        DocumentKeys.parse("not base64 !!")
