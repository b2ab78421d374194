"""Conversation tables. The api is the system of record: every conversation and message lives here,
with one row per change of owner (the state machine in states.py writes those)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.auth import models as _users_tables  # noqa: F401 - registers the users table our foreign keys name
from api.core.clock import utcnow
from api.db.base import Base, new_id


class ConversationState(enum.StrEnum):
    """Who owns the conversation. Only `bot` conversations reach Rasa."""

    BOT = "bot"
    WAITING = "waiting"
    ADVISOR = "advisor"
    CLOSED = "closed"


class MessageRole(enum.StrEnum):
    USER = "user"
    BOT = "bot"
    ADVISOR = "advisor"
    SYSTEM = "system"


class LanguageSource(enum.StrEnum):
    """Why the conversation has its language; an explicit choice is never overridden by detection."""

    EXPLICIT = "explicit"
    CHANNEL = "channel"
    DETECTED = "detected"
    DEFAULT = "default"


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    channel: Mapped[str] = mapped_column(String(16))
    channel_user_id: Mapped[str | None] = mapped_column(String(128), default=None)
    language: Mapped[str] = mapped_column(String(8))
    language_source: Mapped[str] = mapped_column(String(16), default=LanguageSource.DEFAULT.value)
    # The language last mirrored into Rasa's `language` slot; compared to skip redundant updates.
    rasa_language: Mapped[str | None] = mapped_column(String(8), default=None)
    state: Mapped[str] = mapped_column(String(16), default=ConversationState.BOT.value)
    token_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation", order_by="Message.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_conversations_channel_user", "channel", "channel_user_id"),
        Index("ix_conversations_state", "state"),
    )


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    # Buttons, sources and other structured parts of a reply, exactly as the widget shows them.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # For user messages: "answered", or "bot_unavailable" when Rasa failed (kept for an advisor).
    status: Mapped[str] = mapped_column(String(24), default="answered")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # For a person's message that came through the inbox: its event's key ("line:<inbox id>",
    # api/core/event_key.py). Unique, so an event handled again after a crash is recognised, not stored twice.
    source_event: Mapped[str | None] = mapped_column(String(48), default=None)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")

    __table_args__ = (
        Index("ix_messages_conversation_id_id", "conversation_id", "id"),
        Index("uq_messages_source_event", "source_event", unique=True),
    )


class OwnershipEvent(Base):
    """One row per owner change: who moved the conversation, when, and why."""

    __tablename__ = "ownership_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    # "user", "bot", "system" or "advisor"; the advisor's id is in user_id.
    actor: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    reason: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_ownership_events_conversation", "conversation_id", "id"),)


class TurnSecret(Base):
    """An access code in flight for one turn of one conversation (api/conversations/secrets.py): the code
    a person just typed, on its way to the status check, or the code a chat application was just issued,
    on its way to its one delivery. Encrypted, deleted when the turn ends, never older than a minute.
    Also a credential pasted in the chat, waiting (15 minutes at most) for "Add to my application"."""

    __tablename__ = "turn_secrets"

    conversation_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
