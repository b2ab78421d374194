"""One token per caller (issue #15, finding 11): the action server's ACTIONS_TOKEN opens /internal/v1/...,
Rasa's NLG_TOKEN opens /nlg, RASA_ADMIN_TOKEN is what the api sends to Rasa's HTTP API; none opens
another caller's routes, /nlg refuses everyone when its token is unset, the token-only FCE routes that
read and moved every case are gone, and the one the chat uses is audited."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select

import api.services
from api.auth.models import AuditEntry
from api.channels.config import ChannelSettings
from api.conversations.rasa_client import RasaClient
from api.core.config import Settings
from api.main import create_app
from tests.api.conftest import NO_CHANNELS
from tests.fce.conftest import application, create, fce  # noqa: F401

ACTIONS = "test-internal-token"  # the values tests/api/conftest.py configures
NLG = "test-nlg-token"
RASA_ADMIN = "test-rasa-admin-token"

# Every route the action server calls.
ACTION_ROUTES = [
    "/internal/v1/guidance/answer",
    "/internal/v1/flows/ask",
    "/internal/v1/flows/validate",
    "/internal/v1/conversations/c1/handoff",
    "/internal/v1/fce/cases",
]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def nlg(client: TestClient, token: str | None) -> httpx.Response:
    params = {"token": token} if token is not None else {}
    return client.post("/nlg", json={"response": "utter_goodbye", "tracker": {}}, params=params)


@pytest.mark.parametrize("path", ACTION_ROUTES)
def test_internal_routes_open_to_the_action_server_s_token_only(client: TestClient, path: str) -> None:
    for wrong in (NLG, RASA_ADMIN, "", ACTIONS + "x", "ünïcode"):
        # Bytes: a non-ASCII token reaches the app as a client would send it (a 401, never a 500).
        response = client.post(path, json={}, headers={"Authorization": f"Bearer {wrong}".encode()})
        assert response.status_code == 401, (wrong, response.text)
    assert client.post(path, json={}).status_code == 401
    # Past the door: the empty body (422) or the unknown conversation (404) is the next thing refused.
    assert client.post(path, json={}, headers=bearer(ACTIONS)).status_code in (404, 422)


def test_nlg_opens_to_rasa_s_token_only(client: TestClient) -> None:
    for wrong in (ACTIONS, RASA_ADMIN, "", None, "ünïcode"):
        assert nlg(client, wrong).status_code == 401, wrong
    # Sent where the action server sends its token, Rasa's NLG token is no key either.
    refused = client.post("/nlg", json={"response": "utter_goodbye", "tracker": {}}, headers=bearer(NLG))
    assert refused.status_code == 401
    assert nlg(client, NLG).status_code == 200


def test_nlg_refuses_everyone_when_its_token_is_unset(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NLG_TOKEN", "INTERNAL_TOKEN"):  # scripts/env.sh sets them; a deployment may not
        monkeypatch.delenv(name, raising=False)
    unset = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=settings.database_url,
        actions_token=ACTIONS,
        health_components=("database",),
        knowledge_enabled=False,
        purge_interval_seconds=0,
    )
    assert unset.nlg_token == ""
    app = create_app(unset, channel_settings=ChannelSettings(_env_file=None, **NO_CHANNELS))  # type: ignore[call-arg]
    with TestClient(app) as client:
        assert nlg(client, None).status_code == 401
        assert nlg(client, "").status_code == 401
        assert nlg(client, ACTIONS).status_code == 401


def test_the_three_tokens_must_differ() -> None:
    with pytest.raises(ValidationError, match="must all differ"):
        Settings(_env_file=None, actions_token="same", nlg_token="same")  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="must all differ"):
        Settings(_env_file=None, actions_token="a", nlg_token="b", rasa_admin_token="a")  # type: ignore[call-arg]
    Settings(_env_file=None, actions_token="a", nlg_token="b", rasa_admin_token="c")  # type: ignore[call-arg]


def test_token_only_case_reading_and_moving_is_gone(client: TestClient, fce: Any) -> None:  # noqa: F811
    case = create(client)
    reference = case["reference"]
    for method, path in (
        ("GET", "/internal/v1/fce/cases"),
        ("GET", f"/internal/v1/fce/cases/{reference}"),
        ("POST", f"/internal/v1/fce/cases/{reference}/transitions"),
        ("GET", f"/internal/v1/fce/cases/{reference}/documents/1"),
    ):
        response = client.request(method, path, json={"to": "closed"}, headers=bearer(ACTIONS))
        assert response.status_code in (404, 405), (path, response.status_code)
    status = client.get(f"/api/v1/fce/cases/{reference}", headers={"X-Access-Code": case["access_code"]})
    assert status.json()["status"] == "submitted"


def test_chat_applications_are_audited_with_the_caller_and_no_personal_data(
    client: TestClient,
    fce: Any,  # noqa: F811
) -> None:
    conversation = client.post("/api/v1/widget/conversations", json={"locale": "vi"}).json()
    body = {key: value for key, value in application().items() if key != "email"}
    body["conversation_id"] = conversation["conversation_id"]
    key = {"Idempotency-Key": "7d0c1a52-1f7e-4a51-9d64-6f0a3c2b9e10"}
    created = client.post("/internal/v1/fce/cases", json=body, headers={**bearer(ACTIONS), **key})
    assert created.status_code == 201, created.text
    again = client.post("/internal/v1/fce/cases", json=body, headers={**bearer(ACTIONS), **key})
    assert again.json()["reference"] == created.json()["reference"]
    app: Any = client.app
    with app.state.services.db.session() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "fce.chat_case_created")).all()
        rows = [(e.user_id, e.conversation_id, e.detail) for e in entries]
    reference = created.json()["reference"]
    caller = {"caller": "actions_token", "reference": reference}
    assert rows == [
        (None, conversation["conversation_id"], {**caller, "replayed": False}),
        (None, conversation["conversation_id"], {**caller, "replayed": True}),
    ]
    logged = json.dumps([row[2] for row in rows], ensure_ascii=False)
    assert "Nguyễn" not in logged and created.json()["access_code"] not in logged


@pytest.fixture
def rasa_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[httpx.Request]]:
    """Every request the app's Rasa client sends, answered by a stand-in replica."""
    seen: list[httpx.Request] = []

    def replica(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"messages": []} if request.url.path.endswith("/execute") else [])

    transport = httpx.MockTransport(replica)
    monkeypatch.setattr(api.services, "RasaClient", functools.partial(RasaClient, transport=transport))
    yield seen


def test_the_api_calls_rasa_s_http_api_with_the_admin_token_only(
    settings: Settings, rasa_calls: list[httpx.Request]
) -> None:
    app = create_app(settings, channel_settings=ChannelSettings(_env_file=None, **NO_CHANNELS))  # type: ignore[call-arg]
    rasa = app.state.services.rasa
    rasa.send("c1", "hello", {"language": "en"})
    rasa.set_slot("c1", "language", "ja")
    rasa.append_events("c1", [{"event": "slot", "name": "fce_name", "value": "x"}])
    rasa.execute("c1", "fce_form")
    sent = {request.url.path: dict(request.url.params) for request in rasa_calls}
    # The REST channel is not Rasa's HTTP API: no token rides along with a user's message.
    assert sent.pop("/webhooks/rest/webhook") == {}
    assert sent == {
        "/conversations/c1/tracker/events": {"token": RASA_ADMIN},
        "/conversations/c1/execute": {"token": RASA_ADMIN},
    }
    assert all(str(request.url).startswith(settings.rasa_url) for request in rasa_calls)
