"""The audit log: every staff action (advisors, evaluators, admins), in the same transaction as the action itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.auth.models import AuditEntry


def audit(
    session: Session,
    user_id: int | None,
    action: str,
    conversation_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    # Never message text: the log says what was done, the transcript says what was written.
    session.add(AuditEntry(user_id=user_id, action=action, conversation_id=conversation_id, detail=detail))
