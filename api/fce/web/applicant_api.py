"""The applicant's API: apply, follow the case with reference + access code, upload documents."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request, status
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.core.i18n import Catalogs
from api.core.validation import multipart_form
from api.deps import CatalogsDep, EvaluationsDep, FceDep
from api.fce import fonts, guards
from api.fce.brought import Brought, BroughtRefused
from api.fce.config import FceSettings
from api.fce.documents import DocumentRejected
from api.fce.evaluations import EvaluationService, NotEvaluated
from api.fce.feature import Fce
from api.fce.schemas import ApplicationBase, WebApplication
from api.fce.service import (
    CaseClosedForDocuments,
    CaseNotFound,
    CreatedCase,
    IdempotencyConflict,
    TooManyDocuments,
    document_dict,
    iso,
)
from api.fce.statement import UncoveredText
from api.fce.web.downloads import STATEMENT_DOC, statement_response
from api.fce.web.request import client_ip, field_error, request_language
from api.fce.web.responses import CaseStatusOut, CreatedCaseOut, DocumentOut

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/fce", tags=["fce"])
# Clients send a UUID or similar; the key also seals the replayed access code, so it must be long.
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_\-:.]{16,128}$")
# Multipart framing around one file is a few hundred bytes; this margin is generous.
MULTIPART_OVERHEAD = 64 * 1024
AccessCode = Annotated[str, Header(alias="X-Access-Code", min_length=1, max_length=64)]


def check_credentials(application: ApplicationBase, fce: Fce) -> None:
    """A credential id must be one the data lists for that country; free text is always accepted."""
    for index, credential in enumerate(application.credentials):
        if credential.credential_id is not None and fce.data.find(credential.country, credential.credential_id) is None:
            raise field_error(
                ["body", "credentials", index, "credential_id"],
                "unknown credential for this country; choose one from /api/v1/fce/credentials or give credential_name",
            )


def check_idempotency_key(key: str | None) -> None:
    if key is not None and not IDEMPOTENCY_KEY.match(key):
        raise field_error(["header", "Idempotency-Key"], "must be 16–128 characters: letters, digits, - _ : .")


def limited(catalogs: Catalogs, language: str, error: guards.Limited, key: str) -> HTTPException:
    minutes = max(1, (error.retry_after + 59) // 60)
    message = catalogs.gettext(key, language, minutes=minutes, seconds=error.retry_after)
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS, detail=message, headers={"Retry-After": str(error.retry_after)}
    )


def created_response(created: CreatedCase, brought: list[Brought] | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "reference": created.reference,
        "access_code": created.access_code,
        "status": created.status,
    }
    if brought:
        body["verifiable_credentials"] = [item.summary for item in brought]
    # The access code is a secret: no cache may keep this response.
    return JSONResponse(body, status_code=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})


@router.post("/cases", status_code=status.HTTP_201_CREATED, response_model=CreatedCaseOut)
def create_case(
    body: WebApplication,
    request: Request,
    fce: FceDep,
    catalogs: CatalogsDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    check_idempotency_key(idempotency_key)
    check_credentials(body, fce)
    s = fce.settings
    try:
        fce.cases.rate_limit("create", client_ip(request), s.ip_create_limit, s.ip_create_window_seconds)
    except guards.Limited as error:
        raise limited(catalogs, body.preferred_language, error, "fce.api.rate_limited") from None
    brought = check_brought(body, fce, catalogs)
    try:
        created = fce.cases.create_case(body, email=body.email, idempotency_key=idempotency_key, brought=brought)
    except IdempotencyConflict as error:
        raise field_error(["header", "Idempotency-Key"], str(error), "idempotency_conflict") from None
    return created_response(created, brought)


def check_brought(body: WebApplication, fce: Fce, catalogs: Catalogs) -> list[Brought]:
    """Verify the attached digital credentials before anything is stored (network, so outside any
    transaction); a refusal names the attachment and is worded in the applicant's language."""
    if not body.verifiable_credentials:
        return []
    try:
        brought = fce.bring(body.verifiable_credentials, body.preferred_language)
    except BroughtRefused as error:
        loc = ["body", "verifiable_credentials", error.index]
        raise HTTPException(
            error.status_code, detail=[{"loc": loc, "msg": error.message, "type": error.kind}]
        ) from None
    if not body.credentials and all(item.credential is None for item in brought):
        message = catalogs.gettext("bring.error.nothing_to_prefill", body.preferred_language)
        raise field_error(["body", "credentials"], message, "missing")
    return brought


def open_case(
    fce: Fce, catalogs: Catalogs, request: Request, reference: str, code: str, language: str | None = None
) -> tuple[int, str]:
    """Rate-limit the IP, then check the code; 404 for unknown and wrong alike, 429 when locked.

    Refusals are worded in `language` (a web page's), else in the Accept-Language header's.
    """
    language = language or request_language(request)
    s = fce.settings
    try:
        fce.cases.rate_limit("access", client_ip(request), s.ip_status_limit, s.ip_status_window_seconds)
    except guards.Limited as error:
        raise limited(catalogs, language, error, "fce.api.rate_limited") from None
    try:
        return fce.cases.authenticate(reference, code, client_ip(request))
    except CaseNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=catalogs.gettext("fce.api.not_found", language)) from None
    except guards.Limited as error:
        raise limited(catalogs, language, error, "fce.api.locked") from None


@dataclass(frozen=True)
class Owned:
    """The applicant's own case, opened by its reference and X-Access-Code."""

    case_id: int
    language: str


