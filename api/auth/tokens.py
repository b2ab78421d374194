"""Signed session tokens: base64url(JSON claims) + "." + HMAC-SHA256 over it.

The claims carry the user id, the absolute expiry and the session id. The signature only says the
token was made here; whether the session still exists (not logged out, not revoked when its user
was deactivated or their password reset, not idle too long) is asked of the `staff_sessions` table
on every request (api/auth/sessions.py). A forged token is refused before the database is read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class Claims:
    user_id: int
    session_id: str
    expires_at: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def digest(value: str) -> str:
    """What the database keeps of a session id or CSRF value: its SHA-256, never the value itself."""
    return hashlib.sha256(value.encode()).hexdigest()


class TokenSigner:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._key = hashlib.sha256(("kakehashi-session:" + secret).encode()).digest()
        self.ttl_seconds = ttl_seconds

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())

    def issue(self, user_id: int, session_id: str, now: float | None = None) -> str:
        issued = int(now if now is not None else time.time())
        claims = {"sub": user_id, "sid": session_id, "iat": issued, "exp": issued + self.ttl_seconds}
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body)}"

    def verify(self, token: str, now: float | None = None) -> Claims:
        body, dot, signature = token.partition(".")
        # Bytes, not str: compare_digest raises TypeError on non-ASCII text, and a cookie is whatever
        # the client sent (a crafted one was a 500).
        expected = self._sign(body).encode()
        if not dot or not hmac.compare_digest(expected, signature.encode("utf-8", "surrogatepass")):
            raise InvalidToken("bad signature")
        try:
            claims = json.loads(_unb64(body))
            user_id, session_id, expires_at = int(claims["sub"]), str(claims["sid"]), int(claims["exp"])
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidToken("malformed claims") from exc
        if expires_at <= (now if now is not None else time.time()):
            raise InvalidToken("expired")
        return Claims(user_id, session_id, expires_at)
