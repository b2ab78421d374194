"""Responses: the applicant, evaluator and internal APIs' answers (field names are the public contract).

The request bodies are the domain's (api/fce/schemas.py, api/fce/evaluator_schemas.py): the services take them.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from api.core.schemas import ResponseModel


class CreatedCaseOut(ResponseModel):
    reference: str
    access_code: str
    status: str
    # What the applicant is told about each credential they brought (api/fce/brought.py `summary`);
    # present only when they brought one.
    verifiable_credentials: list[dict[str, Any]] | None = None


class TimelineStep(ResponseModel):
    status: str
    at: str | None
    message: str | None = None  # present only when the evaluator asked or explained something


class CaseStatusOut(ResponseModel):
    reference: str
    status: str
    updated_at: str | None
    timeline: list[TimelineStep]
    next_step: str
    language: str


class DocumentOut(ResponseModel):
    id: int
    name: str
    media_type: str
    size_bytes: int
    sha256: str
    uploaded_at: str | None


class CountryOut(ResponseModel):
    code: str
    name: str


class CredentialOptionOut(ResponseModel):
    id: str
    names: dict[str, str]
    original_name: str | None
    isced_level: int


class PreviewOut(ResponseModel):
    country: str
    credential: str
    names: dict[str, str]
    isced_level: int
    jqf_level: int
    japan_equivalent: dict[str, str]
    typical_duration_years: float
    confidence: str
    notes: list[str]
    sources: list[str]
    disclaimer: str


class CaseSummaryOut(ResponseModel):
    reference: str
    status: str
    applicant_name: str
    language: str
    countries: list[str]
    documents_available: str
    interview_path: bool
    created_at: str | None
    updated_at: str | None


class EvaluatorCaseSummaryOut(CaseSummaryOut):
    age_days: int


class CaseListOut(ResponseModel):
    total: int
    page: int
    per_page: int
    items: list[CaseSummaryOut]


class EvaluatorCaseListOut(ResponseModel):
    total: int
    page: int
    per_page: int
    pages: int
    items: list[EvaluatorCaseSummaryOut]


class ApplicantOut(ResponseModel):
    name: str
    email: str | None
    conversation_id: str | None
    language: str
    residence_country: str
    nationality: str | None


class CaseCredentialOut(ResponseModel):
    position: int
    country: str
    credential_id: str | None
    credential_name: str | None
    institution: str | None
    field_of_study: str | None
    start_year: int | None
    end_year: int | None
    language_of_instruction: str | None


class EventOut(ResponseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    from_: str | None = Field(alias="from")
    to: str
    actor: str
    reason: str | None
    message: str | None
    at: str | None
    actor_name: str | None = None  # present in the evaluator's case file only


class CaseDetailOut(ResponseModel):
    reference: str
    status: str
    closed_reason: str | None
    applicant: ApplicantOut
    purpose: str
    documents_available: str
    interview_path: bool
    credentials: list[CaseCredentialOut]
    documents: list[DocumentOut]
    timeline: list[EventOut]
    created_at: str | None
    updated_at: str | None
    clock_started_at: str | None
    evaluated_at: str | None
    turnaround_days: float | None


class DifferenceOut(ResponseModel):
    difference: str
    reason: str


class EvaluationOut(ResponseModel):
    credential: int
    japan_equivalent: str | None
    isced_level: int | None
    jqf_level: int | None
    field: str | None
    substantial_differences: list[DifferenceOut]
    remarks: str | None
    evaluator_id: int | None
    updated_at: str | None


class CredentialPreviewOut(ResponseModel):
    japan_equivalent: str
    isced_level: int
    jqf_level: int
    typical_duration_years: float
    confidence: str
    notes: str
    sources: list[str]
    names: dict[str, str]
    original_name: str | None


class NoteOut(ResponseModel):
    id: int
    author: str
    text: str
    at: str | None


class StatementState(ResponseModel):
    issued: bool
    sha256: str | None


class CaseFileOut(CaseDetailOut):
    """The evaluator's case page: the case detail plus evaluations, previews, notes and what may follow."""

    evaluations: dict[str, EvaluationOut]
    previews: list[CredentialPreviewOut | None]
    notes: list[NoteOut]
    statement: StatementState
    allowed: list[str]
    editable: bool
    # The brought credentials, shaped as api/records/brought_routes.py `BroughtCredential` (records
    # depends on fce, so the model cannot be imported here).
    verifiable_credentials: list[dict[str, Any]]
