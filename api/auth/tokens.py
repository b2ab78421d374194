"""Signed session tokens: base64url(JSON claims) + "." + HMAC-SHA256 over it.

The claims carry the user id, the expiry and a hash of the CSRF value issued with the cookie, so a
CSRF header only works together with the session it was issued for.
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
    expires_at: int
    csrf_hash: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def csrf_digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


class TokenSigner:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._key = hashlib.sha256(("kakehashi-session:" + secret).encode()).digest()
        self.ttl_seconds = ttl_seconds

    def _sign(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())

    def issue(self, user_id: int, csrf: str, now: float | None = None) -> str:
        issued = int(now if now is not None else time.time())
        claims = {"sub": user_id, "iat": issued, "exp": issued + self.ttl_seconds, "csrf": csrf_digest(csrf)}
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{body}.{self._sign(body)}"

    def verify(self, token: str, now: float | None = None) -> Claims:
        body, dot, signature = token.partition(".")
        if not dot or not hmac.compare_digest(self._sign(body), signature):
            raise InvalidToken("bad signature")
        try:
            claims = json.loads(_unb64(body))
            user_id, expires_at, csrf_hash = int(claims["sub"]), int(claims["exp"]), str(claims["csrf"])
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidToken("malformed claims") from exc
        if expires_at <= (now if now is not None else time.time()):
            raise InvalidToken("expired")
        return Claims(user_id, expires_at, csrf_hash)
