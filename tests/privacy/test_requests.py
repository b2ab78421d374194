"""Access and erasure: an export holds every row and file of that person and nobody else's; an
erasure removes them from every store (Rasa's tracker included), keeps only a minimal revocation
entry for an issued credential, and both are audited without the person's e-mail."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api import __main__ as cli
from api.auth.models import AuditEntry
from api.channels.models import ChannelEvent, OutboxMessage
from api.consent.models import ConsentRecord
from api.conversations.models import Conversation, Message
from api.core.config import Settings
from api.fce.feature import Fce
from api.fce.models import FceCase, FceDocument, FceStatement
from api.privacy.service import PrivacyService
from api.privacy.subjects import Subject, SubjectNotFound
from api.records.issuing import RecordsService
from api.records.models import RecordCredential
from tests.fce.conftest import create, evaluator, staff  # noqa: F401
from tests.privacy.conftest import Tracker
from tests.privacy.helpers import PDF, ago, db, line_conversation, upload
from tests.records.conftest import issued_case, key_dir, records  # noqa: F401


def _person(client: TestClient, tracker: Tracker, email: str, user_id: str) -> dict[str, Any]:
    """An applicant who also chatted on LINE (two conversations on one account), with a document."""
    first = line_conversation(client, user_id, 2, text=f"hello from {user_id}")
    second = line_conversation(client, user_id, 1, text=f"again {user_id}")
    case = create(client, email=email)
    upload(client, case, PDF + user_id.encode())
    with db(client).session() as session:
        row = session.scalars(select(FceCase).where(FceCase.reference == case["reference"])).one()
        row.conversation_id = first
    tracker.add(first, ago(2).timestamp(), text=f"tracked {user_id}")
    tracker.add(second, ago(1).timestamp())
    return case | {"conversations": [first, second], "user_id": user_id, "email": email}


def _archive(content: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files.pop("data.json")), files


def test_export_holds_everything_of_that_person_only(
    client: TestClient, fce: Fce, privacy: PrivacyService, tracker: Tracker
) -> None:
    an = _person(client, tracker, "an@example.com", "U-an")
    _person(client, tracker, "binh@example.com", "U-binh")
    data, files = _archive(privacy.requests.export(Subject(email="AN@example.com ")))
    assert sorted(c["id"] for c in data["conversations"]) == sorted(an["conversations"])
    texts = [m["text"] for c in data["conversations"] for m in c["messages"]]
    assert sorted(texts) == ["again U-an", "hello from U-an"]
    assert [case["reference"] for case in data["fce_cases"]] == [an["reference"]]
    assert data["fce_cases"][0]["applicant_name"] == "Nguyễn Văn An"
    assert list(files.values()) == [PDF + b"U-an"]
    assert data["fce_cases"][0]["documents"][0]["file"] in files
    assert {e["payload"]["source"]["userId"] for e in data["channel_events"]} == {"U-an"}
    assert len(data["outbox"]) == 2
    assert [e["event"]["text"] for e in data["rasa_tracker_events"]] == ["tracked U-an", "hello"]
    assert [c["notice_version"] for c in data["consent"]] == ["2026-11-24"]
    with db(client).session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.export")).one()
    assert entry.detail == {"via": "cli", "conversations": 2, "fce_cases": [an["reference"]]}
    assert "an@example.com" not in json.dumps(entry.detail)


def test_erase_removes_every_row_and_file_and_the_tracker(
    client: TestClient, fce: Fce, privacy: PrivacyService, tracker: Tracker
) -> None:
    an = _person(client, tracker, "an@example.com", "U-an")
    binh = _person(client, tracker, "binh@example.com", "U-binh")
    result = privacy.requests.erase(Subject(reference=an["reference"].lower()))
    assert result["fce_cases"] == {an["reference"]: "deleted"}
    assert result["conversations"] == 2 and result["messages"] == 2 and result["rasa_tracker_events"] == 2
    assert result["channel_events"] == 2 and result["outbox"] == 2 and result["documents"] == 1
    with db(client).session() as session:
        assert sorted(session.scalars(select(Conversation.id))) == sorted(binh["conversations"])
        assert set(session.scalars(select(Message.text))) == {"again U-binh", "hello from U-binh"}
        assert list(session.scalars(select(FceCase.reference))) == [binh["reference"]]
        assert session.scalar(select(func.count()).select_from(FceDocument)) == 1
        assert session.scalar(select(func.count()).select_from(ChannelEvent)) == 2
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
        assert list(session.scalars(select(ConsentRecord.subject_id))) == [binh["reference"]]
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.erase")).one()
        assert entry.detail is not None and entry.detail["by"] == "reference"
    assert len(list(fce.settings.documents_dir.iterdir())) == 1
    assert sorted(tracker.senders()) == sorted(binh["conversations"])
    # The applicant's own access is gone too.
    response = client.get(f"/api/v1/fce/cases/{an['reference']}", headers={"X-Access-Code": an["access_code"]})
    assert response.status_code == 404
    with pytest.raises(SubjectNotFound):
        privacy.requests.erase(Subject(email="an@example.com"))


def test_issued_credential_keeps_only_a_minimal_revocation_entry(
    client: TestClient,
    fce: Fce,
    privacy: PrivacyService,
    records: RecordsService,  # noqa: F811
    evaluator: dict[str, Any],  # noqa: F811
) -> None:
    case = issued_case(client, evaluator, email="an@example.com")
    with db(client).session() as session:
        before = session.scalars(select(RecordCredential)).one()
        status_index, jti = before.status_index, before.jti
    result = privacy.requests.erase(Subject(email="an@example.com"))
    assert result["fce_cases"] == {case["reference"]: "anonymised"}
    with db(client).session() as session:
        credential = session.scalars(select(RecordCredential)).one()
        assert (credential.status_index, credential.jti) == (status_index, jti)
        assert credential.revoked_at is not None
        assert credential.token == "" and credential.payload == {}
        row = session.scalars(select(FceCase)).one()
        assert row.applicant_name == "[erased]" and row.email is None
        assert row.credentials == [] and row.documents == [] and row.evaluations == []
        assert session.scalar(select(func.count()).select_from(FceStatement)) == 0
    # The status list still says the credential is revoked, so a verifier holding it learns so.
    assert records.status_list_token("revocation")
    from api.records import jose, status_list

    _header, payload = jose.parse(records.status_list_token("revocation"))
    encoded = payload["credentialSubject"]["encodedList"]
    assert status_list.bit(status_list.decode(encoded), status_index)
    # The public verify link of the credential finds nothing any more.
    assert client.get(f"/v/{before.verify_id}").status_code == 404


def test_commands_export_and_erase(
    client: TestClient,
    fce: Fce,
    settings: Settings,
    tracker: Tracker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    an = _person(client, tracker, "an@example.com", "U-an")
    monkeypatch.setattr(
        "api.privacy.cli.get_settings", lambda: settings.model_copy(update={"rasa_tracker_url": tracker.url})
    )
    monkeypatch.setenv("FCE_DOCUMENTS_DIR", str(fce.settings.documents_dir))
    out = tmp_path / "an.zip"
    assert cli.main(["privacy", "export", "--email", "an@example.com", "--out", str(out)]) == 0
    data, files = _archive(out.read_bytes())
    assert data["fce_cases"][0]["reference"] == an["reference"] and len(files) == 1
    assert out.stat().st_mode & 0o077 == 0
    assert cli.main(["privacy", "erase", "--conversation", an["conversations"][1]]) == 0
    printed = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert printed["fce_cases"] == {an["reference"]: "deleted"} and printed["conversations"] == 2
    assert cli.main(["privacy", "erase", "--email", "an@example.com"]) == 2
    assert "nothing is held" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["privacy", "erase", "--email", "a@b.c", "--reference", "FCE-2026-000001"])


def test_admin_api(client: TestClient, fce: Fce, privacy: PrivacyService, tracker: Tracker) -> None:
    an = _person(client, tracker, "an@example.com", "U-an")
    admin = staff(client, "root@example.org", "admin")
    eva = staff(client, "eva2@example.org", "evaluator")
    url = "/api/v1/admin/privacy"
    assert client.post(f"{url}/export", json={"email": "an@example.com"}, headers=eva["headers"]).status_code == 403
    both = client.post(f"{url}/export", json={"email": "an@example.com", "reference": "X"}, headers=admin["headers"])
    assert both.status_code == 422 and "exactly one" in both.text
    assert client.post(f"{url}/erase", json={}, headers=admin["headers"]).status_code == 422
    assert client.post(f"{url}/erase", json={"emial": "x@y.z"}, headers=admin["headers"]).status_code == 422
    assert (
        client.post(f"{url}/export", json={"email": "nobody@example.com"}, headers=admin["headers"]).status_code == 404
    )
    exported = client.post(f"{url}/export", json={"email": "an@example.com"}, headers=admin["headers"])
    assert exported.status_code == 200 and exported.headers["content-type"] == "application/zip"
    assert _archive(exported.content)[0]["fce_cases"][0]["reference"] == an["reference"]
    erased = client.post(f"{url}/erase", json={"reference": an["reference"]}, headers=admin["headers"])
    assert erased.status_code == 200
    assert erased.json()["fce_cases"] == {an["reference"]: "deleted"}
    with db(client).session() as session:
        actions = [(e.action, e.user_id) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert ("privacy.export", admin["id"]) in actions and ("privacy.erase", admin["id"]) in actions


def test_status_page_export_and_erase_with_confirmation(
    client: TestClient, fce: Fce, privacy: PrivacyService, tracker: Tracker
) -> None:
    an = _person(client, tracker, "an@example.com", "U-an")
    form = {"lang": "vi", "reference": an["reference"], "access_code": an["access_code"]}
    page = client.post("/fce/status", data=form)
    assert 'action="/fce/status/privacy/erase?lang=vi"' in page.text
    exported = client.post("/fce/status/privacy/export", data=form)
    assert exported.status_code == 200 and exported.headers["content-type"] == "application/zip"
    assert an["reference"] in exported.headers["content-disposition"]
    wrong = client.post("/fce/status/privacy/export", data=form | {"access_code": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 404 and "zip" not in wrong.headers["content-type"]
    # First post: the confirmation page, nothing erased.
    asked = client.post("/fce/status/privacy/erase", data=form)
    assert (
        asked.status_code == 200
        and 'name="confirm"' in asked.text
        and "frame-ancestors" in asked.headers["content-security-policy"]
    )
    unticked = client.post("/fce/status/privacy/erase", data=form | {"step": "confirm"})
    assert unticked.status_code == 422 and 'data-field="confirm"' in unticked.text
    with db(client).session() as session:
        assert session.scalar(select(func.count()).select_from(FceCase)) == 1
    done = client.post("/fce/status/privacy/erase", data=form | {"step": "confirm", "confirm": "yes"})
    assert done.status_code == 200
    assert "Dữ liệu của bạn đã được xóa" in done.text
    with db(client).session() as session:
        assert session.scalar(select(func.count()).select_from(FceCase)) == 0
        assert session.scalar(select(func.count()).select_from(Conversation)) == 0
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.erase")).one()
        assert entry.detail is not None and entry.detail["via"] == "status_page"
    assert tracker.senders() == []
    assert client.post("/fce/status", data=form).status_code == 404
