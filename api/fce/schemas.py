"""Request bodies: what the case service, the preview and the routes take (the answers they give are
api/fce/web/responses.py).

Every request rule lives on the field it checks, so a 422 always names that field.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.functional_validators import AfterValidator
from pydantic_core import InitErrorDetails, PydanticCustomError

from api.fce.countries import is_country
from api.fce.workflow import CloseReason, Status
from knowledge_base.languages import Language

Purpose = Literal["employment", "university_admission", "residence_application", "professional_licence", "other"]
DocumentsAvailable = Literal["all", "some", "none"]
Year = Annotated[StrictInt, Field(ge=1940, le=2100)]
# A digital credential the applicant brings: a compact JWT, or a JSON document (an Open Badges 3.0 /
# VC JSON) that carries one. 64 KB is far above any real credential and far below the body limits.
MAX_ATTACHMENT_BYTES = 64 * 1024
MAX_ATTACHMENTS = 3
# Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is proven by use, not regex.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _printable(value: str) -> str:
    if any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in value):
        raise ValueError("must not contain control characters")
    return value


def _country(value: str) -> str:
    code = value.upper()
    if not is_country(code):
        raise ValueError("must be an ISO 3166-1 alpha-2 country code")
    return code


class CredentialIn(_Body):
    country: str = Field(min_length=2, max_length=2)
    credential_id: str | None = Field(default=None, min_length=1, max_length=64)
    credential_name: str | None = Field(default=None, min_length=1, max_length=300, validate_default=True)
    institution: str = Field(min_length=1, max_length=300)
    field_of_study: str = Field(min_length=1, max_length=200)
    start_year: Year
    end_year: Year | None = None
    language_of_instruction: str = Field(min_length=1, max_length=64)

    _check_country = field_validator("country")(_country)
    _check_text = field_validator("credential_name", "institution", "field_of_study", "language_of_instruction")(
        lambda value: value if value is None else _printable(value)
    )

    @field_validator("credential_name")
    @classmethod
    def name_or_id(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("credential_id") is None:
            raise ValueError("give credential_id from the list or credential_name as free text")
        return value

    @field_validator("start_year")
    @classmethod
    def started_already(cls, value: int) -> int:
        if value > datetime.now(UTC).year:
            raise ValueError("start_year must not be in the future")
        return value

    @field_validator("end_year")
    @classmethod
    def ends_after_start(cls, value: int | None, info: ValidationInfo) -> int | None:
        start = info.data.get("start_year")
        if value is not None and start is not None and value < start:
            raise ValueError("end_year must not be before start_year")
        return value


class ApplicationBase(_Body):
    name: str = Field(min_length=1, max_length=200)
    preferred_language: Language
    residence_country: str = Field(min_length=2, max_length=2)
    nationality: str | None = Field(default=None, min_length=2, max_length=2)
    purpose: Purpose
    credentials: list[CredentialIn] = Field(min_length=1, max_length=10)
    documents: DocumentsAvailable
    consent: StrictBool

    _check_name = field_validator("name")(_printable)
    _check_countries = field_validator("residence_country", "nationality")(
        lambda value: value if value is None else _country(value)
    )

    @field_validator("consent")
    @classmethod
    def consent_given(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("consent to processing is required to apply")
        return value


def _attachment_size(value: StrictStr | dict[str, Any]) -> StrictStr | dict[str, Any]:
    if isinstance(value, str):
        size = len(value.encode())
    else:
        try:
            size = len(json.dumps(value, ensure_ascii=False).encode())
        except (ValueError, TypeError, RecursionError):
            raise ValueError("not a JSON document") from None
    if size > MAX_ATTACHMENT_BYTES:
        raise ValueError(f"the digital credential is larger than {MAX_ATTACHMENT_BYTES // 1024} KB")
    if isinstance(value, str) and not value.strip():
        raise ValueError("the digital credential is empty")
    return value


Attachment = Annotated[StrictStr | dict[str, Any], Field(union_mode="left_to_right"), AfterValidator(_attachment_size)]


class WebApplication(ApplicationBase):
    """The form and API: the applicant is contacted by e-mail.

    `verifiable_credentials` (optional): digital credentials from the applicant's institution. Each
    that verifies pre-fills one more case credential, so `credentials` may then be empty.
    """

    email: str = Field(min_length=3, max_length=254)
    credentials: list[CredentialIn] = Field(default_factory=list, max_length=10)
    verifiable_credentials: list[Attachment] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)

    @model_validator(mode="after")
    def something_to_evaluate(self) -> WebApplication:
        # Named on `credentials` (as before attachments existed): that is what the applicant fills in.
        if not self.credentials and not self.verifiable_credentials:
            error = PydanticCustomError("too_short", "give at least one credential, or attach a digital credential")
            raise ValidationError.from_exception_data(
                type(self).__name__, [InitErrorDetails(type=error, loc=("credentials",), input=[])]
            )
        return self

    @field_validator("email")
    @classmethod
    def looks_like_email(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise ValueError("must be an e-mail address")
        local, _, domain = value.rpartition("@")
        return f"{local}@{domain.lower()}"


class ChatApplication(ApplicationBase):
    """From the action server: the conversation is the contact; an e-mail is optional."""

    conversation_id: str = Field(min_length=1, max_length=32)
    email: str | None = Field(default=None, min_length=3, max_length=254)

    @field_validator("email")
    @classmethod
    def looks_like_email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value):
            raise ValueError("must be an e-mail address")
        return value


class PreviewRequest(_Body):
    country: str = Field(min_length=2, max_length=2)
    credential: str = Field(min_length=1, max_length=64)
    years: float | None = Field(default=None, gt=0, le=20)
    language: Language = "en"

    @field_validator("country")
    @classmethod
    def upper(cls, value: str) -> str:
        return value.upper()


class TransitionRequest(_Body):
    to: Status
    actor: str = Field(min_length=1, max_length=128)
    reason: str | None = Field(default=None, max_length=5000)
    close_reason: CloseReason | None = None
