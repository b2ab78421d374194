"""POST /api/v1/auth/login and friends."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from pydantic import BaseModel, Field
from sqlalchemy import delete, func, select

from api.auth.audit import audit
from api.auth.deps import CSRF_COOKIE, SESSION_COOKIE, current_user
from api.auth.models import LoginAttempt, User
from api.auth.passwords import verify_password
from api.auth.users import find_by_email, normalise_email
from api.core.clock import utcnow
from api.deps import AuthSettingsDep, DbDep, SignerDep

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class Login(BaseModel):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/login")
def login(
    body: Login,
    request: Request,
    response: Response,
    db: DbDep,
    signer: SignerDep,
    settings: AuthSettingsDep,
) -> dict[str, str]:
    now = utcnow()
    since = now - timedelta(seconds=settings.login_window_seconds)
    buckets = {
        f"email:{normalise_email(body.email)}"[:300]: settings.login_max_failures_per_email,
        f"ip:{_client_ip(request)}"[:300]: settings.login_max_failures_per_ip,
    }
    with db.session() as session:
        session.execute(delete(LoginAttempt).where(LoginAttempt.at < since))
        for bucket, limit in buckets.items():
            failures = session.scalar(
                select(func.count()).where(LoginAttempt.bucket == bucket, LoginAttempt.at >= since)
            )
            if (failures or 0) >= limit:
                raise HTTPException(
                    status.HTTP_429_TOO_MANY_REQUESTS,
                    detail="too many failed logins; try again later",
                    headers={"Retry-After": str(settings.login_window_seconds)},
                )
        user = find_by_email(session, body.email)
        ok = verify_password(body.password, user.password_hash if user else None)
        if not ok or user is None or not user.active:
            session.add_all(LoginAttempt(bucket=bucket, at=now) for bucket in buckets)
            failed = True
        else:
            failed = False
            user_id = user.id
            audit(session, user.id, "login")
    if failed:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="wrong e-mail or password")
    csrf = secrets.token_urlsafe(24)
    token = signer.issue(user_id, csrf)
    secure = request.url.scheme == "https"
    max_age = signer.ttl_seconds
    response.set_cookie(
        SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="strict", secure=secure, path="/"
    )
    # Readable by the console's script on purpose: it copies it into the X-CSRF-Token header.
    response.set_cookie(CSRF_COOKIE, csrf, max_age=max_age, httponly=False, samesite="strict", secure=secure, path="/")
    return {"access_token": token, "token_type": "bearer"}


@router.post("/logout")
def logout(response: Response, user: Annotated[User, Depends(current_user)]) -> dict[str, str]:
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return {"status": "logged_out"}


@router.get("/me")
def me(user: Annotated[User, Depends(current_user)]) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "languages": user.languages,
        "role": user.role,
    }
