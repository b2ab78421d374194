"""Tables for verifiable records: issued credentials (and their status), share links with their view
log, and credentials an applicant brings. Private keys are never here (see keys.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.conversations import models as _conversation_tables  # noqa: F401 - the conversations table (grants)
from api.core.clock import utcnow
from api.db.base import Base
from api.fce import models as _fce_tables  # noqa: F401 - registers the fce_cases table our foreign keys name


class RecordCredential(Base):
    """One signed OpenBadgeCredential per evaluated credential of a case."""

    __tablename__ = "records_credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("fce_cases.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    # The short random id in /v/<verify_id>: 16 url-safe characters, about 96 bits.
    verify_id: Mapped[str] = mapped_column(String(24), unique=True)
    jti: Mapped[str] = mapped_column(String(64), unique=True)
    kid: Mapped[str] = mapped_column(String(64))
    # A random position in the status lists (the same index in the revocation and suspension lists).
    status_index: Mapped[int] = mapped_column(Integer, unique=True)
    token: Mapped[str] = mapped_column(Text)
    # Kept beside the token so selective disclosure can re-issue the same claims as SD-JWT.
    payload: Mapped[dict[str, object]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    status_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    __table_args__ = (UniqueConstraint("case_id", "position", name="uq_records_credentials_case_position"),)


class RecordShare(Base):
    """A link an applicant gives an employer: a chosen subset of one credential, until it expires."""

    __tablename__ = "records_shares"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # sha256 of the token in the link; the token itself is shown once to the applicant.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # A short public id the applicant uses to revoke or read the log (not enough to open the link).
    share_id: Mapped[str] = mapped_column(String(24), unique=True)
    credential_id: Mapped[int] = mapped_column(ForeignKey("records_credentials.id", ondelete="CASCADE"))
    disclosed: Mapped[list[str]] = mapped_column(JSON)
    presentation: Mapped[str] = mapped_column(Text)  # the vc+sd-jwt with only the chosen disclosures
    pin_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    pin_failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    # The applicant's own note ("for ACME Ltd"), so they can tell their links apart (0008).
    label: Mapped[str | None] = mapped_column(String(80), default=None)


class RecordShareView(Base):
    """Each opening of a share link, for the applicant to read: when, and whether it was shown."""

    __tablename__ = "records_share_views"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    share_id: Mapped[int] = mapped_column(ForeignKey("records_shares.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    outcome: Mapped[str] = mapped_column(String(16))  # shown, wrong_pin, locked, expired, revoked
    # Coarse client ("Chrome · Windows", "bot", "other"); no address, nor any hash of one (0008).
    client: Mapped[str | None] = mapped_column(String(40), default=None)


class RecordInbound(Base):
    """A credential an applicant brought, with what verifying it found; an evaluator confirms it.

    `position` is the case credential it pre-filled (None: kept but not pre-filled). `token` is the
    raw JWT as received (at most 64 KB, checked before anything is stored), `checks` the verifier's
    checks, `flags` what the evaluator must look at (unknown_issuer, status_unknown, incomplete,
    seen_in_other_case). `token_sha256` finds the same credential brought twice.
    """

    __tablename__ = "records_inbound"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("fce_cases.id", ondelete="CASCADE"), default=None)
    position: Mapped[int | None] = mapped_column(Integer, default=None)
    token: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(String(24))
    issuer: Mapped[str | None] = mapped_column(String(500), default=None)
    recognised_issuer: Mapped[str | None] = mapped_column(String(80), default=None)
    extracted: Mapped[dict[str, object]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    token_sha256: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    checks: Mapped[list[dict[str, object]] | None] = mapped_column(JSON, default=None)
    flags: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)

    __table_args__ = (UniqueConstraint("case_id", "token_sha256", name="uq_records_inbound_case_token"),)


class RecordChatGrant(Base):
    """A chat conversation proved it holds a case (reference + access code checked in that chat), for a
    short time: while it lasts, that conversation may make share links for the case and add a pasted
    credential to it (api/records/chat.py). In the database so every api worker sees it; nothing secret."""

    __tablename__ = "records_chat_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("fce_cases.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)

    __table_args__ = (UniqueConstraint("conversation_id", "case_id", name="uq_records_chat_grants_conversation_case"),)
