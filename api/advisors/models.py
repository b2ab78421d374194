"""The advisor desk's tables: each stay in the queue and internal notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.auth import models as _users_tables  # noqa: F401 - registers the users table our foreign keys name
from api.conversations import models as _conversations_tables  # noqa: F401 - registers the conversations table our foreign keys name
from api.core.clock import utcnow
from api.db.base import Base


class Handoff(Base):
    """One stay in the queue and what followed: the unit the stats page counts."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    # Outside office hours or with nobody online the user is asked to leave a message; the queue
    # lists those first so the first advisor back answers them before newer arrivals.
    left_message: Mapped[bool] = mapped_column(Boolean, default=False)
    # The bot's recent intents and topics, so the advisor does not ask again.
    context: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    # A transfer names the colleague who should pick the conversation up next.
    transfer_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    outcome: Mapped[str | None] = mapped_column(String(16), default=None)
    rating: Mapped[int | None] = mapped_column(Integer, default=None)

    __table_args__ = (Index("ix_handoffs_conversation", "conversation_id", "id"),)


class AdvisorNote(Base):
    """Internal notes: never part of the user's history."""

    __tablename__ = "advisor_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_advisor_notes_conversation", "conversation_id", "id"),)
