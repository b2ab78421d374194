"""Response models of the advisor console's JSON API (/api/v1/advisor/*); field names are its contract."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from api.conversations.schemas import MessageOut
from api.core.schemas import ResponseModel


class QueueEntry(ResponseModel):
    id: str
    language: str
    channel: str
    state: str
    reason: str
    left_message: bool
    transfer_to_id: int | None
    waiting_seconds: int
    last_messages: list[MessageOut]
    last_intents: list[str]
    topics: list[str]
    unread: int
    advisor_id: int | None = None  # present on the advisor's own conversations ("mine")


class QueueOut(ResponseModel):
    waiting: list[QueueEntry]
    mine: list[QueueEntry]
    online: int
    # Online and within office hours: the handoff's own test, so the console and the user agree.
    available: int


class Colleague(ResponseModel):
    id: int
    display_name: str
    languages: list[str]


class Rating(ResponseModel):
    count: int
    average: float


class StatsOut(ResponseModel):
    handoffs: int
    by_reason: dict[str, int]
    claimed: int
    median_wait_seconds: float | None
    ratings_by_language: dict[str, Rating]
    ratings_by_channel: dict[str, Rating]


class StateOut(ResponseModel):
    """A conversation's state after claim, handback, close or transfer (extra fields per action)."""

    id: str
    state: str
    advisor_id: int | None = None  # present after a claim
    transfer_to_id: int | None = None  # present after a transfer


class NoteOut(ResponseModel):
    id: int
    text: str
    author: str | None
    created_at: str


class ConversationInfo(ResponseModel):
    id: str
    language: str
    channel: str
    state: str
    advisor_id: int | None
    reason: str | None
    last_intents: list[str]


class OwnershipEventOut(ResponseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    from_: str | None = Field(alias="from")
    to: str
    actor: str
    user_id: int | None
    reason: str | None
    created_at: str


class TranscriptOut(ResponseModel):
    conversation: ConversationInfo
    messages: list[MessageOut]
    notes: list[NoteOut]
    events: list[OwnershipEventOut]
