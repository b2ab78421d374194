"""The action server's handoff endpoint (ACTIONS_TOKEN only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, Field

from api.advisors.service import NotFound
from api.conversations.schemas import ReplyOut
from api.core.schemas import ResponseModel
from api.deps import AdvisorsDep, actions_caller

router = APIRouter(dependencies=[Depends(actions_caller)], tags=["internal"])


class HandoffOut(ResponseModel):
    """The conversation's state after the request (waiting, or advisor when one was already there), and
    the replies to show; a reply leaves out `buttons` and `sources` when it has none."""

    state: str
    replies: list[ReplyOut]


class HandoffRequest(BaseModel):
    reason: str = Field(default="request_human", max_length=32)
    # The bot's latest intents, newest last, for the advisor's queue view.
    intents: list[str] = Field(default_factory=list, max_length=10)
    # A form the request for a person left, and its answers so far: "Back to the bot" resumes it.
    form: str | None = Field(default=None, max_length=64, pattern=r"^[a-z_]{1,59}_form$")
    slots: dict[str, str | int | bool | None] = Field(default_factory=dict, max_length=60)


@router.post(
    "/internal/v1/conversations/{conversation_id}/handoff", response_model=HandoffOut, response_model_exclude_unset=True
)
def handoff(conversation_id: str, body: HandoffRequest, advisors: AdvisorsDep) -> dict[str, Any]:
    try:
        context: dict[str, Any] = {"intents": [i[:64] for i in body.intents]}
        if body.form is not None:
            answers = {k[:64]: v[:1000] if isinstance(v, str) else v for k, v in body.slots.items()}
            context["paused_form"] = {"form": body.form, "slots": answers}
        state, replies = advisors.request_handoff(conversation_id, body.reason, context)
    except NotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="conversation not found") from None
    return {"state": state, "replies": [reply.as_dict() for reply in replies]}
