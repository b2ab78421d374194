"""The audit log: every staff action (advisors, evaluators, admins), in the same transaction as the action itself.

Each entry also names the client address of the request that caused it (api/core/client.py), so a
stolen session's use can be told apart from its owner's; commands and scheduled jobs leave it empty.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.auth.models import AuditEntry
from api.core.client import client_address


def audit(
    session: Session,
    user_id: int | None,
    action: str,
    conversation_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    # Never message text: the log says what was done, the transcript says what was written.
    session.add(
        AuditEntry(
            user_id=user_id,
            action=action,
            conversation_id=conversation_id,
            detail=detail,
            source_ip=client_address(),
        )
    )
