"""Request bodies from the action server. Unknown slots and oversized values are a 422 naming the field."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from api.chat_flows.slots import SlotName
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
