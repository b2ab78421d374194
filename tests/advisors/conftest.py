"""Advisor fixtures on top of the api fixtures (SQLite and PostgreSQL, the scripted Rasa)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth.users import create_user

# The api's fixtures (client, conversation, database_url, ...), reused as they are.
from tests.api.conftest import *  # noqa: F403

PASSWORD = "correct horse battery"
INTERNAL = {"Authorization": "Bearer test-internal-token"}


def make_user(client: TestClient, email: str, role: str = "advisor", name: str | None = None) -> dict[str, Any]:
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        user = create_user(
            session, email=email, password=PASSWORD, role=role, display_name=name, languages=["ja", "en"]
        )
        user_id = user.id
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    # The TestClient keeps cookies per client; tests use the bearer token so several users coexist.
    client.cookies.clear()
    return {"id": user_id, "headers": {"Authorization": f"Bearer {response.json()['access_token']}"}}


@pytest.fixture
def advisor(client: TestClient) -> dict[str, Any]:
    return make_user(client, "aiko@example.org", name="Aiko")


@pytest.fixture
def other_advisor(client: TestClient) -> dict[str, Any]:
    return make_user(client, "binh@example.org", name="Binh")


def hand_off(client: TestClient, conversation_id: str) -> dict[str, Any]:
    response = client.post(
        f"/internal/v1/conversations/{conversation_id}/handoff",
        json={"reason": "request_human", "intents": ["ask_guidance", "request_human"]},
        headers=INTERNAL,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def waiting(client: TestClient, conversation: dict[str, str]) -> dict[str, str]:
    hand_off(client, conversation["conversation_id"])
    return conversation
