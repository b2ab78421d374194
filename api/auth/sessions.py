"""Server-side staff sessions: a login is a row in `staff_sessions`, asked on every request.

Why not the signed token alone: a token that is valid until it expires cannot be taken back, so
logging out, deactivating someone or resetting their password left their sessions working for up to
`SESSION_TTL_MINUTES`. Now the token names a session (a random id, kept only as its SHA-256) and a
session ends when its row goes:

- at logout (that session), on deactivation and on a password reset (all of the user's sessions);
- after `SESSION_IDLE_MINUTES` without a request by the person (heartbeats do not count), and at
  `SESSION_TTL_MINUTES` after login whatever happens.

The console's socket asks again on every heartbeat and every `SESSION_RECHECK_SECONDS`, and closes
(4401) when the answer is no (api/advisors/router.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from api.auth.config import AuthSettings
from api.auth.models import StaffSession, User
from api.auth.tokens import InvalidToken, TokenSigner, digest
from api.core.clock import as_utc, utcnow
from api.db.session import Database

# Writes of "still here" are skipped when the last one is this recent: one row update a minute at
# most per session, not one per request. The idle timeout is therefore exact to within a minute.
SEEN_RESOLUTION = timedelta(seconds=60)


class SessionEnded(Exception):
    """The token is forged, expired, or names a session that no longer exists."""


@dataclass(frozen=True)
class Login:
    token: str
    csrf: str
    max_age: int


@dataclass(frozen=True)
class Caller:
    user: User
    # The session's key (SHA-256 of its id) and the hash of the CSRF value issued with it.
    key: str
    csrf_hash: str


def end_all(session: Session, user_id: int) -> int:
    """End every session of a user (deactivation, password reset); how many there were."""
    result = session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


class StaffSessions:
    """Opening, checking and ending sessions; a per-request view over the app's database and signer."""

    def __init__(self, db: Database, signer: TokenSigner, settings: AuthSettings) -> None:
        self.db = db
        self.signer = signer
        self.idle = timedelta(minutes=settings.session_idle_minutes)
        self.recheck_seconds = settings.session_recheck_seconds

    def open(self, session: Session, user_id: int) -> Login:
        """A new session for a user who just proved their password, in the login's own transaction."""
        now = utcnow()
        # Ended sessions are nobody's business: their rows go whenever someone logs in.
        session.execute(
            delete(StaffSession).where(
                or_(StaffSession.expires_at <= now, StaffSession.last_active_at < now - self.idle)
            )
        )
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        session.add(
            StaffSession(
                id=digest(session_id),
                user_id=user_id,
                csrf_hash=digest(csrf),
                created_at=now,
                expires_at=now + timedelta(seconds=self.signer.ttl_seconds),
                last_active_at=now,
            )
        )
        return Login(self.signer.issue(user_id, session_id), csrf, self.signer.ttl_seconds)

    def caller(self, token: str, *, active: bool = True) -> Caller:
        """Who a token speaks for, if its session is alive; SessionEnded otherwise.

        `active`: the person made this request, so the idle clock restarts. The console's heartbeat
        passes False: it proves a tab is open, not that someone is at it.
        """
        try:
            claims = self.signer.verify(token)
        except InvalidToken:
            raise SessionEnded("invalid token") from None
        key = digest(claims.session_id)
        now = utcnow()
        with self.db.session() as session:
            row = session.get(StaffSession, key)
            if row is None or row.user_id != claims.user_id:
                raise SessionEnded("no such session")
            user = session.get(User, row.user_id)
            ended = as_utc(row.expires_at) <= now or as_utc(row.last_active_at) < now - self.idle
            if ended or user is None or not user.active:
                session.delete(row)
                caller = None
            else:
                if active and as_utc(row.last_active_at) < now - SEEN_RESOLUTION:
                    row.last_active_at = now
                # "Someone is online" (the handoff's test) counts heartbeats too.
                seen = user.last_seen_at
                if seen is None or as_utc(seen) < now - SEEN_RESOLUTION:
                    user.last_seen_at = now
                caller = Caller(user, key, row.csrf_hash)
        if caller is None:
            # The row's deletion is committed above, then the refusal: an ended session stays ended.
            raise SessionEnded("session ended")
        return caller

    def end(self, token: str) -> int | None:
        """Log out the session a token names; the user it belonged to, or None if it was already over."""
        try:
            claims = self.signer.verify(token)
        except InvalidToken:
            return None
        with self.db.session() as session:
            row = session.get(StaffSession, digest(claims.session_id))
            if row is None:
                return None
            user_id = row.user_id
            session.delete(row)
        return user_id
