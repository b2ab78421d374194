"""An advice request is personal data (e-mail, free-text note, the advisors' notes): the privacy
export and erasure (api/privacy/subjects.py) find it by e-mail or ADV- reference and remove it whole,
giving its booked slot back to the advisors."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.advice.models import AdviceNote, AdviceRequest, AdviceSlot
from api.privacy.subjects import Subject, SubjectNotFound
from tests.advice.test_advice import CARE, URL
from tests.advisors.conftest import make_user


def test_export_and_erase_cover_advice_requests(client: TestClient) -> None:
    advisor = make_user(client, "aiko@example.org", name="Aiko")
    created = client.post(URL, json={**CARE, "email": "Lan@Example.org", "note": "private words"}).json()
    other = client.post(URL, json={**CARE, "email": "someone@example.org"}).json()
    reference = created["reference"]
    starts = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    slot = client.post("/api/v1/advice/slots", json={"starts_at": starts}, headers=advisor["headers"]).json()
    client.put(
        f"{URL}/{reference}/booking", json={"slot_id": slot["id"]}, headers={"X-Access-Code": created["access_code"]}
    )
    client.post(f"/api/v1/advice/cases/{reference}/notes", json={"text": "call back"}, headers=advisor["headers"])
    requests = client.app.state.services.privacy.requests  # type: ignore[attr-defined]

    archive = zipfile.ZipFile(io.BytesIO(requests.export(Subject(email="lan@example.org"))))
    data = json.loads(archive.read("data.json"))
    (exported,) = data["advice_requests"]
    assert exported["reference"] == reference and exported["note"] == "private words"
    assert exported["advisor_notes"][0]["text"] == "call back" and exported["sessions"][0]["minutes"] == 45
    assert other["reference"] not in json.dumps(data)

    result = requests.erase(Subject(reference=reference.lower()))
    assert result["advice_requests"] == 1
    db = client.app.state.services.db  # type: ignore[attr-defined]
    with db.session() as session:
        assert session.scalars(select(AdviceRequest.reference)).all() == [other["reference"]]
        assert session.scalar(select(func.count()).select_from(AdviceNote)) == 0
        freed = session.get(AdviceSlot, slot["id"])
        assert freed is not None and freed.request_id is None
    with pytest.raises(SubjectNotFound):
        requests.export(Subject(email="lan@example.org"))
