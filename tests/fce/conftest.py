"""FCE fixtures on top of the api's (SQLite always, PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.fce.comparability import load_comparability
from api.fce.config import FceSettings
from api.fce.deps import Fce
from api.fce.models import FceCase, FceDocument
from api.fce.service import CaseService
from tests.api.conftest import client, database_url, fake_rasa, settings  # noqa: F401

INTERNAL = {"Authorization": "Bearer test-internal-token"}


@pytest.fixture
def fce(client: TestClient, tmp_path: Path) -> Fce:  # noqa: F811
    """The feature's services with uploads in a temporary folder, installed on the test app."""
    fce_settings = FceSettings(documents_dir=tmp_path / "fce-documents")
    app: Any = client.app
    instance = Fce(
        fce_settings, load_comparability(fce_settings.comparability_dir), CaseService(app.state.db, fce_settings)
    )
    app.state.fce = instance
    return instance


def application(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Nguyễn Văn An",
        "email": "an@example.com",
        "preferred_language": "vi",
        "residence_country": "VN",
        "nationality": "VN",
        "purpose": "employment",
        "credentials": [
            {
                "country": "VN",
                "credential_id": "vn_bachelor",
                "institution": "Đại học Bách khoa Hà Nội",
                "field_of_study": "Computer science",
                "start_year": 2016,
                "end_year": 2020,
                "language_of_instruction": "Vietnamese",
            }
        ],
        "documents": "all",
        "consent": True,
    }
    body.update(changes)
    return body


def counts(fce: Fce) -> tuple[int, int, int]:
    """Cases and documents in the database, and files on disk: proof that a refusal stored nothing."""
    with fce.cases.db.session() as session:
        cases = session.scalar(select(func.count()).select_from(FceCase)) or 0
        documents = session.scalar(select(func.count()).select_from(FceDocument)) or 0
    directory = fce.settings.documents_dir
    files = len(list(directory.iterdir())) if directory.exists() else 0
    return cases, documents, files


def create(client: TestClient, **changes: Any) -> dict[str, Any]:  # noqa: F811
    response = client.post("/api/v1/fce/cases", json=application(**changes))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
