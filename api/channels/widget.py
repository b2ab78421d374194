"""The web widget channel: REST for sending and history, a WebSocket for live events."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, WebSocket, WebSocketDisconnect, status
from pydantic import BaseModel, Field

from api.conversations.models import Conversation
from api.conversations.schemas import HistoryOut, TurnOut
from api.conversations.service import (
    MAX_PAYLOAD_CHARS,
    ConversationNotFound,
    token_matches,
    topic_for,
)
from api.core import event_key, pasted
from api.core.validation import NonBlankText
from api.deps import AdvisorsDep, BroadcasterDep, CatalogsDep, ConversationsDep, SettingsDep, widget_conversation
from knowledge_base.language import LANGUAGES

router = APIRouter(prefix="/api/v1/widget", tags=["widget"])
WS_AUTH_TIMEOUT_SECONDS = 10


class NewConversation(BaseModel):
    # An explicit choice (the widget's language switcher); wins over everything else.
    locale: str | None = Field(default=None, max_length=35)
    # The browser's language: only a hint, which evidence in the text may override.
    browser_locale: str | None = Field(default=None, max_length=35)


class ConversationCreated(BaseModel):
    conversation_id: str
    token: str
    language: str


class UserMessage(BaseModel):
    text: NonBlankText = Field(max_length=pasted.MAX_CHARS)
    payload: str | None = Field(default=None, max_length=MAX_PAYLOAD_CHARS)


@router.post("/conversations", status_code=status.HTTP_201_CREATED, response_model=ConversationCreated)
def create_conversation(
    service: ConversationsDep,
    body: NewConversation | None = None,
) -> ConversationCreated:
    body = body or NewConversation()
    conversation, token = service.create(
        "widget", locale=body.locale, channel_hint=body.browser_locale, with_token=True
    )
    assert token is not None
    return ConversationCreated(conversation_id=conversation.id, token=token, language=conversation.language)


@router.post("/conversations/{conversation_id}/messages", response_model=TurnOut, response_model_exclude_unset=True)
def post_message(
    body: UserMessage,
    conversation: Annotated[Conversation, Depends(widget_conversation)],
    service: ConversationsDep,
    settings: SettingsDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=8,
            max_length=64,
            pattern=r"^[A-Za-z0-9_-]+$",
            description="The same key on a re-sent message (after a network failure) stores and answers it once.",
        ),
    ] = None,
) -> dict[str, Any]:
    # A pasted digital credential may be longer (api/core/pasted.py): the api answers it, never Rasa.
    limit = pasted.MAX_CHARS if pasted.looks_like_credential(body.text) else settings.max_message_chars
    if len(body.text) > limit:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=[
                {
                    "loc": ["body", "text"],
                    "msg": f"text is longer than {limit} characters",
                    "type": "string_too_long",
                }
            ],
        )
    # A widget re-sends a message whose answer it never got (a worker died, the network dropped) with the
    # same key: like an inbox event, it is recognised (api/core/event_key.py) and not stored or answered
    # twice; a turn already finished answers with no replies, and the widget shows them from the history.
    key = None
    if idempotency_key is not None:
        key = "widget:" + hashlib.sha256(f"{conversation.id}:{idempotency_key}".encode()).hexdigest()[:32]
    try:
        with event_key.handling(key) if key else contextlib.nullcontext():
            outcome = service.handle_user_message(conversation.id, body.text, body.payload)
    except ValueError as exc:  # InvalidPayload, or an unsupported language in a language-menu payload
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=[{"loc": ["body", "payload"], "msg": str(exc), "type": "value_error"}],
        ) from None
    return {
        "language": outcome.language,
        "state": outcome.state,
        "replies": [reply.as_dict() for reply in outcome.replies],
    }


@router.get("/conversations/{conversation_id}/messages", response_model=HistoryOut, response_model_exclude_unset=True)
def get_messages(
    conversation: Annotated[Conversation, Depends(widget_conversation)],
    service: ConversationsDep,
    advisors: AdvisorsDep,
) -> dict[str, Any]:
    return {
        "conversation_id": conversation.id,
        "language": conversation.language,
        "state": conversation.state,
        # The place in the advisors' queue while waiting (1 = next), else null; "queue" events update it.
        "position": advisors.position(conversation.id) if conversation.state == "waiting" else None,
        "messages": service.history(conversation.id),
    }


@router.get("/i18n")
def widget_strings(catalogs: CatalogsDep) -> dict[str, dict[str, str]]:
    """The widget's own strings in every language, so switching language needs no reload."""
    return {language: catalogs.bundle("widget.", language) for language in LANGUAGES}


@router.websocket("/conversations/{conversation_id}/ws")
async def conversation_events(
    websocket: WebSocket,
    conversation_id: str,
    service: ConversationsDep,
    broadcaster: BroadcasterDep,
    advisors: AdvisorsDep,
) -> None:
    """Live events. The first frame must be {"type": "auth", "token": ...}: tokens stay out of URLs and logs."""
    await websocket.accept()
    try:
        frame = await asyncio.wait_for(websocket.receive_text(), timeout=WS_AUTH_TIMEOUT_SECONDS)
        token = json.loads(frame).get("token") if frame.startswith("{") else None
        conversation = await asyncio.to_thread(service.get, conversation_id)
    except (TimeoutError, json.JSONDecodeError, AttributeError, ConversationNotFound, WebSocketDisconnect):
        with contextlib.suppress(RuntimeError):
            await websocket.close(code=4401)
        return
    if not isinstance(token, str) or not token_matches(token, conversation.token_hash):
        await websocket.close(code=4401)
        return

    queue = broadcaster.subscribe(topic_for(conversation_id))
    # The queue place is read after subscribing, so no "queue" event can fall between the two.
    position = None
    if conversation.state == "waiting":
        position = await asyncio.to_thread(advisors.position, conversation_id)
    await websocket.send_json(
        {"type": "ready", "state": conversation.state, "language": conversation.language, "position": position}
    )

    async def forward() -> None:
        while True:
            await websocket.send_json(await queue.get())

    async def drain() -> None:
        # The client sends nothing we act on after auth; reading notices a disconnect promptly.
        while True:
            await websocket.receive_text()

    tasks = [asyncio.create_task(forward()), asyncio.create_task(drain())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        broadcaster.unsubscribe(topic_for(conversation_id), queue)
