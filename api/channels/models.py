"""Tables for the messaging channels: inbound events (the inbox), outbound sends (the outbox).

Both are the durable half of a webhook's promise: an event is stored before the platform gets its
200, and a send is stored before anything is attempted, so a restart or a platform outage loses
neither.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.conversations import models as _conversations_tables  # noqa: F401 - registers the conversations table our foreign keys name
from api.core.clock import utcnow
from api.db.base import Base


class EventStatus(enum.StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class ChannelEvent(Base):
    __tablename__ = "channel_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    # The platform's own id (LINE webhookEventId, Telegram update_id): redeliveries collide here.
    external_id: Mapped[str] = mapped_column(String(64))
    # Which worker handles it: derived from the user, so one user's events stay in order.
    lane: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=EventStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    error: Mapped[str | None] = mapped_column(String(200), default=None)

    __table_args__ = (
        UniqueConstraint("channel", "external_id", name="uq_channel_events_external"),
        Index("ix_channel_events_status_id", "status", "id"),
    )


class OutboxMessage(Base):
    __tablename__ = "channel_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    conversation_id: Mapped[str | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), default=None
    )
    # LINE user id or Telegram chat id: sends to one destination leave in order.
    destination: Mapped[str] = mapped_column(String(128))
    # "line_messages" (≤ 5 LINE messages), "telegram_message", "telegram_callback_answer".
    kind: Mapped[str] = mapped_column(String(32))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    reply_token: Mapped[str | None] = mapped_column(String(256), default=None)
    reply_token_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    # Sent as X-Line-Retry-Key: the same key on every attempt makes a retried push deliver once.
    retry_key: Mapped[str] = mapped_column(String(36), default=lambda: str(uuid.uuid4()))
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(300), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    # A failed send is an alert in the advisor console until someone acknowledges it.
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    __table_args__ = (
        Index("ix_channel_outbox_status_next", "status", "next_attempt_at"),
        Index("ix_channel_outbox_destination_id", "destination", "id"),
    )


class ButtonPayload(Base):
    """Telegram callback data holds ≤ 64 bytes: longer button payloads travel as a key to this row."""

    __tablename__ = "channel_button_payloads"

    key: Mapped[str] = mapped_column(String(24), primary_key=True)
    payload: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
