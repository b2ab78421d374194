"""The widget's WebSocket: authenticated by its first frame, then live events of its conversation."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect


def ws_url(conversation: dict[str, str]) -> str:
    return f"/api/v1/widget/conversations/{conversation['conversation_id']}/ws"


def test_events_arrive_after_auth(client: TestClient, conversation: dict[str, str]) -> None:
    with client.websocket_connect(ws_url(conversation)) as ws:
        ws.send_json({"type": "auth", "token": conversation["token"]})
        assert ws.receive_json()["type"] == "ready"
        client.post(
            f"/api/v1/widget/conversations/{conversation['conversation_id']}/messages",
            json={"text": "hello"},
            headers={"Authorization": conversation["auth"]},
        )
        user_event = ws.receive_json()
        bot_event = ws.receive_json()
    assert user_event["message"]["role"] == "user" and user_event["message"]["text"] == "hello"
    assert bot_event["message"]["role"] == "bot"


@pytest.mark.parametrize("frame", ['{"type": "auth", "token": "wrong"}', "not json", '{"token": 5}', "[]"])
def test_bad_auth_closes(client: TestClient, conversation: dict[str, str], frame: str) -> None:
    with client.websocket_connect(ws_url(conversation)) as ws:
        ws.send_text(frame)
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 4401


def test_unknown_conversation_closes(client: TestClient, conversation: dict[str, str]) -> None:
    with client.websocket_connect("/api/v1/widget/conversations/nope/ws") as ws:
        ws.send_json({"type": "auth", "token": conversation["token"]})
        with pytest.raises(WebSocketDisconnect):
            ws.receive_json()
