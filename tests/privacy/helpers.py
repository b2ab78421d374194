"""Rows for the privacy tests, written straight into the stores with chosen ages."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from api.channels.models import ChannelEvent, OutboxMessage
from api.conversations.models import Conversation, Message
from api.core.clock import utcnow
from api.fce.models import FceCase, FceCaseEvent
from api.knowledge.models import Answer

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def db(client: TestClient) -> Any:
    app: Any = client.app
    return app.state.services.db


def ago(days: float) -> datetime:
    return utcnow() - timedelta(days=days)


def line_conversation(client: TestClient, user_id: str, age_days: float, text: str = "my passport number") -> str:
    """A LINE conversation whose last message is `age_days` old, with its raw event, outbox row and answer."""
    when = ago(age_days)
    with db(client).session() as session:
        conversation = Conversation(
            channel="line", channel_user_id=user_id, language="en", created_at=when, updated_at=when
        )
        session.add(conversation)
        session.flush()
        session.add(Message(conversation_id=conversation.id, role="user", text=text, language="en", created_at=when))
        session.add(
            Answer(conversation_id=conversation.id, question=text, language="en", feedback="down", created_at=when)
        )
        session.add(
            ChannelEvent(
                channel="line",
                external_id=f"ev-{user_id}-{age_days}",
                lane=0,
                status="done",
                payload={"source": {"type": "user", "userId": user_id}, "message": {"text": text}},
                received_at=when,
            )
        )
        session.add(
            OutboxMessage(
                channel="line",
                conversation_id=conversation.id,
                destination=user_id,
                kind="line_messages",
                body={"messages": [{"type": "text", "text": "reply"}]},
                status="sent",
                created_at=when,
            )
        )
        return conversation.id


def age_case(client: TestClient, reference: str, status: str, days: float) -> None:
    """Close (or evaluate) a case `days` ago, without going through the workflow."""
    when = ago(days)
    with db(client).session() as session:
        case_id = session.scalar(select(FceCase.id).where(FceCase.reference == reference))
        session.execute(update(FceCase).where(FceCase.id == case_id).values(status=status, updated_at=when))
        session.add(FceCaseEvent(case_id=case_id, from_status="submitted", to_status=status, actor="x", at=when))


def upload(client: TestClient, case: dict[str, str], content: bytes = PDF) -> None:
    response = client.post(
        f"/api/v1/fce/cases/{case['reference']}/documents",
        headers={"X-Access-Code": case["access_code"]},
        files={"file": ("diploma.pdf", content, "application/pdf")},
    )
    assert response.status_code == 201, response.text
