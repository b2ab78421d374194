"""The consent_records table: one row per agreement a person gave.

Kept apart from the case and conversation tables so the proof of consent has one shape wherever it
was given (the FCE form, the chat's consent question), and so the privacy package can export and
erase it with the rest of that person's data. `notice_version` is the version of the privacy notice
(/privacy) shown at the time: if the notice changes, older agreements still say what they covered.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.clock import utcnow
from api.db.base import Base


class ConsentRecord(Base):
    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # "fce_case" (subject_id = the case reference) or "conversation" (subject_id = its id).
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[str] = mapped_column(String(32))
    # What was agreed: "fce_processing" (handle the application and its documents).
    purpose: Mapped[str] = mapped_column(String(32))
    notice_version: Mapped[str] = mapped_column(String(16))
    # The language the notice was shown in, and where the agreement was given (web form, chat channel).
    language: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(16))
    agreed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_consent_records_subject", "subject_kind", "subject_id"),)
