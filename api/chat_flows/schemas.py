"""Request bodies from the action server. Unknown slots and oversized values are a 422 naming the field."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from api.chat_flows.slots import SlotName
from api.conversations.schemas import ReplyOut
from api.core.schemas import ResponseModel
from knowledge_base.languages import Language

# Slot values are what Rasa stores: typed text (as long as the widget allows), numbers, yes/no.
SlotValue = Annotated[str, Field(max_length=10_000)] | StrictInt | StrictBool | None
Slots = Annotated[dict[SlotName, SlotValue], Field(max_length=40)]


class FlowRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: str = Field(min_length=1, max_length=64)
    # The mirrored language slot: used only when the api does not know the conversation.
    language: Language | None = None
    slots: Slots = Field(default_factory=dict)


class AskRequest(FlowRequest):
    slot: SlotName


class ValidateRequest(FlowRequest):
    candidates: Annotated[dict[SlotName, SlotValue], Field(min_length=1, max_length=40)]
    requested_slot: SlotName | None = None
    text: str = Field(default="", max_length=10_000)
    intent: str | None = Field(default=None, max_length=64)
    confidence: float | None = Field(default=None, ge=0, le=1)


class CaseStatusRequest(FlowRequest):
    reference: str = Field(min_length=1, max_length=64)
    access_code: str = Field(min_length=1, max_length=500)


class PrefillRequest(FlowRequest):
    form: str = Field(min_length=1, max_length=64, pattern=r"^[a-z_]+_form$")
    text: str = Field(default="", max_length=10_000)


# -- Responses: what the action server reads back (actions/flow_*.py). Replies leave out `buttons` and
# `sources` when they have none, and the routes answer with `response_model_exclude_unset=True`, so each
# answer is exactly the dict the route builds; a field below without a default is always there.

FlowValue = str | int | bool | None  # a slot's value as Rasa stores it (api/chat_flows/slots.py Value)


class RepliesOut(ResponseModel):
    """Replies to show, in the conversation's language."""

    replies: list[ReplyOut]


class ValidateOut(RepliesOut):
    """The slots to set (a re-asked slot is null), and whether the answer was taken or the person wants out."""

    slots: dict[str, FlowValue]
    valid: bool
    exit: bool


class PrefillOut(ResponseModel):
    """The answers the starting message already gave; `case_access_code` only as "given"."""

    slots: dict[str, FlowValue]


class PreviewOut(RepliesOut):
    """The preview, and the application form's slots (prefilled from it, the rest cleared)."""

    slots: dict[str, FlowValue]


class CredentialDraft(ResponseModel):
    country: FlowValue
    credential_id: FlowValue
    credential_name: FlowValue
    institution: FlowValue
    field_of_study: FlowValue
    start_year: FlowValue
    end_year: FlowValue
    language_of_instruction: FlowValue


class ApplicationDraft(ResponseModel):
    """The finished form as the body of POST /internal/v1/fce/cases (a `ChatApplication`, which checks it)."""

    conversation_id: str
    email: FlowValue
    name: FlowValue
    preferred_language: FlowValue
    residence_country: FlowValue
    nationality: FlowValue
    purpose: FlowValue
    credentials: list[CredentialDraft]
    documents: FlowValue
    consent: FlowValue


class ApplicationOut(ResponseModel):
    application: ApplicationDraft
    interview: bool  # no documents to send: the case goes the interview path


class CaseStatusOut(RepliesOut):
    """`outcome`: found, not_found, rate_limited or locked; `status` only when found."""

    outcome: str
    status: str | None = None


class PointsSummary(ResponseModel):
    total: int
    threshold: int
    eligible: bool


class PointsOut(RepliesOut):
    result: PointsSummary


class PathwaySummary(ResponseModel):
    """The statuses by outcome, and whether the replies offer to calculate the HSP points."""

    fits: list[str]
    nearly: list[str]
    no: list[str]
    offer_points: bool


class PathwayOut(RepliesOut):
    result: PathwaySummary


class AdviceRequestOut(RepliesOut):
    reference: str
    free_slots: int


class OutcomeOut(RepliesOut):
    """A booking's or status check's outcome (booked, taken, no_request; none or the request's state)."""

    outcome: str
