"""POST /api/v1/auth/login and friends.

The failed-login limit holds under parallel requests: each attempt first reserves its place (a
`login_attempts` row per bucket, committed), then counts the window with its own row included, and
only then checks the password. Of any number of simultaneous wrong guesses, at most the limit get
as far as the password check; the reservation is withdrawn when the password was right or the
request was refused. Committing before counting is what makes it hold on PostgreSQL too, where two
open transactions never see each other's rows. Logins, failed logins and logouts are audited.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from pydantic import BaseModel, Field
from sqlalchemy import delete, func, select

from api.auth.audit import audit
from api.auth.config import AuthSettings
from api.auth.deps import CSRF_COOKIE, SESSION_COOKIE, current_user, request_token
from api.auth.models import LoginAttempt, User
from api.auth.passwords import verify_password
from api.auth.schemas import LoggedOut, MeOut, TokenOut
from api.auth.users import find_by_email, normalise_email
from api.core.clock import utcnow
from api.core.proxy import cookies_secure
from api.db.session import Database
from api.deps import AuthSettingsDep, DbDep, SettingsDep, StaffSessionsDep

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class Login(BaseModel):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _reserve(db: Database, settings: AuthSettings, buckets: dict[str, int]) -> list[int]:
    """Count this attempt as failed before the password is checked; 429 when a bucket is full.

    Returns the reserved rows, which the caller withdraws if the password turns out right.
    """
    now = utcnow()
    since = now - timedelta(seconds=settings.login_window_seconds)
    with db.session() as session:
        session.execute(delete(LoginAttempt).where(LoginAttempt.at < since))
        rows = [LoginAttempt(bucket=bucket, at=now) for bucket in buckets]
        session.add_all(rows)
        session.flush()
        reserved = [row.id for row in rows]
    with db.session() as session:
        full = any(
            (session.scalar(select(func.count()).where(LoginAttempt.bucket == bucket, LoginAttempt.at >= since)) or 0)
            > limit
            for bucket, limit in buckets.items()
        )
        if full:
            session.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(reserved)))
    if full:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail="too many failed logins; try again later",
            headers={"Retry-After": str(settings.login_window_seconds)},
        )
    return reserved


@router.post("/login", response_model=TokenOut)
def login(
    body: Login,
    request: Request,
    response: Response,
    db: DbDep,
    sessions: StaffSessionsDep,
    settings: AuthSettingsDep,
    app_settings: SettingsDep,
) -> dict[str, str]:
    buckets = {
        f"email:{normalise_email(body.email)}"[:300]: settings.login_max_failures_per_email,
        f"ip:{_client_ip(request)}"[:300]: settings.login_max_failures_per_ip,
    }
    reserved = _reserve(db, settings, buckets)
    with db.session() as session:
        user = find_by_email(session, body.email)
    # argon2 takes its time on purpose: outside any transaction, so it holds no connection or lock.
    ok = verify_password(body.password, user.password_hash if user else None)
    with db.session() as session:
        if ok and user is not None and user.active:
            session.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(reserved)))
            issued = sessions.open(session, user.id)
            audit(session, user.id, "login")
        else:
            # Never what was typed: an unknown "e-mail" is often a password in the wrong field.
            reason = "unknown_account" if user is None else "wrong_password" if not ok else "inactive"
            audit(session, user.id if user else None, "login_failed", detail={"reason": reason})
            issued = None
    if issued is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="wrong e-mail or password")
    secure = cookies_secure(request, app_settings)
    response.set_cookie(
        SESSION_COOKIE, issued.token, max_age=issued.max_age, httponly=True, samesite="strict", secure=secure, path="/"
    )
    # Readable by the console's script on purpose: it copies it into the X-CSRF-Token header.
    response.set_cookie(
        CSRF_COOKIE, issued.csrf, max_age=issued.max_age, httponly=False, samesite="strict", secure=secure, path="/"
    )
    return {"access_token": issued.token, "token_type": "bearer"}


@router.post("/logout", response_model=LoggedOut)
def logout(
    request: Request,
    response: Response,
    db: DbDep,
    sessions: StaffSessionsDep,
    user: Annotated[User, Depends(current_user)],
) -> dict[str, str]:
    """End this session on the server (the token stops working at once), then forget the cookies."""
    token = request_token(request)
    if token is not None and sessions.end(token) is not None:
        with db.session() as session:
            audit(session, user.id, "logout")
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return {"status": "logged_out"}


@router.get("/me", response_model=MeOut)
def me(user: Annotated[User, Depends(current_user)]) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "languages": user.languages,
        "role": user.role,
    }
