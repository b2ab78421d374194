"""An advisor's reply from the console reaches a LINE user and a Telegram chat, in order, by push."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.conversations.models import Conversation
from tests.api.conftest import FakeRasa
from tests.channels.conftest import deliver, line_post, telegram_post
from tests.channels.fakes import FakeLine, FakeTelegram
from tests.channels.payloads import line_body, line_text, telegram_text

INTERNAL = {"Authorization": "Bearer test-internal-token"}


def _claim(client: TestClient, channel: str, advisor: dict[str, Any]) -> str:
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        conversation_id = session.scalars(select(Conversation.id).where(Conversation.channel == channel)).one()
    handoff = client.post(
        f"/internal/v1/conversations/{conversation_id}/handoff",
        json={"reason": "request_human", "intents": ["request_human"]},
        headers=INTERNAL,
    )
    assert handoff.status_code == 200, handoff.text
    claimed = client.post(f"/api/v1/advisor/conversations/{conversation_id}/claim", headers=advisor["headers"])
    assert claimed.status_code == 200, claimed.text
    return str(conversation_id)


def test_an_advisor_reply_reaches_the_line_user(
    app_client: TestClient, fake_line: FakeLine, fake_rasa: FakeRasa, advisor: dict[str, Any]
) -> None:
    line_post(app_client, line_body(line_text("Tôi cần nói chuyện với người thật", "01HXADVISOR00000000000001")))
    deliver(app_client)
    conversation_id = _claim(app_client, "line", advisor)
    deliver(app_client)  # the "an advisor has joined" notice
    before = len(fake_line.calls(r"/push$"))
    sent = app_client.post(
        f"/api/v1/advisor/conversations/{conversation_id}/messages",
        json={"text": "Xin chào, tôi là Aiko. <b>Tôi</b> có thể giúp gì?"},
        headers=advisor["headers"],
    )
    assert sent.status_code == 200
    deliver(app_client)
    pushes = fake_line.calls(r"/push$")[before:]
    assert len(pushes) == 1
    (message,) = pushes[0].body["messages"]
    assert message["text"] == "Aiko (tư vấn viên):\nXin chào, tôi là Aiko. <b>Tôi</b> có thể giúp gì?"
    # While the advisor owns the conversation, what the user writes reaches the advisor, not the bot.
    bot_calls = len(fake_rasa.sent)
    line_post(app_client, line_body(line_text("Cảm ơn chị", "01HXADVISOR00000000000002")))
    deliver(app_client)
    assert len(fake_rasa.sent) == bot_calls
    transcript = app_client.get(
        f"/api/v1/advisor/conversations/{conversation_id}/transcript", headers=advisor["headers"]
    ).json()
    assert "Cảm ơn chị" in [m["text"] for m in transcript["messages"]]


def test_an_advisor_reply_reaches_the_telegram_chat_escaped(
    app_client: TestClient, fake_telegram: FakeTelegram, advisor: dict[str, Any]
) -> None:
    telegram_post(app_client, telegram_text("Quero falar com uma pessoa", 30001))
    deliver(app_client)
    conversation_id = _claim(app_client, "telegram", advisor)
    app_client.post(
        f"/api/v1/advisor/conversations/{conversation_id}/messages",
        json={"text": "Olá! Sou a Aiko <advisor> & vou ajudar."},
        headers=advisor["headers"],
    )
    deliver(app_client)
    last = fake_telegram.sent()[-1]
    assert last["text"] == "<b>Aiko (atendente):</b>\nOlá! Sou a Aiko &lt;advisor&gt; &amp; vou ajudar."
    # Handing back tells the user in their language, on Telegram too.
    app_client.post(f"/api/v1/advisor/conversations/{conversation_id}/handback", headers=advisor["headers"])
    deliver(app_client)
    assert len(fake_telegram.sent()) > 0 and fake_telegram.sent()[-1]["text"] != last["text"]
