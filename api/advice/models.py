"""The advice feature's tables: a request for career advice, the advisors' published slots (one of
which a request may hold), and the advisors' notes and follow-ups per case.

A slot is booked by setting its `request_id` with a conditional UPDATE (`WHERE request_id IS NULL`),
so two applicants racing for the same slot cannot both win on SQLite or PostgreSQL; `request_id` is
unique, so one request holds at most one slot. Times are stored in UTC; the applicant's IANA zone is
kept only to show times and write the reminder in their clock.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.core.clock import utcnow
from api.db.base import Base


class AdviceRequest(Base):
    __tablename__ = "advice_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    # sha256 of the client's Idempotency-Key: a retried POST returns the first request, not a second one.
    idempotency_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    # argon2id of the access code (shown once); the code sealed with the Idempotency-Key for a replay.
    access_code_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    sealed_code: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    channel: Mapped[str] = mapped_column(String(16))
    # The chat a reminder goes to (chat requests); web requests are reminded by e-mail.
    conversation_id: Mapped[str | None] = mapped_column(String(32), default=None)
    language: Mapped[str] = mapped_column(String(8))
    time_zone: Mapped[str | None] = mapped_column(String(64), default=None)
    current_status: Mapped[str] = mapped_column(String(32))
    qualifications: Mapped[list[str]] = mapped_column(JSON, default=list)
    japanese_level: Mapped[str] = mapped_column(String(8))
    goal_status: Mapped[str] = mapped_column(String(32))
    goal_field: Mapped[str | None] = mapped_column(String(32), default=None)
    # Free text the applicant wrote: shown to advisors only, never counted or exported.
    note: Mapped[str | None] = mapped_column(Text, default=None)
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    suggested_path: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default="new")
    outcome: Mapped[str | None] = mapped_column(String(32), default=None)
    outcome_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_advice_requests_state_created", "state", "created_at"),)


class AdviceSlot(Base):
    __tablename__ = "advice_slots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    minutes: Mapped[int] = mapped_column(Integer)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("advice_requests.id", ondelete="SET NULL"), unique=True, default=None
    )
    booked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    # Set when the reminder was queued; cleared when the booking changes, so each booking is reminded once.
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("advisor_id", "starts_at", name="uq_advice_slots_advisor_start"),
        Index("ix_advice_slots_starts_at", "starts_at"),
    )


class AdviceNote(Base):
    __tablename__ = "advice_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("advice_requests.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    text: Mapped[str] = mapped_column(Text)
    # A follow-up is a note with a date by which someone should act on it.
    follow_up_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
