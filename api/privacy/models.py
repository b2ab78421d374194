"""The privacy feature's one table: download links for exports asked for in chat.

A link is a random token shown once (in the reply that carries it); only its sha256 is kept here,
with the conversation whose person it exports, when it stops working, and when it was used. The
archive itself is built when the link is used, never stored: an export holds the person's documents
decrypted, and a copy at rest would undo their encryption (api/fce/vault.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.conversations import models as _conversations_tables  # noqa: F401 - registers the table our foreign key names
from api.core.clock import utcnow
from api.db.base import Base


class ExportLink(Base):
    __tablename__ = "privacy_export_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The person is found from this conversation when the link is used (api/privacy/subjects.py); an
    # erasure or the retention purge of the conversation takes its links with it.
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
