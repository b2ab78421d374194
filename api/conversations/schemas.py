"""Response models for a conversation's messages, as the widget API and the advisor console return them."""

from __future__ import annotations

from typing import Any

from api.core.schemas import ResponseModel


class MessageOut(ResponseModel):
    """One stored message; `buttons` and `sources` appear only when the message carries them."""

    id: int
    role: str
    text: str
    language: str
    created_at: str
    buttons: list[dict[str, Any]] | None = None
    sources: list[Any] | None = None


class ReplyOut(ResponseModel):
    """One bot reply; `buttons` and `sources` appear only when the reply has them."""

    text: str
    buttons: list[dict[str, Any]] | None = None
    sources: list[dict[str, str]] | None = None


class TurnOut(ResponseModel):
    """What POST /api/v1/widget/conversations/{id}/messages answers: the replies to one message."""

    language: str
    state: str
    replies: list[ReplyOut]


class HistoryOut(ResponseModel):
    """GET /api/v1/widget/conversations/{id}/messages: the conversation so far."""

    conversation_id: str
    language: str
    state: str
    position: int | None  # place in the advisors' queue while waiting (1 = next), else null
    messages: list[MessageOut]
