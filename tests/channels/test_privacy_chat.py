"""'Delete my data' and 'send me my data' on Telegram and LINE: the confirmation's buttons come back as
button presses, the last message after an erasure is delivered although the conversation rows are
gone, the next message starts a new conversation, and a download link leaves no trace once sent."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.channels.models import ChannelEvent, OutboxMessage
from api.conversations.models import Conversation, Message
from api.core.config import REPO_ROOT
from api.core.i18n import Catalogs
from tests.api.conftest import FakeRasa
from tests.channels.conftest import deliver, line_post, telegram_post
from tests.channels.fakes import FakeLine, FakeTelegram
from tests.channels.payloads import (
    TELEGRAM_CHAT,
    line_body,
    line_event,
    line_text,
    telegram_text,
    telegram_update,
)

CATALOGS = Catalogs(REPO_ROOT / "locales")


def _db(client: TestClient) -> Any:
    return client.app.state.services.db  # type: ignore[attr-defined]


def _press(data: str, update_id: int) -> dict[str, Any]:
    update = telegram_update("callback", update_id)
    update["callback_query"]["id"] = f"cb-{update_id}"
    update["callback_query"]["data"] = data
    return update


def test_telegram_erasure_delivers_the_last_message_and_starts_afresh(
    app_client: TestClient, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    telegram_post(app_client, telegram_text("Olá", 30001))
    deliver(app_client)
    telegram_post(app_client, telegram_text("Apague meus dados, por favor", 30002))
    deliver(app_client)
    confirmation = fake_telegram.sent()[-1]
    assert confirmation["text"].startswith(CATALOGS.gettext("privacy.chat.erase.confirm", "pt"))
    keyboard = [button["callback_data"] for row in confirmation["reply_markup"]["inline_keyboard"] for button in row]
    assert keyboard == ['/privacy_confirm{"action": "erase"}', '/privacy_cancel{"action": "erase"}']
    assert [m["message"] for m in fake_rasa.sent] == ["Olá"]

    telegram_post(app_client, _press(keyboard[0], 30003))
    deliver(app_client)
    last = fake_telegram.sent()[-1]
    assert last["text"] == CATALOGS.gettext("privacy.chat.erase.done", "pt")
    assert last["chat_id"] == str(TELEGRAM_CHAT)
    assert len(fake_telegram.calls(r"/answerCallbackQuery$")) == 1  # the button's spinner too
    with _db(app_client).session() as session:
        assert session.scalars(select(Conversation)).all() == []
        assert session.scalars(select(Message)).all() == []
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.destination == str(TELEGRAM_CHAT))).all()
        # Only the last message is left for the account: sent, and tied to no conversation.
        assert [(row.status, row.conversation_id) for row in rows] == [("sent", None)]
        assert all("Apague" not in json.dumps(event.payload) for event in session.scalars(select(ChannelEvent)))

    telegram_post(app_client, telegram_text("Oi de novo", 30004))
    deliver(app_client)
    with _db(app_client).session() as session:
        (conversation,) = session.scalars(select(Conversation)).all()
        assert conversation.messages[0].text == "Oi de novo"
    assert fake_rasa.sent[-1]["message"] == "Oi de novo"


def test_line_export_link_is_sent_once_and_kept_masked(
    app_client: TestClient, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    line_post(app_client, line_body(line_text("Gửi dữ liệu của tôi cho tôi", "01HPRIVACY0000000000000001")))
    deliver(app_client)
    postback = line_event("postback", event_id="01HPRIVACY0000000000000002")
    postback["postback"]["data"] = '/privacy_confirm{"action": "export"}'
    line_post(app_client, line_body(postback))
    deliver(app_client)
    sent = fake_line.sent_texts()
    match = re.search(r"/privacy/download/([A-Za-z0-9_-]+)", sent[-1])
    assert match is not None, sent
    token = match.group(1)
    with _db(app_client).session() as session:
        stored = json.dumps([m.text for m in session.scalars(select(Message))], ensure_ascii=False)
        bodies = json.dumps([row.body for row in session.scalars(select(OutboxMessage))], ensure_ascii=False)
    assert token not in stored and "/privacy/download/••••••••" in stored
    assert token not in bodies  # masked again once delivered
    assert app_client.post(f"/privacy/download/{token}").status_code == 200
    assert fake_rasa.sent == []
    assert len(fake_line.calls(r"/v2/bot/message/reply$")) == 2  # each answer used its event's reply token
