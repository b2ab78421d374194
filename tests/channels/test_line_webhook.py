"""POST /webhooks/line: authentication, shape, size, redelivery; nothing stored on any 4xx."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.channels.line.signature import sign, verify
from api.channels.models import ChannelEvent
from tests.channels.conftest import LINE_SECRET, line_post
from tests.channels.payloads import line_body, line_event


def stored_events(client: TestClient) -> int:
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        return int(session.scalar(select(func.count()).select_from(ChannelEvent)) or 0)


def test_signature_is_hmac_sha256_base64_and_checked_exactly() -> None:
    body = b'{"events":[]}'
    good = sign(LINE_SECRET, body)
    assert verify(LINE_SECRET, body, good)
    assert not verify(LINE_SECRET, body + b" ", good)
    assert not verify("another-secret", body, good)
    assert not verify(LINE_SECRET, body, None)
    assert not verify(LINE_SECRET, body, "")
    assert not verify(LINE_SECRET, body, good[:-2] + "==")
    assert not verify(LINE_SECRET, body, "ü" * 44)  # non-ASCII header values are simply wrong


def test_a_signed_event_is_stored_and_acknowledged(app_client: TestClient) -> None:
    response = line_post(app_client, line_body(line_event("follow")))
    assert response.status_code == 200
    assert response.json() == {"stored": 1, "duplicates": 0}
    assert stored_events(app_client) == 1


def test_the_console_verification_body_is_accepted(app_client: TestClient) -> None:
    # LINE's "Verify" button sends a signed body with no events.
    assert line_post(app_client, {"destination": "U0", "events": []}).status_code == 200
    assert stored_events(app_client) == 0


def test_missing_wrong_and_other_secret_signatures_are_refused(app_client: TestClient) -> None:
    raw = json.dumps(line_body(line_event("text"))).encode()
    headers = {"Content-Type": "application/json"}
    assert app_client.post("/webhooks/line", content=raw, headers=headers).status_code == 401
    wrong = headers | {"X-Line-Signature": "bm90IGEgc2lnbmF0dXJl"}
    assert app_client.post("/webhooks/line", content=raw, headers=wrong).status_code == 401
    assert line_post(app_client, raw, secret="someone-elses-secret").status_code == 401
    # A signature of a different body does not carry over.
    other = headers | {"X-Line-Signature": sign(LINE_SECRET, raw + b"\n")}
    response = app_client.post("/webhooks/line", content=raw, headers=other)
    assert response.status_code == 401
    assert "X-Line-Signature" in response.json()["detail"]
    assert stored_events(app_client) == 0


def test_signed_but_malformed_bodies_are_400_and_store_nothing(app_client: TestClient) -> None:
    no_id = line_event("text")
    del no_id["webhookEventId"]
    bad_time = line_event("text")
    bad_time["timestamp"] = "yesterday"
    for body in (
        b"{not json",
        b"\xff\xfe\x00",
        json.dumps([1, 2]).encode(),
        json.dumps({"events": "many"}).encode(),
        json.dumps(line_body(line_event("follow"), no_id)).encode(),  # one bad event spoils the batch
        json.dumps(line_body(bad_time)).encode(),
        json.dumps(line_body("not an event")).encode(),  # type: ignore[arg-type]
    ):
        response = line_post(app_client, body)
        assert response.status_code == 400, body
        assert "malformed" in response.json()["detail"]
    assert stored_events(app_client) == 0


def test_an_oversized_body_is_413_before_it_is_read(app_client: TestClient) -> None:
    raw = json.dumps(line_body(line_event("text", message={"type": "text", "text": "x" * 600_000}))).encode()
    assert line_post(app_client, raw).status_code == 413
    assert stored_events(app_client) == 0


def test_a_redelivered_event_is_acknowledged_and_not_stored_twice(app_client: TestClient) -> None:
    event = line_event("text", event_id="01HXREDELIVERY00000000001")
    assert line_post(app_client, line_body(event)).json() == {"stored": 1, "duplicates": 0}
    event["deliveryContext"] = {"isRedelivery": True}
    second = line_post(app_client, line_body(event, line_event("sticker")))
    assert second.status_code == 200
    assert second.json() == {"stored": 1, "duplicates": 1}
    assert stored_events(app_client) == 2


def test_without_settings_the_webhook_is_404_and_health_says_disabled(client: TestClient) -> None:
    # `client` is the api with no channel settings at all.
    raw = json.dumps(line_body(line_event("text"))).encode()
    response = client.post("/webhooks/line", content=raw, headers={"X-Line-Signature": sign("", raw)})
    assert response.status_code == 404
    assert client.post("/webhooks/telegram", json={"update_id": 1}).status_code == 404
    health = client.get("/healthz").json()
    assert health["components"]["line"] == "disabled"
    assert health["components"]["telegram"] == "disabled"
    assert "line" not in health.get("broken", [])


def test_health_lists_configured_channels_as_ok(app_client: TestClient) -> None:
    components = app_client.get("/healthz").json()["components"]
    assert components["line"] == "ok"
    assert components["telegram"] == "ok"
