"""The applicant hears of every status change: in the chat they applied from, and by e-mail when SMTP is set."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from api.core.config import REPO_ROOT
from api.core.i18n import Catalogs
from api.fce.config import MailSettings
from api.fce.feature import Fce
from api.fce.notify import Notifier, StatusNotice
from api.fce.workflow import Status
from knowledge_base.language import LANGUAGES
from tests.fce.conftest import INTERNAL, application, create, evaluation, move

CATALOGS = Catalogs(REPO_ROOT / "locales")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=default))
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def inbox(client: TestClient) -> Iterator[Inbox]:
    """An SMTP server on a loopback port, configured as the app's SMTP_URL."""
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app: Any = client.app
    app.state.services.fce_mail = MailSettings(url=f"smtp://127.0.0.1:{port}", from_="fce@kakehashi.example")
    try:
        yield handler
    finally:
        controller.stop()


def body_of(message: Message) -> str:
    part = message.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
    assert part is not None
    text: str = part.get_content()
    return text


def test_email_in_the_applicants_language_after_each_change(
    client: TestClient, fce: Fce, evaluator: dict[str, Any], inbox: Inbox
) -> None:
    case = create(client, preferred_language="pt", email="Ana@Example.COM")
    ref = case["reference"]
    response = client.post(
        f"/api/v1/evaluator/cases/{ref}/request-documents",
        json={"message": "Envie o histórico escolar oficial."},
        headers=evaluator["headers"],
    )
    assert response.status_code == 200
    assert len(inbox.messages) == 1
    sender, recipients, message = inbox.messages[0]
    assert sender == "fce@kakehashi.example" and recipients == ["Ana@example.com"]
    assert message["Subject"] == CATALOGS.gettext("fce.mail.subject", "pt", reference=ref)
    text = body_of(message)
    assert CATALOGS.gettext("fce.notify.documents_requested", "pt", reference=ref) in text
    assert "Envie o histórico escolar oficial." in text
    assert "/fce/status?lang=pt" in text
    assert case["access_code"] not in text  # the code is never sent anywhere
    for step in ("documents_received", "under_evaluation"):
        move(client, evaluator, ref, step)
    client.put(f"/api/v1/evaluator/cases/{ref}/evaluation", json=evaluation(), headers=evaluator["headers"])
    move(client, evaluator, ref, "evaluated")
    assert len(inbox.messages) == 4
    assert CATALOGS.gettext("fce.notify.evaluated", "pt", reference=ref) in body_of(inbox.messages[-1][2])


