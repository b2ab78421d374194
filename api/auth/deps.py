"""Who is calling: a bearer token (API clients) or the console's session cookie (+ CSRF header)."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request, WebSocket, status

from api.auth.models import User
from api.auth.tokens import InvalidToken, TokenSigner, csrf_digest
from api.core.clock import as_utc, utcnow
from api.db.session import Database
from api.deps import DbDep, SignerDep, bearer_token

SESSION_COOKIE = "kk_session"
CSRF_COOKIE = "kk_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SEEN_RESOLUTION = timedelta(seconds=60)


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def load_user(db: Database, signer: TokenSigner, token: str) -> User:
    """The active user a token names; HTTPException 401 for a forged, expired or stale token."""
    try:
        claims = signer.verify(token)
    except InvalidToken:
        raise _unauthorized("invalid or expired token") from None
    with db.session() as session:
        user = session.get(User, claims.user_id)
        if user is None or not user.active:
            raise _unauthorized("invalid or expired token")
        now = utcnow()
        seen = user.last_seen_at
        if seen is None or as_utc(seen) < now - SEEN_RESOLUTION:
            user.last_seen_at = now
        return user


def current_user(
    request: Request,
    db: DbDep,
    signer: SignerDep,
) -> User:
    token = bearer_token(request.headers.get("authorization"))
    if token is not None:
        return load_user(db, signer, token)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise _unauthorized("login required")
    user = load_user(db, signer, cookie)
    if request.method not in SAFE_METHODS:
        # Double submit: a cross-site form can send the cookie but cannot read the CSRF cookie to
        # copy it into a header; the value must also be the one issued with this very session.
        header = request.headers.get(CSRF_HEADER, "")
        issued = request.cookies.get(CSRF_COOKIE, "")
        claims = signer.verify(cookie)
        if (
            not header
            or not hmac.compare_digest(header.encode(), issued.encode())
            or not hmac.compare_digest(csrf_digest(header), claims.csrf_hash)
        ):
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="missing or wrong CSRF token")
    return user


def require_roles(*roles: str) -> Callable[[User], User]:
    def dependency(user: Annotated[User, Depends(current_user)]) -> User:
        if user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="your role may not do this")
        return user

    return dependency


def websocket_user(websocket: WebSocket, db: Database, signer: TokenSigner) -> User | None:
    """The console's socket: the session cookie, accepted only from our own origin (no cross-site use)."""
    origin = websocket.headers.get("origin")
    host = websocket.headers.get("host")
    if origin is not None and host is not None and origin.split("://", 1)[-1] != host:
        return None
    token = websocket.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return load_user(db, signer, token)
    except HTTPException:
        return None
