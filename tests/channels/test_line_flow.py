"""LINE events handled end to end against the fake LINE API: reply vs push, limits, retries, alerts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.channels.models import OutboxMessage
from api.conversations.models import Conversation, Message
from api.core.clock import utcnow
from tests.api.conftest import FakeRasa
from tests.channels.conftest import deliver, line_post
from tests.channels.fakes import FakeLine
from tests.channels.payloads import LINE_USER, line_body, line_event, line_text


def conversation_of(client: TestClient) -> Conversation:
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        row = session.scalars(select(Conversation).where(Conversation.channel_user_id == LINE_USER)).one()
        session.expunge(row)
        return row


def outbox(client: TestClient) -> list[OutboxMessage]:
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        rows = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        for row in rows:
            session.expunge(row)
        return rows


def test_follow_welcomes_in_the_profile_language_with_a_language_menu(
    app_client: TestClient, fake_line: FakeLine
) -> None:
    line_post(app_client, line_body(line_event("follow")))
    deliver(app_client)
    conversation = conversation_of(app_client)
    assert conversation.channel == "line"
    assert conversation.language == "vi"  # from the fake profile
    replies = fake_line.calls(r"/v2/bot/message/reply$")
    assert len(replies) == 1 and not fake_line.calls(r"/push$")
    body = replies[0].body
    assert body["replyToken"] == "b60d432864f44d079f6d8efe86cf404b"
    assert replies[0].headers["authorization"] == "Bearer line-access-token"
    welcome, menu = body["messages"]
    assert "Kakehashi" in welcome["text"] and "Chào mừng" in welcome["text"]
    items = menu["quickReply"]["items"]
    assert [i["action"]["data"] for i in items][:2] == [
        '/set_language{"language": "ja"}',
        '/set_language{"language": "en"}',
    ]
    assert all(len(i["action"]["label"]) <= 20 for i in items)


def test_a_text_message_goes_to_the_bot_and_the_answer_uses_the_reply_token(
    app_client: TestClient, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    fake_rasa.replies = [{"text": "Bạn có thể xin visa Kỹ sư."}]
    line_post(app_client, line_body(line_event("text")))
    deliver(app_client)
    assert fake_rasa.sent[0]["message"] == "Tôi muốn làm việc ở Nhật"
    assert fake_rasa.sent[0]["metadata"]["channel"] == "line"
    reply = fake_line.calls(r"/reply$")[0].body
    assert reply["replyToken"] == "757913772c4646b784d4b7ce46d12671"
    assert reply["messages"] == [{"type": "text", "text": "Bạn có thể xin visa Kỹ sư."}]
    with app_client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        roles = [m.role for m in session.scalars(select(Message).order_by(Message.id))]
    assert roles == ["user", "bot"]


def test_a_redelivered_event_is_handled_once(app_client: TestClient, fake_line: FakeLine, fake_rasa: FakeRasa) -> None:
    event = line_text("xin chào", "01HXONCE00000000000000001")
    line_post(app_client, line_body(event))
    deliver(app_client)
    line_post(app_client, line_body(event))
    deliver(app_client)
    assert len(fake_rasa.sent) == 1
    assert len(fake_line.calls(r"/message/(reply|push)$")) == 1


def test_an_expired_reply_token_falls_back_to_a_push_with_a_retry_key(
    app_client: TestClient, fake_line: FakeLine
) -> None:
    line_post(app_client, line_body(line_text("hello there", "01HXOLD000000000000000001", age_seconds=120)))
    deliver(app_client)
    assert not fake_line.calls(r"/reply$")
    push = fake_line.calls(r"/push$")[0]
    assert push.body["to"] == LINE_USER
    assert len(push.headers["x-line-retry-key"]) == 36


def test_a_refused_reply_token_is_pushed_instead(app_client: TestClient, fake_line: FakeLine) -> None:
    fake_line.script(r"/reply$", 400, {"message": "Invalid reply token"})
    line_post(app_client, line_body(line_text("hello there", "01HXREFUSED00000000000001")))
    deliver(app_client)
    assert len(fake_line.calls(r"/reply$")) == 1
    assert len(fake_line.calls(r"/push$")) == 1


def test_a_postback_is_the_button_payload_with_its_title_as_text(
    app_client: TestClient, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    line_post(app_client, line_body(line_event("follow")))
    deliver(app_client)
    line_post(app_client, line_body(line_event("postback")))
    deliver(app_client)
    assert fake_rasa.sent[-1]["message"] == '/set_language{"language": "vi"}'
    with app_client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        last_user = session.scalars(select(Message).where(Message.role == "user").order_by(Message.id.desc())).first()
        assert last_user is not None and last_user.text == "Tiếng Việt"


def test_a_forged_postback_is_refused_politely(
    app_client: TestClient, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    for index, data in enumerate(['/nonexistent_intent{"x": 1}', "k:0000000000000000000f", "<script>"]):
        event = line_event("postback", event_id=f"01HXFORGED{index:016d}")
        event["postback"] = {"data": data}
        line_post(app_client, line_body(event))
    deliver(app_client)
    assert fake_rasa.sent == []
    texts = fake_line.sent_texts()
    assert len(texts) == 3 and all("Nút này" in t for t in texts)  # Vietnamese, from the profile


def test_stickers_images_audio_and_locations_get_please_type(
    app_client: TestClient, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    line_post(app_client, line_body(*(line_event(n) for n in ("sticker", "image", "audio", "location"))))
    deliver(app_client)
    assert fake_rasa.sent == []
    texts = fake_line.sent_texts()
    assert len(texts) == 4
    assert all("Vui lòng gõ câu hỏi" in t for t in texts)


def test_groups_and_unfollow_are_not_answered(app_client: TestClient, fake_line: FakeLine, fake_rasa: FakeRasa) -> None:
    line_post(app_client, line_body(line_event("group_text"), line_event("unfollow")))
    deliver(app_client)
    assert fake_rasa.sent == [] and fake_line.requests == []


def test_limits_quick_replies_message_count_and_text_length(
    app_client: TestClient, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    long_text = "\n\n".join(f"Paragraph {i}: " + "word " * 300 for i in range(6))  # ~9,700 characters
    buttons = [{"title": f"A very long button title number {i}", "payload": "/greet"} for i in range(16)]
    fake_rasa.replies = (
        [{"text": long_text}] + [{"text": f"short {i}"} for i in range(4)] + [{"text": "choose", "buttons": buttons}]
    )
    line_post(app_client, line_body(line_text("many answers please", "01HXLIMITS000000000000001")))
    deliver(app_client)
    reply = fake_line.calls(r"/reply$")
    push = fake_line.calls(r"/push$")
    assert len(reply) == 1 and len(push) == 1
    first, rest = reply[0].body["messages"], push[0].body["messages"]
    assert len(first) == 5 and len(rest) == 2  # 2 pieces of the long text + 4 short + 1 with buttons
    assert all(len(m["text"]) <= 5000 for m in first + rest)
    assert first[0]["text"].startswith("Paragraph 0") and first[1]["text"].startswith(
        "Paragraph"
    )  # split on a paragraph
    items = rest[-1]["quickReply"]["items"]
    assert len(items) == 13
    assert all(len(i["action"]["label"]) <= 20 for i in items)
    assert items[0]["action"]["label"].endswith("…")
    assert items[0]["action"]["displayText"] == "A very long button title number 0"


def test_long_payloads_travel_as_keys_and_come_back(
    app_client: TestClient, fake_line: FakeLine, fake_rasa: FakeRasa
) -> None:
    payload = '/feedback{"answer_id": 1, "value": "' + "x" * 320 + '"}'
    fake_rasa.replies = [{"text": "useful?", "buttons": [{"title": "Yes", "payload": payload}]}]
    line_post(app_client, line_body(line_text("question", "01HXLONGPAYLOAD0000000001")))
    deliver(app_client)
    data = fake_line.calls(r"/reply$")[0].body["messages"][0]["quickReply"]["items"][0]["action"]["data"]
    assert data.startswith("k:") and len(data) <= 300
    event = line_event("postback", event_id="01HXLONGPAYLOADBACK000001")
    event["postback"] = {"data": data}
    line_post(app_client, line_body(event))
    deliver(app_client)
    assert fake_rasa.sent[-1]["message"] == payload


def test_5xx_is_retried_with_the_same_retry_key_then_delivered(app_client: TestClient, fake_line: FakeLine) -> None:
    fake_line.script(r"/push$", 500, {"message": "oops"})
    fake_line.script(r"/push$", 503, {"message": "busy"})
    line_post(app_client, line_body(line_text("hello", "01HX5XX000000000000000001", age_seconds=120)))
    deliver(app_client)
    pushes = fake_line.calls(r"/push$")
    assert len(pushes) == 3
    assert len({p.headers["x-line-retry-key"] for p in pushes}) == 1
    assert [r.status for r in outbox(app_client)] == ["sent"]


def test_429_waits_for_retry_after(app_client: TestClient, fake_line: FakeLine) -> None:
    fake_line.script(r"/push$", 429, {"message": "rate limited"}, headers={"Retry-After": "30"})
    line_post(app_client, line_body(line_text("hello", "01HX429000000000000000001", age_seconds=120)))
    channels = app_client.app.state.services.channels  # type: ignore[attr-defined]
    channels.workers.process_available()
    before = utcnow()
    channels.outbox.drain(timeout=1)
    (row,) = outbox(app_client)
    assert row.status == "pending" and row.attempts == 1
    wait = row.next_attempt_at.replace(tzinfo=before.tzinfo) - before
    assert timedelta(seconds=29) <= wait <= timedelta(seconds=31)
    assert len(fake_line.calls(r"/push$")) == 1  # not hammered while waiting


def test_a_send_that_keeps_failing_becomes_a_console_alert(
    app_client: TestClient, fake_line: FakeLine, advisor: dict[str, Any]
) -> None:
    for _ in range(3):
        fake_line.script(r"/push$", 502, {"message": "bad gateway"})
    line_post(app_client, line_body(line_text("hello", "01HXALERT0000000000000001", age_seconds=120)))
    deliver(app_client)
    (row,) = outbox(app_client)
    assert row.status == "failed" and row.attempts == 3
    alerts = app_client.get("/api/v1/advisor/alerts", headers=advisor["headers"]).json()["alerts"]
    assert [a["id"] for a in alerts] == [row.id]
    assert alerts[0]["channel"] == "line" and "502" in alerts[0]["error"]
    # The platform is back: an advisor retries, and the message arrives.
    retried = app_client.post(f"/api/v1/advisor/alerts/{row.id}/retry", headers=advisor["headers"])
    assert retried.status_code == 200
    deliver(app_client)
    assert outbox(app_client)[0].status == "sent"
    again = app_client.post(f"/api/v1/advisor/alerts/{row.id}/retry", headers=advisor["headers"])
    assert again.status_code == 409
    assert app_client.get("/api/v1/advisor/alerts").status_code == 401


def test_a_4xx_refusal_fails_at_once_and_can_be_dismissed(
    app_client: TestClient, fake_line: FakeLine, advisor: dict[str, Any]
) -> None:
    fake_line.script(r"/push$", 403, {"message": "not a friend"})
    line_post(app_client, line_body(line_text("hello", "01HX403000000000000000001", age_seconds=120)))
    deliver(app_client)
    (row,) = outbox(app_client)
    assert row.status == "failed" and row.attempts == 1
    done = app_client.post(f"/api/v1/advisor/alerts/{row.id}/acknowledge", headers=advisor["headers"])
    assert done.status_code == 200
    assert app_client.get("/api/v1/advisor/alerts", headers=advisor["headers"]).json()["alerts"] == []


@pytest.mark.parametrize("alert_id", ["0", "-1", str(2**31), str(2**63), "abc"])
@pytest.mark.parametrize("action", ["acknowledge", "retry"])
def test_an_alert_id_no_row_can_have_is_a_422_naming_it(
    app_client: TestClient, advisor: dict[str, Any], action: str, alert_id: str
) -> None:
    answer = app_client.post(f"/api/v1/advisor/alerts/{alert_id}/{action}", headers=advisor["headers"])
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["path", "alert_id"]


def test_an_alert_that_does_not_exist_is_a_404(app_client: TestClient, advisor: dict[str, Any]) -> None:
    answer = app_client.post(f"/api/v1/advisor/alerts/{2**31 - 1}/acknowledge", headers=advisor["headers"])
    assert answer.status_code == 404


def test_an_accepted_event_survives_a_restart(
    settings: Any, channel_settings: Any, fake_rasa: FakeRasa, fake_line: FakeLine
) -> None:
    from api.main import create_app

    settings.channel_workers = False
    first = create_app(settings, channel_settings=channel_settings)
    with TestClient(first) as client:
        assert line_post(client, line_body(line_text("still there?", "01HXRESTART00000000000001"))).status_code == 200
    first.state.services.channels.stop()  # the process dies before handling it
    assert fake_rasa.sent == []

    settings.channel_workers = True  # the next process starts its workers and finds the event
    second = create_app(settings, channel_settings=channel_settings)
    second.state.services.rasa = second.state.services.conversations.rasa = fake_rasa
    import time

    with TestClient(second):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not fake_line.calls(r"/message/(reply|push)$"):
            time.sleep(0.05)
    assert [s["message"] for s in fake_rasa.sent] == ["still there?"]
    assert fake_line.calls(r"/message/(reply|push)$")
