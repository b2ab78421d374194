"""The action server's handoff endpoint (INTERNAL_TOKEN)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field

from api.advisors.service import NotFound
from api.deps import AdvisorsDep, internal_caller

router = APIRouter(dependencies=[Depends(internal_caller)], tags=["internal"])


class HandoffRequest(BaseModel):
    reason: str = Field(default="request_human", max_length=32)
    # The bot's latest intents, newest last, for the advisor's queue view.
    intents: list[str] = Field(default_factory=list, max_length=10)


@router.post("/internal/v1/conversations/{conversation_id}/handoff")
def handoff(conversation_id: str, body: HandoffRequest, advisors: AdvisorsDep) -> dict[str, Any]:
    try:
        state, replies = advisors.request_handoff(
            conversation_id, body.reason, {"intents": [i[:64] for i in body.intents]}
        )
    except NotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="conversation not found") from None
    return {"state": state, "replies": [reply.as_dict() for reply in replies]}
