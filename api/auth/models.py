"""Staff accounts, their sessions, failed logins and the audit log of what staff did: the tables behind api/auth."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.clock import utcnow
from api.db.base import Base


class Role(enum.StrEnum):
    ADVISOR = "advisor"
    EVALUATOR = "evaluator"
    ADMIN = "admin"
    # A specialist who reviews the knowledge articles and their translations (api/reviews).
    EDITOR = "editor"
    # Read-only: anonymised aggregates for policy research (issue #17), no conversation or case.
    RESEARCHER = "researcher"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    # Languages the person can answer in, e.g. ["ja", "en"]; shown in the console for transfers.
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # "Someone is online" means a request or console socket within the last few minutes.
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StaffSession(Base):
    """A console or API login, checked on every request: deleting the row ends the session at once.

    The token names the session by a random id; only its SHA-256 is kept here, so a copy of this
    table opens nothing. `last_active_at` is the idle clock: requests the person makes move it,
    the console's heartbeats do not (an open tab left alone still times out).
    """

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The double-submit CSRF value issued with this session (hashed), so a header only works with it.
    csrf_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_active_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_staff_sessions_user_id", "user_id"),
        Index("ix_staff_sessions_expires_at", "expires_at"),
    )


class LoginAttempt(Base):
    """Failed logins, kept in the database so the limit holds across api workers."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # "email:<address>" or "ip:<address>"
    bucket: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_login_attempts_bucket_at", "bucket", "at"),)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    action: Mapped[str] = mapped_column(String(32))
    conversation_id: Mapped[str | None] = mapped_column(String(32), default=None)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # The client address of the request that did it (None for commands and scheduled jobs).
    source_ip: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_audit_log_created", "created_at"),)
