"""/api/v1/advisor/*: the queue and the actions on a conversation. Advisors and admins only."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field

from api.advisors.service import ADVISORS_TOPIC
from api.auth.deps import require_roles, websocket_user
from api.auth.models import Role, User
from api.core.validation import NonBlankText
from api.deps import AdvisorsDep, BroadcasterDep, DbDep, SignerDep

MAX_TEXT = 4000
staff = require_roles(Role.ADVISOR.value, Role.ADMIN.value)
Staff = Annotated[User, Depends(staff)]

router = APIRouter(prefix="/api/v1/advisor", tags=["advisor"])


class Text(BaseModel):
    text: NonBlankText = Field(max_length=MAX_TEXT)


class Transfer(BaseModel):
    advisor_id: int


@router.get("/queue")
def queue(user: Staff, advisors: AdvisorsDep) -> dict[str, Any]:
    result: dict[str, Any] = advisors.queue(user)
    return result


@router.get("/advisors")
def colleagues(user: Staff, advisors: AdvisorsDep) -> list[dict[str, Any]]:
    return advisors.advisors()


@router.get("/stats")
def stats(user: Staff, advisors: AdvisorsDep) -> dict[str, Any]:
    return advisors.stats()


@router.post("/conversations/{conversation_id}/claim")
def claim(conversation_id: str, user: Staff, advisors: AdvisorsDep) -> dict[str, Any]:
    result: dict[str, Any] = advisors.claim(user, conversation_id)
    return result


@router.post("/conversations/{conversation_id}/messages")
def send(conversation_id: str, body: Text, user: Staff, advisors: AdvisorsDep) -> dict[str, Any]:
    result: dict[str, Any] = advisors.send(user, conversation_id, body.text)
    return result


@router.post("/conversations/{conversation_id}/handback")
def handback(conversation_id: str, user: Staff, advisors: AdvisorsDep) -> dict[str, Any]:
    result: dict[str, Any] = advisors.handback(user, conversation_id)
    return result


@router.post("/conversations/{conversation_id}/close")
def close(conversation_id: str, user: Staff, advisors: AdvisorsDep) -> dict[str, Any]:
    result: dict[str, Any] = advisors.close(user, conversation_id)
    return result


@router.post("/conversations/{conversation_id}/transfer")
def transfer(conversation_id: str, body: Transfer, user: Staff, advisors: AdvisorsDep) -> dict[str, Any]:
    result: dict[str, Any] = advisors.transfer(user, conversation_id, body.advisor_id)
    return result


@router.post("/conversations/{conversation_id}/notes")
def note(conversation_id: str, body: Text, user: Staff, advisors: AdvisorsDep) -> dict[str, Any]:
    result: dict[str, Any] = advisors.add_note(user, conversation_id, body.text)
    return result


@router.get("/conversations/{conversation_id}/transcript")
def transcript(conversation_id: str, user: Staff, advisors: AdvisorsDep) -> dict[str, Any]:
    result: dict[str, Any] = advisors.transcript(user, conversation_id)
    return result


def visible(event: dict[str, Any], user: User) -> bool:
    """Queue events go to every advisor; a conversation's messages only to its owner (and admins)."""
    if user.role == Role.ADMIN.value or event.get("type") in ("waiting", "state"):
        return True
    return event.get("state") == "waiting" or event.get("advisor_id") == user.id


@router.websocket("/ws")
async def advisor_events(websocket: WebSocket, db: DbDep, signer: SignerDep, broadcaster: BroadcasterDep) -> None:
    user = await asyncio.to_thread(websocket_user, websocket, db, signer)
    await websocket.accept()
    if user is None or user.role not in (Role.ADVISOR.value, Role.ADMIN.value):
        with contextlib.suppress(RuntimeError):
            await websocket.close(code=4401)
        return
    queue = broadcaster.subscribe(ADVISORS_TOPIC)
    await websocket.send_json({"type": "ready", "user_id": user.id})

    async def forward() -> None:
        while True:
            event = await queue.get()
            if visible(event, user):
                await websocket.send_json(event)

    async def drain() -> None:
        # Heartbeats keep the advisor counted as online for the "nobody online" check.
        while True:
            await websocket.receive_text()
            await asyncio.to_thread(websocket_user, websocket, db, signer)

    tasks = [asyncio.create_task(forward()), asyncio.create_task(drain())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    except WebSocketDisconnect:
        pass
    finally:
        for task in tasks:
            task.cancel()
        broadcaster.unsubscribe(ADVISORS_TOPIC, queue)
