"""The bodies and typed responses of the advice endpoints (issue #17): names are the contract.

Every choice is checked against the rule data (statuses, fields, JQF qualification ids), so a bad value
is a 422 naming the field; texts are capped so an oversized body is refused, not stored. Times are
aware datetimes in UTC on the wire; a time zone is an IANA name the server's tz database knows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Annotated, Literal, get_args
from zoneinfo import available_timezones

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from api.pathways.data import framework_qualifications, pathway_rules
from knowledge_base.languages import Language

# Where the applicant is now: a status of residence we know, or outside Japan / another status.
NOT_A_STATUS = ("abroad", "other")
JapaneseLevel = Literal["N1", "N2", "N3", "N4", "N5", "none"]
JAPANESE_LEVELS: tuple[str, ...] = get_args(JapaneseLevel)
# What came of an advice case, recorded by its advisor and counted by the insights (a fixed list).
Outcome = Literal[
    "enrolled_in_course",
    "passed_qualification",
    "changed_status",
    "found_job",
    "referred_elsewhere",
    "no_follow_up",
    "withdrawn",
]
OUTCOMES: tuple[str, ...] = get_args(Outcome)
TimeZoneName = Annotated[str, Field(min_length=1, max_length=64)]


def check_time_zone(value: str | None) -> str | None:
    """An IANA zone name (Asia/Ho_Chi_Minh, America/Sao_Paulo…); anything else is a 422."""
    if value is not None and value not in _zones():
        raise ValueError("unknown time zone; give an IANA name such as Asia/Tokyo")
    return value


@lru_cache(maxsize=1)
def time_zones() -> tuple[str, ...]:
    """The IANA names the server's tz database knows, sorted (the page offers them as choices)."""
    return tuple(sorted(available_timezones()))


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(time_zones())


def qualification_ids() -> set[str]:
    data = framework_qualifications()
    return {q["id"] for q in data["academic"]} | {q["id"] for g in data["occupational"] for q in g["qualifications"]}


class AdviceRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Language = "en"
    current_status: str
    qualifications: Annotated[list[str], Field(max_length=20)] = []
    japanese_level: JapaneseLevel
    goal_status: str
    goal_field: str | None = None
    note: Annotated[str, Field(max_length=1000)] | None = None
    email: Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    consent: Annotated[bool, Field(strict=True)]
    time_zone: TimeZoneName | None = None

    _zone = field_validator("time_zone")(check_time_zone)

    @field_validator("current_status")
    @classmethod
    def _current(cls, value: str) -> str:
        if value not in NOT_A_STATUS and value not in pathway_rules()["statuses"]:
            raise ValueError("unknown status of residence")
        return value

    @field_validator("goal_status")
    @classmethod
    def _goal(cls, value: str) -> str:
        if value not in pathway_rules()["statuses"]:
            raise ValueError("unknown status of residence")
        return value

    @field_validator("goal_field")
    @classmethod
    def _field(cls, value: str | None) -> str | None:
        if value is not None and value not in pathway_rules()["fields"]:
            raise ValueError("unknown field")
        return value

    @field_validator("qualifications")
    @classmethod
    def _qualifications(cls, values: list[str]) -> list[str]:
        unknown = sorted(set(values) - qualification_ids())
        if unknown:
            raise ValueError(f"unknown qualification ids: {', '.join(unknown[:5])}")
        return list(dict.fromkeys(values))

    @field_validator("consent")
    @classmethod
    def _consent(cls, value: bool) -> bool:
        if not value:
            raise ValueError("consent is required to keep the request")
        return value


class ChatAdviceRequestIn(AdviceRequestIn):
    """From the action server: the conversation is the contact (reminders go there)."""

    conversation_id: Annotated[str, Field(min_length=1, max_length=32)]


class PathStep(BaseModel):
    """One step ahead: a JQF rung (kind as in the data), a Japanese level (`japanese`) or the goal (`status`)."""

    id: str
    name: str
    level: int
    field: str
    kind: str = "rung"
    via: str | None = None
    starts: str | None = None


class CaseStudyLink(BaseModel):
    id: str
    title: str
    url: str


class AdviceRequestOut(BaseModel):
    reference: str
    state: str
    suggested_path: list[PathStep]
    created_at: datetime
    # Shown once, in the 201 (and to a retry that still holds the Idempotency-Key); never stored in clear.
    access_code: str | None = None
    field: str | None = None
    nqf_url: str | None = None
    case_studies: list[CaseStudyLink] = []


class BookingOut(BaseModel):
    slot_id: int
    starts_at: datetime
    minutes: int
    time_zone: str
    local_start: str
    advisor: str


class AdviceStatusOut(AdviceRequestOut):
    """What the applicant sees with reference + access code."""

    language: str
    goal_status: str
    time_zone: str | None
    booking: BookingOut | None
    outcome: str | None


class FreeSlot(BaseModel):
    id: int
    starts_at: datetime
    minutes: int
    local_start: str


class BookingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slot_id: Annotated[int, Field(ge=1)]
    time_zone: TimeZoneName | None = None

    _zone = field_validator("time_zone")(check_time_zone)


class SlotIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime
    minutes: Annotated[int, Field(ge=15, le=180)] = 45

    @field_validator("starts_at")
    @classmethod
    def _future(cls, value: datetime) -> datetime:
        if value <= datetime.now(UTC):
            raise ValueError("a slot must start in the future")
        return value


class SlotOut(BaseModel):
    id: int
    advisor_id: int
    advisor: str
    starts_at: datetime
    minutes: int
    reference: str | None
    reminded_at: datetime | None


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, Field(min_length=1, max_length=4000)]
    follow_up_on: date | None = None

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the note is empty")
        return value.strip()


class NoteOut(BaseModel):
    id: int
    text: str
    follow_up_on: date | None
    author: str | None
    created_at: datetime


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome


class AdviceRequestView(AdviceRequestOut):
    """What an advisor sees in the list: the request as sent (without the e-mail unless they open the case)."""

    language: str
    channel: str
    current_status: str
    qualifications: list[str]
    japanese_level: str
    goal_status: str
    goal_field: str | None
    note: str | None
    outcome: str | None = None
    session_at: datetime | None = None


class AdviceCaseOut(AdviceRequestView):
    """One case as its advisor works on it: contact, booking, notes and follow-ups."""

    email: str | None
    time_zone: str | None
    booking: BookingOut | None
    notes: list[NoteOut]