def owned_case(
    reference: str, request: Request, response: Response, fce: FceDep, catalogs: CatalogsDep, x_access_code: AccessCode
) -> Owned:
    """The door every applicant route goes through: open_case's 404, rate limit and lockout, and an
    answer no cache keeps (it is one person's data; a route returning its own Response sets it too)."""
    response.headers["Cache-Control"] = "no-store"
    return Owned(*open_case(fce, catalogs, request, reference, x_access_code))


OwnedCase = Annotated[Owned, Depends(owned_case)]


def timeline_entry(status_: str, at: datetime, message: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"status": status_, "at": iso(at)}
    if message:
        entry["message"] = message  # what the evaluator asked or explained; internal reasons stay internal
    return entry


@router.get("/cases/{reference}", response_model=CaseStatusOut, response_model_exclude_unset=True)
def case_status(owned: OwnedCase, fce: FceDep, catalogs: CatalogsDep) -> JSONResponse:
    view = fce.cases.status_view(owned.case_id)
    step = view.status
    if view.interview_path and step == "submitted":
        step = "submitted_interview"
    body = {
        "reference": view.reference,
        "status": view.status,
        "updated_at": iso(view.updated_at),
        "timeline": [timeline_entry(name, at, message) for name, at, message in view.timeline],
        "next_step": catalogs.gettext(f"fce.next_step.{step}", view.language),
        "language": view.language,
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.get("/cases/{reference}/statement", response_class=Response, responses=STATEMENT_DOC)
def download_statement(owned: OwnedCase, catalogs: CatalogsDep, evaluations: EvaluationsDep) -> Response:
    """The evaluation statement PDF, once the case is evaluated; same 404 and lockout as the status."""
    return statement_for_applicant(evaluations, catalogs, owned.case_id, owned.language)


def statement_for_applicant(
    evaluations: EvaluationService, catalogs: Catalogs, case_id: int, language: str
) -> Response:
    try:
        issued = evaluations.statement(case_id=case_id)
    except NotEvaluated:
        detail = catalogs.gettext("fce.statement.not_ready", language)
        raise HTTPException(status.HTTP_409_CONFLICT, detail=detail) from None
    except (fonts.FontMissing, UncoveredText) as error:
        log.error("fce statement cannot be rendered: %s: %s", type(error).__name__, error)
        detail = catalogs.gettext("fce.statement.unavailable", language)
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=detail) from None
    return statement_response(issued)


@router.get("/cases/{reference}/documents", response_model=list[DocumentOut])
def list_documents(owned: OwnedCase, fce: FceDep) -> list[dict[str, Any]]:
    return [document_dict(document) for document in fce.cases.list_documents(owned.case_id)]


# The body is read by hand (after the code is checked, with the size capped), so FastAPI cannot see it:
# the document says what it is for clients and schemathesis.
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


@router.post(
    "/cases/{reference}/documents",
    status_code=status.HTTP_201_CREATED,
    response_model=DocumentOut,
    openapi_extra=UPLOAD_BODY,
)
async def upload_document(
    reference: str, request: Request, fce: FceDep, catalogs: CatalogsDep, x_access_code: AccessCode
) -> dict[str, Any]:
    """One file per request in the multipart field `file`. The body is parsed only after the code is checked."""
    s = fce.settings
    language = request_language(request)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > s.max_document_bytes + MULTIPART_OVERHEAD:
        raise _document_error(catalogs, language, 413, "fce.document.too_large", s)
    case_id, language = await run_in_threadpool(open_case, fce, catalogs, request, reference, x_access_code)
    try:
        await run_in_threadpool(fce.cases.check_room, case_id)
        async with multipart_form(request, max_files=1, max_fields=4) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise _file_error(catalogs, language, "fce.document.no_file", s)
            document = await run_in_threadpool(fce.cases.add_document, case_id, upload.file, upload.filename)
    except CaseClosedForDocuments:
        raise _document_error(catalogs, language, 409, "fce.document.closed", s) from None
    except TooManyDocuments:
        raise _file_error(catalogs, language, "fce.document.too_many", s) from None
    except DocumentRejected as error:
        key = _DOCUMENT_KEYS.get(error.status_code, "fce.document.empty")
        if error.status_code == 400:  # empty: the field is there but holds nothing
            raise _file_error(catalogs, language, key, s) from None
        raise _document_error(catalogs, language, error.status_code, key, s) from None
    return document_dict(document)


# documents.store explains refusals in English for logs; the applicant reads the catalog text.
_DOCUMENT_KEYS = {400: "fce.document.empty", 413: "fce.document.too_large", 415: "fce.document.type"}


def _document_text(catalogs: Catalogs, language: str, key: str, s: FceSettings) -> str:
    megabytes = s.max_document_bytes // (1024 * 1024)
    return catalogs.gettext(key, language, megabytes=megabytes, count=s.max_documents_per_case)


def _document_error(catalogs: Catalogs, language: str, code: int, key: str, s: FceSettings) -> HTTPException:
    return HTTPException(code, detail=_document_text(catalogs, language, key, s))


def _file_error(catalogs: Catalogs, language: str, key: str, s: FceSettings) -> HTTPException:
    """A 422 naming the form field `file` (missing, empty, or one too many), in the applicant's language."""
    error = {"loc": ["body", "file"], "msg": _document_text(catalogs, language, key, s), "type": "value_error"}
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=[error])