def test_chat_case_is_told_in_its_conversation(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    conversation = client.post("/api/v1/widget/conversations", json={"locale": "ne"}).json()
    body = {key: value for key, value in application(preferred_language="ne").items() if key != "email"}
    created = client.post(
        "/internal/v1/fce/cases", json={**body, "conversation_id": conversation["conversation_id"]}, headers=INTERNAL
    )
    assert created.status_code == 201
    ref = created.json()["reference"]
    move(client, evaluator, ref, "closed", close_reason="withdrawn", reason="आवेदकले फिर्ता लिनुभयो")
    history = client.get(
        f"/api/v1/widget/conversations/{conversation['conversation_id']}/messages",
        headers={"Authorization": f"Bearer {conversation['token']}"},
    ).json()
    messages = history["messages"] if isinstance(history, dict) else history
    notices = [m for m in messages if m["role"] == "system"]
    assert len(notices) == 1
    assert CATALOGS.gettext("fce.notify.closed_withdrawn", "ne", reference=ref) in notices[0]["text"]
    assert "आवेदकले फिर्ता लिनुभयो" in notices[0]["text"]


def test_mail_failure_never_fails_the_change_and_logs_no_personal_data(
    client: TestClient, fce: Fce, evaluator: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    app: Any = client.app
    app.state.services.fce_mail = MailSettings(url=f"smtp://127.0.0.1:{free_port()}", from_="fce@kakehashi.example")
    case = create(client, email="secret.person@example.com", name="Secret Person")
    with caplog.at_level(logging.WARNING, logger="api.fce"):
        response = move(client, evaluator, case["reference"], "documents_received")
    assert response.status_code == 200
    assert client.get(f"/api/v1/evaluator/cases/{case['reference']}", headers=evaluator["headers"]).json()[
        "status"
    ] == ("documents_received")
    warnings = [r for r in caplog.records if r.name.startswith("api.fce") and r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "ConnectionRefusedError" in warnings[0].getMessage()
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "secret.person" not in logged and "Secret Person" not in logged


def test_no_smtp_url_means_no_mail(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    app: Any = client.app
    app.state.services.fce_mail = MailSettings(url="", from_="")
    sent: list[Any] = []
    notifier = Notifier(
        CATALOGS,
        app.state.services.conversations,
        app.state.services.fce_mail,
        "http://x",
        send=lambda *a: sent.append(a),
    )
    notice = StatusNotice("FCE-2026-000001", "evaluated", None, "ja", None, "a@example.com", None)
    notifier.deliver(notice)
    assert sent == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_status_change_has_a_text_in_every_language(language: str) -> None:
    notifier = Notifier(CATALOGS, None, MailSettings(url="", from_=""), "https://kakehashi.example/")  # type: ignore[arg-type]
    changes = [(s.value, None) for s in Status if s not in (Status.SUBMITTED, Status.CLOSED)]
    changes += [("closed", "withdrawn"), ("closed", "rejected")]
    for status, closed_reason in changes:
        notice = StatusNotice("FCE-2026-000001", status, closed_reason, language, None, None, "msg")
        text = notifier.text(notice)
        assert "FCE-2026-000001" in text and "{" not in text and "fce." not in text
        assert f"https://kakehashi.example/fce/status?lang={language}" in text
    for key in ("fce.mail.subject", "fce.mail.footer"):
        assert CATALOGS.has(key, language)


def test_an_evaluators_question_hands_the_chat_to_people(
    client: TestClient, fce: Fce, evaluator: dict[str, Any], fake_rasa: Any
) -> None:
    conversation = client.post("/api/v1/widget/conversations", json={"locale": "vi"}).json()
    auth = {"Authorization": f"Bearer {conversation['token']}"}
    body = {key: value for key, value in application().items() if key != "email"}
    created = client.post(
        "/internal/v1/fce/cases", json={**body, "conversation_id": conversation["conversation_id"]}, headers=INTERNAL
    )
    ref = created.json()["reference"]
    asked = client.post(
        f"/api/v1/evaluator/cases/{ref}/request-documents",
        json={"message": "Bạn có bảng điểm năm cuối không?"},
        headers=evaluator["headers"],
    )
    assert asked.status_code == 200
    url = f"/api/v1/widget/conversations/{conversation['conversation_id']}/messages"
    history = client.get(url, headers=auth).json()
    assert history["state"] == "waiting"  # the applicant's answer goes to people, not the bot
    notice = next(m for m in history["messages"] if m["role"] == "system")["text"]
    assert "Bạn có bảng điểm năm cuối không?" in notice
    assert CATALOGS.gettext("fce.notify.reply_here", "vi") in notice
    sent_before = len(fake_rasa.sent)
    reply = client.post(url, json={"text": "Có, tôi sẽ gửi bảng điểm ngay."}, headers=auth)
    assert reply.json()["state"] == "waiting"
    assert len(fake_rasa.sent) == sent_before


def test_a_closing_reason_is_not_a_question(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    conversation = client.post("/api/v1/widget/conversations", json={"locale": "en"}).json()
    body = {key: value for key, value in application(preferred_language="en").items() if key != "email"}
    created = client.post(
        "/internal/v1/fce/cases", json={**body, "conversation_id": conversation["conversation_id"]}, headers=INTERNAL
    )
    ref = created.json()["reference"]
    move(client, evaluator, ref, "closed", close_reason="rejected", reason="The institution is not recognised.")
    history = client.get(
        f"/api/v1/widget/conversations/{conversation['conversation_id']}/messages",
        headers={"Authorization": f"Bearer {conversation['token']}"},
    ).json()
    assert history["state"] == "bot"
