"""FCE fixtures on top of the api's (SQLite always, PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.fce.comparability import load_comparability
from api.fce.config import FceSettings
from api.fce.feature import Fce
from api.fce.models import FceCase, FceDocument
from api.fce.service import CaseService
from tests.api.conftest import client, database_url, fake_rasa, settings  # noqa: F401

INTERNAL = {"Authorization": "Bearer test-internal-token"}


@pytest.fixture
def fce(client: TestClient, tmp_path: Path) -> Fce:  # noqa: F811
    """The feature's services with uploads in a temporary folder, installed on the test app."""
    fce_settings = FceSettings(documents_dir=tmp_path / "fce-documents")
    app: Any = client.app
    instance = dataclasses.replace(
        app.state.services.fce,
        settings=fce_settings,
        data=load_comparability(fce_settings.comparability_dir),
        cases=CaseService(app.state.services.db, fce_settings),
    )
    app.state.services.fce = instance
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


# -- staff and evaluations (evaluator workspace, statements, notifications) -----------------------------

PASSWORD = "correct horse battery"


def staff(client: TestClient, email: str, role: str) -> dict[str, Any]:  # noqa: F811
    """A console user of `role`, logged in; tests pass the bearer token, or set it as the session cookie."""
    from api.auth.users import create_user

    app: Any = client.app
    with app.state.services.db.session() as session:
        user = create_user(session, email=email, password=PASSWORD, role=role, display_name=email.split("@")[0])
        user_id = user.id
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.cookies.clear()
    token = response.json()["access_token"]
    return {"id": user_id, "token": token, "headers": {"Authorization": f"Bearer {token}"}}


@pytest.fixture
def evaluator(client: TestClient) -> dict[str, Any]:  # noqa: F811
    return staff(client, "eva@example.org", "evaluator")


@pytest.fixture
def advisor(client: TestClient) -> dict[str, Any]:  # noqa: F811
    return staff(client, "adi@example.org", "advisor")


def evaluation(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "credential": 0,
        "japan_equivalent": "gakushi",
        "isced_level": 6,
        "jqf_level": 6,
        "field": "Computer science",
        "substantial_differences": [
            {"difference": "No graduation thesis", "reason": "The programme ends without a research project."}
        ],
        "remarks": "Comparable to a Japanese bachelor's degree in information science.",
    }
    body.update(changes)
    return body


def move(client: TestClient, user: dict[str, Any], reference: str, to: str, **extra: Any) -> Any:  # noqa: F811
    return client.post(
        f"/api/v1/evaluator/cases/{reference}/transitions", json={"to": to, **extra}, headers=user["headers"]
    )


def to_evaluation(client: TestClient, user: dict[str, Any], reference: str) -> None:  # noqa: F811
    for step in ("documents_received", "under_evaluation"):
        assert move(client, user, reference, step).status_code == 200


def evaluated(client: TestClient, user: dict[str, Any], **application_changes: Any) -> dict[str, Any]:  # noqa: F811
    """A case taken through the whole workflow with one recorded evaluation; the statement is issued."""
    case = create(client, **application_changes)
    to_evaluation(client, user, case["reference"])
    url = f"/api/v1/evaluator/cases/{case['reference']}/evaluation"
    assert client.put(url, json=evaluation(), headers=user["headers"]).status_code == 200
    assert move(client, user, case["reference"], "evaluated").status_code == 200
    return case


@pytest.fixture(autouse=True)
def every_text_is_in_the_catalogs(caplog: pytest.LogCaptureFixture) -> Any:
    """Pages, PDFs and notices fall back to English with a warning on a missing key; here that fails the test."""
    yield
    missing = [r.getMessage() for r in caplog.records if "missing translation" in r.getMessage()]
    assert missing == []
