"""The knowledge feature's table: every answer the bot gave from the articles, and its feedback."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.conversations import models as _conversations_tables  # noqa: F401 - registers the conversations table our foreign keys name
from api.core.clock import utcnow
from api.db.base import Base


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
