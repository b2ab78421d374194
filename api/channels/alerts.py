"""/api/v1/advisor/alerts: sends that failed for good, shown in the console until acknowledged.

The message itself is safe in the conversation's history; the alert tells a person that the user
did not receive it, so they can retry (the platform is back) or reach the user another way.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy import select

from api.auth.audit import audit
from api.auth.deps import require_roles
from api.auth.models import Role, User
from api.channels.hub import Channels
from api.channels.models import OutboxMessage, OutboxStatus
from api.channels.outgoing.outbox import alert_dict
from api.channels.schemas import AlertActionOut, AlertsOut
from api.core.clock import utcnow
from api.core.validation import RowId
from api.deps import ChannelsDep

staff = require_roles(Role.ADVISOR.value, Role.EVALUATOR.value, Role.ADMIN.value)
Staff = Annotated[User, Depends(staff)]
router = APIRouter(prefix="/api/v1/advisor/alerts", tags=["advisor"])


@router.get("", response_model=AlertsOut)
def list_alerts(user: Staff, channels: ChannelsDep) -> dict[str, Any]:
    with channels.db.session() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.FAILED.value,
                OutboxMessage.acknowledged_at.is_(None),
                OutboxMessage.kind.not_in(channels.quiet_kinds),
            )
            .order_by(OutboxMessage.id.desc())
            .limit(100)
        ).all()
        return {"alerts": [alert_dict(row) for row in rows]}


def _failed(channels: Channels, alert_id: int, user: User, action: str) -> dict[str, Any]:
    with channels.db.session() as session:
        row = session.get(OutboxMessage, alert_id, with_for_update=True)
        if row is None or row.kind in channels.quiet_kinds:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="alert not found")
        if row.status != OutboxStatus.FAILED.value:
            raise HTTPException(status.HTTP_409_CONFLICT, detail=f"this send is {row.status}, not failed")
        if action == "retry":
            row.status = OutboxStatus.PENDING.value
            row.attempts = 0
            row.reply_token = None  # long expired: a retry pushes
            row.next_attempt_at = utcnow()
        else:
            row.acknowledged_at = utcnow()
        audit(session, user.id, f"delivery_{action}", row.conversation_id, {"outbox_id": row.id})
        return alert_dict(row) | {"status": row.status}


@router.post("/{alert_id}/acknowledge", response_model=AlertActionOut)
def acknowledge(alert_id: RowId, user: Staff, channels: ChannelsDep) -> dict[str, Any]:
    return _failed(channels, alert_id, user, "acknowledge")


@router.post("/{alert_id}/retry", response_model=AlertActionOut)
def retry(alert_id: RowId, user: Staff, channels: ChannelsDep) -> dict[str, Any]:
    result = _failed(channels, alert_id, user, "retry")
    channels.wake_outbox()
    return result
