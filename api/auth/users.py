"""Creating and finding staff accounts (the CLI and the tests use this; there is no sign-up page)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.models import Role, User
from api.auth.passwords import hash_password
from knowledge_base.language import LANGUAGES

MIN_PASSWORD_CHARS = 10


class UserError(ValueError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: str,
    display_name: str | None = None,
    languages: list[str] | None = None,
) -> User:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise UserError("not an e-mail address")
    if role not in {r.value for r in Role}:
        raise UserError(f"role must be one of {', '.join(r.value for r in Role)}")
    if len(password) < MIN_PASSWORD_CHARS:
        raise UserError(f"password must have at least {MIN_PASSWORD_CHARS} characters")
    spoken = languages or ["en"]
    unknown = [code for code in spoken if code not in LANGUAGES]
    if unknown:
        raise UserError(f"unsupported languages: {', '.join(unknown)}")
    if session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise UserError("a user with this e-mail already exists")
    user = User(
        email=email,
        display_name=(display_name or email.split("@", 1)[0])[:120],
        languages=spoken,
        role=role,
        password_hash=hash_password(password),
        active=True,
    )
    session.add(user)
    session.flush()
    return user


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))
