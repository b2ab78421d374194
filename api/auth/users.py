"""Creating, finding, deactivating staff accounts and resetting their passwords (the CLI and the tests
use this; there is no sign-up page). Deactivation and a password reset end every session the person
has (api/auth/sessions.py), and both are audited."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.audit import audit
from api.auth.models import Role, User
from api.auth.passwords import hash_password
from api.auth.sessions import end_all
from knowledge_base.language import LANGUAGES

MIN_PASSWORD_CHARS = 10


class UserError(ValueError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise UserError(f"password must have at least {MIN_PASSWORD_CHARS} characters")


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
    check_password(password)
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


def _existing(session: Session, email: str) -> User:
    user = find_by_email(session, email)
    if user is None:
        raise UserError("no user with this e-mail")
    return user


def set_active(session: Session, email: str, active: bool) -> tuple[User, int]:
    """(De)activate an account; deactivation ends all its sessions. The user and how many ended."""
    user = _existing(session, email)
    user.active = active
    ended = 0 if active else end_all(session, user.id)
    audit(session, None, "user_activated" if active else "user_deactivated", detail={"user_id": user.id})
    return user, ended


def reset_password(session: Session, email: str, password: str) -> tuple[User, int]:
    """A new password; every session logged in with the old one ends. The user and how many ended."""
    check_password(password)
    user = _existing(session, email)
    user.password_hash = hash_password(password)
    ended = end_all(session, user.id)
    audit(session, None, "password_reset", detail={"user_id": user.id})
    return user, ended
