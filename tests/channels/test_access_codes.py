"""A code issued to a LINE applicant (issue #15, item 5): the push carries it once; the stored bot
message and, once sent, the outbox row keep it masked."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.channels.models import OutboxMessage
from api.conversations.models import Message
from api.conversations.secrets import MASKED_CODE, SHOWN_CODE
from tests.channels.conftest import deliver, line_post
from tests.channels.fakes import FakeLine
from tests.channels.payloads import line_body, line_text
from tests.chat_flows.test_access_codes import ActingRasa, _chat_application


def test_a_line_applicant_gets_the_code_once_and_nothing_keeps_it(app_client: TestClient, fake_line: FakeLine) -> None:
    app: Any = app_client.app
    app.state.services.conversations.rasa = ActingRasa(app_client, _chat_application)
    line_post(app_client, line_body(line_text("yes, send it", "01HXCODE00000000000000001")))
    deliver(app_client)
    [sent] = fake_line.calls(r"/message/(reply|push)$")
    text = sent.body["messages"][0]["text"]
    shown = SHOWN_CODE.search(text)
    assert shown is not None, text  # delivered with the real code
    code = shown.group(0)
    with app.state.services.db.session() as session:
        stored = [m.text for m in session.scalars(select(Message).where(Message.role == "bot"))]
        bodies = [row.body for row in session.scalars(select(OutboxMessage))]
    assert MASKED_CODE in stored[0] and code not in str(stored)
    assert code not in str(bodies) and MASKED_CODE in str(bodies)
