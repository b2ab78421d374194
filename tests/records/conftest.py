"""Records fixtures: an issuer key in a temporary folder, installed on the test app with the FCE fixtures."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.records import keys
from api.records.config import RecordsSettings
from api.records.hooks import console_credentials, issue_after_evaluation
from api.records.issuing import RecordsService
from tests.api.conftest import client, database_url, fake_rasa, settings  # noqa: F401
from tests.fce.conftest import (  # noqa: F401
    INTERNAL,
    advisor,
    create,
    evaluated,
    evaluation,
    evaluator,
    every_text_is_in_the_catalogs,
    fce,
    move,
    staff,
    to_evaluation,
)

BASE = "http://testserver"


@pytest.fixture
def key_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "keys"
    keys.ensure_key(directory)
    return directory


@pytest.fixture
def records(client: TestClient, fce: Any, key_dir: Path) -> RecordsService:  # noqa: F811
    app: Any = client.app
    service = RecordsService(
        app.state.services.db, RecordsSettings(key_dir=key_dir), app.state.services.catalogs, fce.data, BASE
    )
    services = app.state.services
    services.records = service
    # The FCE feature reaches records only through the hooks the composition root gave it.
    services.fce = dataclasses.replace(
        services.fce,
        on_evaluated=lambda reference: issue_after_evaluation(service, reference),
        case_credentials=lambda reference: console_credentials(service, reference),
    )
    return service


def issued_case(client: TestClient, user: dict[str, Any], **changes: Any) -> dict[str, Any]:  # noqa: F811
    """An evaluated case and its credential as the applicant gets it."""
    case = evaluated(client, user, **changes)
    response = client.get(
        f"/api/v1/fce/cases/{case['reference']}/credential", headers={"X-Access-Code": case["access_code"]}
    )
    assert response.status_code == 200, response.text
    return case | response.json()


def verify(client: TestClient, token: str) -> dict[str, Any]:  # noqa: F811
    response = client.post("/api/v1/verify", json={"credential": token})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
