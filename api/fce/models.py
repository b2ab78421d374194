"""Tables for credential evaluation cases: the case, its credentials, documents and timeline, plus the
small tables that make idempotency, reference numbers, lockouts and rate limits work across workers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.auth import models as _users_tables  # noqa: F401 - registers the users table our foreign keys name
from api.core.clock import utcnow
from api.db.base import Base


class FceCase(Base):
    __tablename__ = "fce_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    access_code_hash: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(24))
    applicant_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    # Chat applications: the conversation to answer on (set by the internal endpoint only).
    conversation_id: Mapped[str | None] = mapped_column(String(32), default=None)
    language: Mapped[str] = mapped_column(String(8))
    residence_country: Mapped[str] = mapped_column(String(2))
    nationality: Mapped[str | None] = mapped_column(String(2), default=None)
    purpose: Mapped[str] = mapped_column(String(32))
    documents_available: Mapped[str] = mapped_column(String(8))
    # "none" documents: assessed through a structured interview (Tokyo Convention, refugees).
    interview_path: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Turnaround is counted from the latest arrival at documents_received to evaluated.
    clock_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    evaluated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    closed_reason: Mapped[str | None] = mapped_column(String(16), default=None)

    credentials: Mapped[list[FceCredential]] = relationship(
        back_populates="case", order_by="FceCredential.position", cascade="all, delete-orphan"
    )
    events: Mapped[list[FceCaseEvent]] = relationship(
        back_populates="case", order_by="FceCaseEvent.id", cascade="all, delete-orphan"
    )
    documents: Mapped[list[FceDocument]] = relationship(
        back_populates="case", order_by="FceDocument.id", cascade="all, delete-orphan"
    )
    evaluations: Mapped[list[FceEvaluation]] = relationship(
        back_populates="case", order_by="FceEvaluation.credential_id", cascade="all, delete-orphan"
    )
    notes: Mapped[list[FceNote]] = relationship(
        back_populates="case", order_by="FceNote.id", cascade="all, delete-orphan"
    )

    __table_args__ = (Index("ix_fce_cases_status_created", "status", "created_at"),)


class FceCredential(Base):
    __tablename__ = "fce_credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("fce_cases.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    country: Mapped[str] = mapped_column(String(2))
    # An id from the comparability data, or free text when the list does not have it.
    credential_id: Mapped[str | None] = mapped_column(String(64), default=None)
    credential_name: Mapped[str | None] = mapped_column(String(300), default=None)
    institution: Mapped[str] = mapped_column(String(300))
    field_of_study: Mapped[str] = mapped_column(String(200))
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer, default=None)
    language_of_instruction: Mapped[str] = mapped_column(String(64))

    case: Mapped[FceCase] = relationship(back_populates="credentials")

    __table_args__ = (
        Index("ix_fce_credentials_case", "case_id"),
        Index("ix_fce_credentials_country_case", "country", "case_id"),
    )


class FceCaseEvent(Base):
    """One status change: who made it, when, and why (closing always has a reason)."""

    __tablename__ = "fce_case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("fce_cases.id", ondelete="CASCADE"))
    from_status: Mapped[str | None] = mapped_column(String(24), default=None)
    to_status: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    # What the evaluator wrote to the applicant with this change (e.g. which documents are missing);
    # `reason` stays internal, this is shown on the status page and sent in the notification.
    message: Mapped[str | None] = mapped_column(Text, default=None)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    case: Mapped[FceCase] = relationship(back_populates="events")

    __table_args__ = (Index("ix_fce_case_events_case", "case_id", "id"),)


class FceDocument(Base):
    __tablename__ = "fce_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("fce_cases.id", ondelete="CASCADE"))
    # Random file name under FCE_DOCUMENTS_DIR; the applicant's file name is kept only as a label.
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    case: Mapped[FceCase] = relationship(back_populates="documents")

    __table_args__ = (Index("ix_fce_documents_case", "case_id"),)


class FceIdempotencyKey(Base):
    """A submission's Idempotency-Key (hashed) → the case it created.

    The access code for a replay is kept encrypted under the key itself, which the database never
    sees, so a retried submission gets the same code back without the code being readable here.
    """

    __tablename__ = "fce_idempotency_keys"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_sha256: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int] = mapped_column(ForeignKey("fce_cases.id", ondelete="CASCADE"))
    sealed_code: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FceReferenceCounter(Base):
    """No longer written: references are random (FCE-2026-48213907), so none can be guessed from
    another. Older, sequential references (six digits) stay valid."""

    __tablename__ = "fce_reference_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer)


class FceAccessFailure(Base):
    """A wrong access code for a reference (existing or not, so a lockout reveals nothing)."""

    __tablename__ = "fce_access_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(20))
    # Who tried: the caller's address, or "chat:<conversation id>" for the chat's status check.
    client: Mapped[str | None] = mapped_column(String(64), default=None)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_fce_access_failures_reference_at", "reference", "at"),
        Index("ix_fce_access_failures_reference_client_at", "reference", "client", "at"),
    )


class FceLock(Base):
    """No longer written: a lock per reference let anyone lock an applicant out (finding 6); lockouts
    are now computed per (reference, client) from fce_access_failures. Kept until a migration drops it."""

    __tablename__ = "fce_locks"

    reference: Mapped[str] = mapped_column(String(20), primary_key=True)
    locked_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FceRateEvent(Base):
    """One request counted against a per-IP budget (bucket = "<action>:<ip>")."""

    __tablename__ = "fce_rate_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bucket: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_fce_rate_events_bucket_at", "bucket", "at"),)


class FceEvaluation(Base):
    """An evaluator's finding for one credential; frozen once the case is evaluated.

    Substantial differences are a JSON list of {"difference", "reason"}: under the Tokyo Convention
    (Art. III.5) anything short of full recognition must be explained, so each one carries its reason.
    """

    __tablename__ = "fce_evaluations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("fce_cases.id", ondelete="CASCADE"))
    credential_id: Mapped[int] = mapped_column(ForeignKey("fce_credentials.id", ondelete="CASCADE"), unique=True)
    # A key of comparability.JAPAN_QUALIFICATIONS; its name in each language is the catalog's fce.jp.<key>.
    japan_equivalent: Mapped[str] = mapped_column(String(32))
    isced_level: Mapped[int] = mapped_column(Integer)
    jqf_level: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(200))
    substantial_differences: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    remarks: Mapped[str | None] = mapped_column(Text, default=None)
    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    case: Mapped[FceCase] = relationship(back_populates="evaluations")

    __table_args__ = (Index("ix_fce_evaluations_case", "case_id"),)


class FceNote(Base):
    """Evaluators' internal notes on a case: never shown or sent to the applicant."""

    __tablename__ = "fce_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("fce_cases.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    case: Mapped[FceCase] = relationship(back_populates="notes")

    __table_args__ = (Index("ix_fce_notes_case", "case_id", "id"),)


class FceStatement(Base):
    """The issued statement PDF, kept as issued so every later download is the same document."""

    __tablename__ = "fce_statements"

    case_id: Mapped[int] = mapped_column(ForeignKey("fce_cases.id", ondelete="CASCADE"), primary_key=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    # "ja" or "ja,<applicant's language>": the languages printed, in order.
    languages: Mapped[str] = mapped_column(String(16))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
