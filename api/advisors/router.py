"""/api/v1/advisor/*: the queue and the actions on a conversation. Advisors and admins only."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field

from api.advisors.schemas import Colleague, NoteOut, QueueOut, StateOut, StatsOut, TranscriptOut
from api.advisors.service import ADVISORS_TOPIC
from api.auth.deps import require_roles, websocket_user
from api.auth.models import Role, User
from api.conversations.schemas import MessageOut
from api.core.validation import NonBlankText
from api.deps import AdvisorsDep, BroadcasterDep, StaffSessionsDep

MAX_TEXT = 4000
staff = require_roles(Role.ADVISOR.value, Role.ADMIN.value)
Staff = Annotated[User, Depends(staff)]

router = APIRouter(prefix="/api/v1/advisor", tags=["advisor"])


class Text(BaseModel):
    text: NonBlankText = Field(max_length=MAX_TEXT)


class Transfer(BaseModel):
    advisor_id: int


@router.get("/queue", response_model=QueueOut, response_model_exclude_unset=True)
def queue(user: Staff, advisors: AdvisorsDep) -> dict[str, Any]:
    result: dict[str, Any] = advisors.queue(user)
    return result


@router.get("/advisors", response_model=list[Colleague])
def colleagues(user: Staff, advisors: AdvisorsDep) -> list[dict[str, Any]]:
    return advisors.advisors()


@router.get("/stats", response_model=StatsOut)
def stats(user: Staff, advisors: AdvisorsDep) -> dict[str, Any]:
    return advisors.stats()


@router.post("/conversations/{conversation_id}/claim", response_model=StateOut, response_model_exclude_unset=True)
def claim(conversation_id: str, user: Staff, advisors: AdvisorsDep) -> dict[str, Any]:
    result: dict[str, Any] = advisors.claim(user, conversation_id)
    return result


@router.post("/conversations/{conversation_id}/messages", response_model=MessageOut, response_model_exclude_unset=True)
def send(conversation_id: str, body: Text, user: Staff, advisors: AdvisorsDep) -> dict[str, Any]:
    result: dict[str, Any] = advisors.send(user, conversation_id, body.text)
    return result


@router.post("/conversations/{conversation_id}/handback", response_model=StateOut, response_model_exclude_unset=True)
def handback(conversation_id: str, user: Staff, advisors: AdvisorsDep) -> dict[str, Any]:
    result: dict[str, Any] = advisors.handback(user, conversation_id)
    return result


@router.post("/conversations/{conversation_id}/close", response_model=StateOut, response_model_exclude_unset=True)
def close(conversation_id: str, user: Staff, advisors: AdvisorsDep) -> dict[str, Any]:
    result: dict[str, Any] = advisors.close(user, conversation_id)
    return result


@router.post("/conversations/{conversation_id}/transfer", response_model=StateOut, response_model_exclude_unset=True)
def transfer(conversation_id: str, body: Transfer, user: Staff, advisors: AdvisorsDep) -> dict[str, Any]:
    result: dict[str, Any] = advisors.transfer(user, conversation_id, body.advisor_id)
    return result


@router.post("/conversations/{conversation_id}/notes", response_model=NoteOut)
def note(conversation_id: str, body: Text, user: Staff, advisors: AdvisorsDep) -> dict[str, Any]:
    result: dict[str, Any] = advisors.add_note(user, conversation_id, body.text)
    return result


@router.get(
    "/conversations/{conversation_id}/transcript", response_model=TranscriptOut, response_model_exclude_unset=True
)
def transcript(conversation_id: str, user: Staff, advisors: AdvisorsDep) -> dict[str, Any]:
    result: dict[str, Any] = advisors.transcript(user, conversation_id)
    return result


def visible(event: dict[str, Any], user: User) -> bool:
    """Queue events go to every advisor; a conversation's messages only to its owner (and admins)."""
    if user.role == Role.ADMIN.value or event.get("type") in ("waiting", "state"):
        return True
    return event.get("state") == "waiting" or event.get("advisor_id") == user.id


@router.websocket("/ws")
async def advisor_events(websocket: WebSocket, sessions: StaffSessionsDep, broadcaster: BroadcasterDep) -> None:
    """Live queue events while the session lives: it is asked again on every heartbeat and every
    SESSION_RECHECK_SECONDS (a client that never beats is still cut off), and the socket closes with
    4401 once the session has ended (logout, deactivation, password reset, idle or absolute timeout)."""
    user = await asyncio.to_thread(websocket_user, websocket, sessions)
    await websocket.accept()
    if user is None or user.role not in (Role.ADVISOR.value, Role.ADMIN.value):
        with contextlib.suppress(RuntimeError):
            await websocket.close(code=4401)
        return
    queue = broadcaster.subscribe(ADVISORS_TOPIC)
    await websocket.send_json({"type": "ready", "user_id": user.id})

    async def alive() -> bool:
        return await asyncio.to_thread(websocket_user, websocket, sessions) is not None

    async def forward() -> None:
        while True:
            event = await queue.get()
            if visible(event, user):
                await websocket.send_json(event)

    async def heartbeats() -> None:
        # Heartbeats keep the advisor counted as online for the "nobody online" check.
        while await alive():
            await websocket.receive_text()

    async def recheck() -> None:
        while await alive():
            await asyncio.sleep(sessions.recheck_seconds)

    tasks = [asyncio.create_task(forward()), asyncio.create_task(heartbeats()), asyncio.create_task(recheck())]
    try:
        done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        # A checker that returned (rather than failed on a closed socket) found the session over.
        if any(task is not tasks[0] and not task.cancelled() and task.exception() is None for task in done):
            with contextlib.suppress(RuntimeError):
                await websocket.close(code=4401)
    except WebSocketDisconnect:
        pass
    finally:
        for task in tasks:
            task.cancel()
        broadcaster.unsubscribe(ADVISORS_TOPIC, queue)
