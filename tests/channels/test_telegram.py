"""Telegram: the secret token, updates and commands, HTML escaping, splitting, callbacks, retries."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.channels.models import ChannelEvent, OutboxMessage
from api.channels.telegram.__main__ import main as telegram_cli
from api.conversations.models import Conversation, Message
from tests.api.conftest import FakeRasa
from tests.channels.conftest import TELEGRAM_SECRET, TELEGRAM_TOKEN, deliver, telegram_post
from tests.channels.fakes import FakeTelegram
from tests.channels.payloads import TELEGRAM_CHAT, telegram_text, telegram_update


def stored_events(client: TestClient) -> int:
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        return int(session.scalar(select(func.count()).select_from(ChannelEvent)) or 0)


def conversation_of(client: TestClient) -> Conversation:
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        row = session.scalars(select(Conversation).where(Conversation.channel == "telegram")).one()
        session.expunge(row)
        return row


# -- the webhook -------------------------------------------------------------------------------


def test_the_secret_token_header_is_required(app_client: TestClient) -> None:
    update = telegram_update("text")
    assert telegram_post(app_client, update, secret=None).status_code == 401
    assert telegram_post(app_client, update, secret="").status_code == 401
    assert telegram_post(app_client, update, secret="wrong-secret").status_code == 401
    assert telegram_post(app_client, update, secret=TELEGRAM_SECRET + "x").status_code == 401
    assert stored_events(app_client) == 0
    assert telegram_post(app_client, update).status_code == 200
    assert stored_events(app_client) == 1


def test_malformed_and_oversized_updates_are_refused(app_client: TestClient) -> None:
    for body in (b"{nope", json.dumps([]).encode(), json.dumps({"update_id": "7"}).encode(), b"\xff"):
        response = telegram_post(app_client, body)
        assert response.status_code == 400, body
    huge = json.dumps(telegram_text("x" * 600_000, 1)).encode()
    assert telegram_post(app_client, huge).status_code == 413
    assert stored_events(app_client) == 0


def test_a_repeated_update_id_is_handled_once(
    app_client: TestClient, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    update = telegram_text("Olá", 20001)
    assert telegram_post(app_client, update).json() == {"stored": 1, "duplicates": 0}
    assert telegram_post(app_client, update).json() == {"stored": 0, "duplicates": 1}
    deliver(app_client)
    assert len(fake_rasa.sent) == 1
    assert len(fake_telegram.sent()) == 1


# -- meanings ----------------------------------------------------------------------------------


def test_start_welcomes_in_the_users_language_with_a_language_keyboard(
    app_client: TestClient, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    telegram_post(app_client, telegram_update("start"))
    deliver(app_client)
    assert conversation_of(app_client).language == "pt"  # language_code pt-br
    welcome, menu = fake_telegram.sent()
    assert welcome["chat_id"] == str(TELEGRAM_CHAT)
    assert "Bem-vindo" in welcome["text"] and welcome["parse_mode"] == "HTML"
    keyboard = menu["reply_markup"]["inline_keyboard"]
    assert [row[0]["callback_data"] for row in keyboard][-1] == '/set_language{"language": "pt"}'
    assert fake_rasa.sent == []  # /start is answered by the api, not sent to the bot


def test_callback_queries_are_answered_and_handled(
    app_client: TestClient, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    telegram_post(app_client, telegram_update("start"))
    deliver(app_client)
    telegram_post(app_client, telegram_update("callback"))
    deliver(app_client)
    answers = fake_telegram.calls(r"/answerCallbackQuery$")
    assert len(answers) == 1 and answers[0].body["callback_query_id"] == "4382bfdwdsb323b2d9"
    assert fake_rasa.sent[-1]["message"] == '/set_language{"language": "pt"}'
    with app_client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        texts = [m.text for m in session.scalars(select(Message).where(Message.role == "user"))]
    assert texts == ["Português"]


@pytest.mark.parametrize(
    ("command", "payload"),
    [("/human@KakehashiBot", "/request_human"), ("/language", "/change_language"), ("/status", "/check_case_status")],
)
def test_commands_become_bot_payloads(app_client: TestClient, fake_rasa: FakeRasa, command: str, payload: str) -> None:
    telegram_post(app_client, telegram_text(command, 20100))
    deliver(app_client)
    assert fake_rasa.sent[0]["message"] == payload


def test_help_lists_the_commands_in_the_users_language(app_client: TestClient, fake_telegram: FakeTelegram) -> None:
    telegram_post(app_client, telegram_text("/help", 20200))
    deliver(app_client)
    (sent,) = fake_telegram.sent()
    assert "/human" in sent["text"] and "Comandos" in sent["text"]


def test_a_slash_that_is_not_a_command_is_just_text(app_client: TestClient, fake_rasa: FakeRasa) -> None:
    telegram_post(app_client, telegram_text("/restart everything", 20300))
    deliver(app_client)
    assert not fake_rasa.sent[0]["message"].startswith("/")  # never read as an intent


@pytest.mark.parametrize("name", ["sticker", "photo", "voice", "location"])
def test_non_text_messages_get_please_type(
    app_client: TestClient, fake_telegram: FakeTelegram, fake_rasa: FakeRasa, name: str
) -> None:
    telegram_post(app_client, telegram_update(name))
    deliver(app_client)
    assert fake_rasa.sent == []
    (sent,) = fake_telegram.sent()
    assert "digite sua pergunta" in sent["text"]


def test_edits_and_group_chats_are_ignored(
    app_client: TestClient, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    telegram_post(app_client, telegram_update("edited"))
    telegram_post(app_client, telegram_update("group"))
    deliver(app_client)
    assert fake_rasa.sent == [] and fake_telegram.requests == []


def test_an_overlong_message_is_refused_in_the_users_language(
    app_client: TestClient, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    telegram_post(app_client, telegram_text("palavra " * 500, 20400))
    deliver(app_client)
    assert fake_rasa.sent == []
    assert "2000" in fake_telegram.sent()[0]["text"]


# -- rendering ---------------------------------------------------------------------------------


def test_html_is_escaped_and_sources_are_links(
    app_client: TestClient, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    fake_rasa.replies = [
        {
            "text": "Use <b>this</b> & <script>alert(1)</script>",
            "custom": {
                "kakehashi_reply": {
                    "text": "Use <b>this</b> & <script>alert(1)</script>",
                    "sources": [
                        {"topic_id": "t", "title": "ISA <guide>", "url": "https://www.moj.go.jp/isa/?a=1&b=2"},
                        {"topic_id": "x", "title": "bad", "url": "javascript:alert(1)"},
                    ],
                }
            },
        }
    ]
    telegram_post(app_client, telegram_text("fontes?", 20500))
    deliver(app_client)
    (sent,) = fake_telegram.sent()
    assert sent["text"].startswith("Use &lt;b&gt;this&lt;/b&gt; &amp; &lt;script&gt;")
    assert '<a href="https://www.moj.go.jp/isa/?a=1&amp;b=2">ISA &lt;guide&gt;</a>' in sent["text"]
    assert "javascript:" not in sent["text"]
    assert sent["link_preview_options"] == {"is_disabled": True}


def test_long_answers_are_split_on_paragraphs_with_the_keyboard_last(
    app_client: TestClient, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    text = "\n\n".join(f"Parágrafo {i}. " + "texto " * 250 for i in range(6))  # ~9,000 characters
    fake_rasa.replies = [{"text": text, "buttons": [{"title": "Sim", "payload": "/affirm"}]}]
    telegram_post(app_client, telegram_text("explique tudo", 20600))
    deliver(app_client)
    sent = fake_telegram.sent()
    assert len(sent) == 3
    assert all(len(s["text"]) <= 4096 for s in sent)
    assert all(s["text"].startswith("Parágrafo") for s in sent)  # every piece starts on a paragraph
    assert "".join(s["text"] for s in sent).count("Parágrafo") == 6
    assert [("reply_markup" in s) for s in sent] == [False, False, True]


def test_callback_data_over_64_bytes_travels_as_a_key(
    app_client: TestClient, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    payload = '/feedback{"answer_id": 12345, "value": "unhelpful-and-more-detail"}'
    assert len(payload.encode()) > 64
    fake_rasa.replies = [{"text": "Útil?", "buttons": [{"title": "Não", "payload": payload}]}]
    telegram_post(app_client, telegram_text("pergunta", 20700))
    deliver(app_client)
    data = fake_telegram.sent()[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert data.startswith("k:") and len(data.encode()) <= 64
    query = telegram_update("callback", 20701)
    query["callback_query"]["data"] = data
    telegram_post(app_client, query)
    deliver(app_client)
    assert fake_rasa.sent[-1]["message"] == payload


# -- reliability -------------------------------------------------------------------------------


def test_429_retry_after_is_honoured_then_delivered(app_client: TestClient, fake_telegram: FakeTelegram) -> None:
    fake_telegram.script(
        r"/sendMessage$",
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        },
    )
    telegram_post(app_client, telegram_text("olá", 20800))
    deliver(app_client)
    calls = fake_telegram.calls(r"/sendMessage$")
    assert len(calls) == 2  # waited about a second, then sent
    with app_client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "telegram_message")).one()
        assert row.status == "sent" and row.attempts == 2


def test_a_user_who_blocked_the_bot_raises_an_alert(
    app_client: TestClient, fake_telegram: FakeTelegram, advisor: dict[str, Any]
) -> None:
    fake_telegram.script(
        r"/sendMessage$", 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
    )
    telegram_post(app_client, telegram_text("olá", 20900))
    deliver(app_client)
    alerts = app_client.get("/api/v1/advisor/alerts", headers=advisor["headers"]).json()["alerts"]
    assert len(alerts) == 1 and alerts[0]["channel"] == "telegram" and alerts[0]["attempts"] == 1
    assert TELEGRAM_TOKEN not in json.dumps(alerts)


def test_set_webhook_registers_the_secret_token(
    channel_settings: Any, fake_telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", TELEGRAM_SECRET)
    monkeypatch.setenv("TELEGRAM_API_BASE", fake_telegram.url)
    assert telegram_cli(["set-webhook", "--url", "http://insecure.example/webhooks/telegram"]) == 2
    assert telegram_cli(["set-webhook", "--url", "https://kakehashi.example/webhooks/telegram"]) == 0
    (call,) = fake_telegram.calls(r"/setWebhook$")
    assert call.path == f"/bot{TELEGRAM_TOKEN}/setWebhook"
    assert call.body["url"] == "https://kakehashi.example/webhooks/telegram"
    assert call.body["secret_token"] == TELEGRAM_SECRET
    assert json.loads(call.body["allowed_updates"]) == ["message", "callback_query"]
    assert TELEGRAM_TOKEN not in capsys.readouterr().out
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    assert telegram_cli(["webhook-info"]) == 2


def test_the_bot_token_never_reaches_the_logs(
    app_client: TestClient, fake_telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    telegram_post(app_client, telegram_text("olá", 21000))
    deliver(app_client)
    assert fake_telegram.sent()  # a request to .../bot<token>/sendMessage was made and logged by httpx
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "sendMessage" in logged
    assert TELEGRAM_TOKEN not in logged and TELEGRAM_SECRET not in logged
    assert "[redacted]" in logged
