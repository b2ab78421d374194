"""Tables. The api is the system of record: every conversation and message lives here."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON}


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

    conversation: Mapped[Conversation] = relationship(back_populates="messages")

    __table_args__ = (Index("ix_messages_conversation_id_id", "conversation_id", "id"),)


class Answer(Base):
    """One knowledge answer the bot gave, with the user's feedback on it.

    Kept so advisors can see which questions went unanswered or were voted down, per language.
    """

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    topic_id: Mapped[str | None] = mapped_column(String(64), default=None)
    score: Mapped[float | None] = mapped_column(Float, default=None)
    confident: Mapped[bool] = mapped_column(default=False)
    feedback: Mapped[str | None] = mapped_column(String(8), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_answers_language_created", "language", "created_at"),)


# Feature tables register on the same Base so Alembic and the migration test see them.
from api.advisors import models as _advisor_models  # noqa: E402,F401
from api.channels import models as _channel_models  # noqa: E402,F401
from api.fce import models as _fce_models  # noqa: E402,F401
from api.records import models as _records_models  # noqa: E402,F401
