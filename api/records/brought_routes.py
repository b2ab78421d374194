"""Evaluators and the credentials applicants bring: read them with the case, confirm what they pre-filled.

| route | who |
|---|---|
| GET /api/v1/evaluator/cases/{reference}/verifiable-credentials | evaluator, admin |
| POST /api/v1/evaluator/cases/{reference}/verifiable-credentials/{id}/confirm | evaluator, admin (audited) |

Confirming says "I checked what the verified credential pre-filled"; it approves nothing else: the
evaluation itself is recorded and decided as for every case.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel

from api.core.validation import RowId
from api.deps import InboundDep
from api.fce.web.evaluator_api import Evaluator

router = APIRouter(prefix="/api/v1/evaluator/cases", tags=["records"])


class BroughtCredential(BaseModel):
    id: int
    position: int | None
    result: str
    issuer: str | None
    recognised_issuer: dict[str, Any] | None
    flags: list[str]
    extracted: dict[str, Any]
    checks: list[dict[str, Any]]
    received_at: str | None
    confirmed_at: str | None
    confirmed_by: int | None


class BroughtList(BaseModel):
    reference: str
    verifiable_credentials: list[BroughtCredential]


@router.get("/{reference}/verifiable-credentials", response_model=BroughtList)
def brought_of_case(reference: str, user: Evaluator, inbound: InboundDep) -> dict[str, Any]:
    return {"reference": reference.strip().upper(), "verifiable_credentials": inbound.of_case(reference)}


@router.post("/{reference}/verifiable-credentials/{inbound_id}/confirm", response_model=BroughtCredential)
def confirm(reference: str, inbound_id: RowId, user: Evaluator, inbound: InboundDep) -> dict[str, Any]:
    row = inbound.confirm(user.id, reference, inbound_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such brought credential on this case")
    return row
