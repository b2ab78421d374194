"""Request and response bodies of the admin privacy API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.privacy.subjects import Subject


class SubjectIn(BaseModel):
    """Exactly one way to find the person: the e-mail of their applications, a conversation, a case."""

    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(default=None, min_length=3, max_length=254)
    conversation_id: str | None = Field(default=None, min_length=1, max_length=32)
    reference: str | None = Field(default=None, min_length=1, max_length=32)

    @model_validator(mode="after")
    def exactly_one(self) -> SubjectIn:
        given = [name for name in ("email", "conversation_id", "reference") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError("give exactly one of email, conversation_id, reference")
        return self

    def subject(self) -> Subject:
        return Subject(email=self.email, conversation_id=self.conversation_id, reference=self.reference)


class ErasureOut(BaseModel):
    """What an erasure removed: counts per store, and per case reference whether it was deleted or
    anonymised (a case with issued credentials keeps only their revocation entries)."""

    conversations: int
    messages: int
    channel_events: int
    outbox: int
    consent_records: int
    documents: int
    fce_cases: dict[str, str]
    rasa_tracker_events: int
