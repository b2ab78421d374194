"""Chat-flow fixtures on top of the api's: an app (SQLite, and PostgreSQL when TEST_DATABASE_URL is
set), conversations in each language, the FCE services with a short lockout, a scripted knowledge base."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.conversations.responses import Reply
from api.fce.comparability import load_comparability
from api.fce.config import FceSettings
from api.fce.feature import Fce
from api.fce.service import CaseService
from tests.api.conftest import client, database_url, fake_rasa, settings  # noqa: F401

INTERNAL = {"Authorization": "Bearer test-internal-token"}
LOCKOUT_FAILURES = 3


@pytest.fixture
def fce(client: TestClient, tmp_path: Path) -> Fce:  # noqa: F811
    fce_settings = FceSettings(documents_dir=tmp_path / "fce-documents", lockout_failures=LOCKOUT_FAILURES)
    app: Any = client.app
    instance = dataclasses.replace(
        app.state.services.fce,
        settings=fce_settings,
        data=load_comparability(fce_settings.comparability_dir),
        cases=CaseService(app.state.services.db, fce_settings),
    )
    app.state.services.fce = instance
    return instance


@pytest.fixture
def conversation_in(client: TestClient) -> Callable[[str], str]:  # noqa: F811
    """A widget conversation whose language was chosen explicitly."""

    def create(language: str) -> str:
        response = client.post("/api/v1/widget/conversations", json={"locale": language})
        assert response.status_code == 201
        return str(response.json()["conversation_id"])

    return create


class FakeGuidance:
    """Answers every question with one reply that has buttons and a source (the flows keep only sources)."""

    def __init__(self) -> None:
        self.questions: list[str] = []
        self.topics: list[str] = []
        self.hand_off: list[bool] = []

    def respond(
        self, conversation_id: str, intent: str, text: str, entities: dict[str, Any], *, hand_off: bool = True
    ) -> list[Reply]:
        if intent == "ask_topic":
            self.topics.append(str(entities.get("topic_id")))
        else:
            self.questions.append(text)
        self.hand_off.append(hand_off)
        source = {"topic_id": "visa.coe", "title": "COE", "url": "/kb/en/visa.coe"}
        buttons = [
            {"title": "More", "payload": "/more_detail"},
            {"title": "Visa for students", "payload": '/ask_topic{"topic_id": "visa.student"}'},
        ]
        return [Reply(text="A COE is ...", buttons=buttons, sources=[source])]


@pytest.fixture
def guidance(client: TestClient) -> FakeGuidance:  # noqa: F811
    fake = FakeGuidance()
    app: Any = client.app
    app.state.services.guidance = fake
    return fake


@pytest.fixture
def flows(client: TestClient, fce: Fce) -> Callable[..., Any]:  # noqa: F811
    """POST to /internal/v1/flows/<path> with the internal token; returns the response."""

    def call(path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        return client.post(f"/internal/v1/flows/{path}", json=body, headers=INTERNAL if headers is None else headers)

    return call
