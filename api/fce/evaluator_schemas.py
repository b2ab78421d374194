"""Request bodies of the evaluator API. As in schemas.py, each rule sits on the field it checks so a
422 names that field; nothing is stored unless the whole body is valid."""

from __future__ import annotations

import unicodedata

from pydantic import Field, StrictInt, ValidationInfo, field_validator

from api.fce.comparability import JAPAN_QUALIFICATIONS, JQF_FOR_ISCED
from api.fce.schemas import _Body
from api.fce.workflow import CloseReason, Status

MAX_MESSAGE = 2000
MAX_NOTE = 4000
MAX_REMARKS = 5000


def _text(value: str | None) -> str | None:
    """Free text may have line breaks and tabs, but no other control or format characters."""
    if value is None:
        return None
    if any(unicodedata.category(ch) in {"Cc", "Cf"} and ch not in "\n\t" for ch in value):
        raise ValueError("must not contain control characters")
    return value


class DifferenceIn(_Body):
    """A substantial difference and why it is one; the Tokyo Convention wants a reason for each."""

    difference: str = Field(min_length=1, max_length=500)
    reason: str = Field(min_length=1, max_length=2000)

    _check_text = field_validator("difference", "reason")(_text)


class EvaluationIn(_Body):
    # The credential's position in the application (0 for the first).
    credential: StrictInt = Field(default=0, ge=0, le=9)
    japan_equivalent: str = Field(min_length=1, max_length=32)
    # ISCED 2011 levels 2–8 and the prototype JQF's 1–8: the range the comparability data uses.
    isced_level: StrictInt = Field(ge=2, le=8)
    jqf_level: StrictInt = Field(ge=1, le=8)
    field: str = Field(min_length=1, max_length=200)
    substantial_differences: list[DifferenceIn] = Field(default_factory=list, max_length=20)
    remarks: str | None = Field(default=None, max_length=MAX_REMARKS)

    _check_text = field_validator("field", "remarks")(_text)

    @field_validator("japan_equivalent")
    @classmethod
    def known_japanese_qualification(cls, value: str) -> str:
        if value not in JAPAN_QUALIFICATIONS:
            raise ValueError(f"must be one of {', '.join(JAPAN_QUALIFICATIONS)}")
        return value

    @field_validator("jqf_level")
    @classmethod
    def agrees_with_isced(cls, value: int, info: ValidationInfo) -> int:
        isced = info.data.get("isced_level")
        if isced is not None and JQF_FOR_ISCED.get(isced) != value:
            raise ValueError(f"JQF level {JQF_FOR_ISCED.get(isced)} corresponds to ISCED level {isced}")
        return value

    @field_validator("remarks")
    @classmethod
    def blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class EvaluatorTransition(_Body):
    to: Status
    # Internal, except when closing: then it is also what the applicant is told (unless `message` is given).
    reason: str | None = Field(default=None, max_length=5000)
    close_reason: CloseReason | None = None
    message: str | None = Field(default=None, max_length=MAX_MESSAGE)

    _check_text = field_validator("reason", "message")(_text)


class DocumentsRequest(_Body):
    message: str = Field(min_length=1, max_length=MAX_MESSAGE)

    _check_text = field_validator("message")(_text)


class NoteIn(_Body):
    text: str = Field(min_length=1, max_length=MAX_NOTE)

    _check_text = field_validator("text")(_text)
