"""Endpoints for the action server: ACTIONS_TOKEN only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field

from api.conversations.schemas import ReplyOut
from api.core.schemas import ResponseModel
from api.deps import GuidanceDep, actions_caller
from api.knowledge.router import UNAVAILABLE_DOC
from api.knowledge.search import KnowledgeUnavailable

router = APIRouter(dependencies=[Depends(actions_caller)], tags=["internal"])


class GuidanceRequest(BaseModel):
    conversation_id: str = Field(max_length=64)
    text: str = Field(default="", max_length=10_000)
    intent: str = Field(default="ask_guidance", max_length=64)
    entities: dict[str, Any] = Field(default_factory=dict)
    intent_confidence: float | None = None


class GuidanceOut(ResponseModel):
    """The answer's replies; a reply leaves out `buttons` and `sources` when it has none."""

    replies: list[ReplyOut]


@router.post(
    "/internal/v1/guidance/answer",
    response_model=GuidanceOut,
    response_model_exclude_unset=True,
    responses=UNAVAILABLE_DOC,
)
def guidance_answer(body: GuidanceRequest, guidance: GuidanceDep) -> dict[str, Any]:
    try:
        replies = guidance.respond(body.conversation_id, body.intent, body.text[:5000], body.entities)
    except LookupError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="conversation not found") from None
    except KnowledgeUnavailable:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="knowledge index unavailable") from None
    return {"replies": [reply.as_dict() for reply in replies]}
