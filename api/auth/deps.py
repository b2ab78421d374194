"""Who is calling: a bearer token (API clients) or the console's session cookie (+ CSRF header).

Either way the token names a server-side session (api/auth/sessions.py) that must still exist.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, WebSocket, status

from api.auth.models import User
from api.auth.sessions import SessionEnded, StaffSessions
from api.auth.tokens import digest
from api.deps import StaffSessionsDep, bearer_token

SESSION_COOKIE = "kk_session"
CSRF_COOKIE = "kk_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def load_user(sessions: StaffSessions, token: str) -> User:
    """The active user a token's session belongs to; HTTPException 401 when it has ended."""
    try:
        return sessions.caller(token).user
    except SessionEnded:
        raise _unauthorized("invalid or expired token") from None


def request_token(request: Request) -> str | None:
    """The session token a request carries: the bearer token, else the console's cookie."""
    return bearer_token(request.headers.get("authorization")) or request.cookies.get(SESSION_COOKIE) or None


def current_user(request: Request, sessions: StaffSessionsDep) -> User:
    token = bearer_token(request.headers.get("authorization"))
    if token is not None:
        return load_user(sessions, token)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise _unauthorized("login required")
    try:
        caller = sessions.caller(cookie)
    except SessionEnded:
        raise _unauthorized("invalid or expired token") from None
    if request.method not in SAFE_METHODS:
        # Double submit: a cross-site form can send the cookie but cannot read the CSRF cookie to
        # copy it into a header; the value must also be the one issued with this very session.
        header = request.headers.get(CSRF_HEADER, "")
        issued = request.cookies.get(CSRF_COOKIE, "")
        if (
            not header
            or not hmac.compare_digest(header.encode(), issued.encode())
            or not hmac.compare_digest(digest(header).encode(), caller.csrf_hash.encode())
        ):
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="missing or wrong CSRF token")
    return caller.user


def require_roles(*roles: str) -> Callable[[User], User]:
    def dependency(user: Annotated[User, Depends(current_user)]) -> User:
        if user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="your role may not do this")
        return user

    return dependency


def websocket_user(websocket: WebSocket, sessions: StaffSessions) -> User | None:
    """The console's socket: the session cookie, accepted only from our own origin (no cross-site use).

    Asked when the socket opens and again on every heartbeat; neither restarts the idle clock (the
    console reconnects and beats on its own timers, which say nothing about a person being there).
    """
    origin = websocket.headers.get("origin")
    host = websocket.headers.get("host")
    if origin is not None and host is not None and origin.split("://", 1)[-1] != host:
        return None
    token = websocket.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return sessions.caller(token, active=False).user
    except SessionEnded:
        return None
