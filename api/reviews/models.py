"""The review feature's table: one row per "mark reviewed", never updated (the latest row per article counts).

Review state lives in the database, not in the article files: a running service cannot write its own
content (the image is read-only and several workers share it), and the history (who, when, against
which English text) is worth keeping. The files' `review_status: reviewed` still counts as the seed
until the first review in the database names that article.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.auth import models as _auth_tables  # noqa: F401 - registers the users table our foreign key names
from api.core.clock import utcnow
from api.db.base import Base


class ArticleReview(Base):
    __tablename__ = "article_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The English revision the reviewer compared against, and the reviewed text's own revision
    # (knowledge_base/translations.py): a later change to either makes the review stale.
    source_hash: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(16))
    # The English text at source_hash, so the next reviewer sees what changed since this review.
    source_text: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_article_reviews_article", "topic_id", "language", "id"),)
