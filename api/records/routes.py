"""Records API: the DID document, status lists, an applicant's and an evaluator's credential, verify.

| route | who |
|---|---|
| GET /.well-known/did.json | anyone |
| GET /api/v1/records/status/{revocation,suspension} | anyone (vc+jwt) |
| GET /api/v1/fce/cases/{reference}/credential | X-Access-Code (same 404, rate limit and lockout as the status) |
| GET /api/v1/evaluator/cases/{reference}/credential, POST …/credential/{revoke,suspend,unsuspend} | evaluator, admin |
| POST /api/v1/verify | anyone, rate-limited per client |
"""

from __future__ import annotations

import json
import logging
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.core.i18n import Catalogs
from api.core.validation import multipart_form
from api.deps import CatalogsDep, RecordsDep, VerifierDep
from api.fce import guards
from api.fce import seal as pdf
from api.fce.web.applicant_api import OwnedCase
from api.fce.web.evaluator_api import Evaluator
from api.fce.web.request import client_ip, field_error, request_language
from api.records.issuing import AlreadyRevoked, CaseUnknown, Issued, NoIssuerKey, NotEvaluated, RecordsService
from api.records.schemas import CredentialOut, EvaluatorCredentialOut, StatusChangeOut, VerifyOut
from api.records.verify import Verifier

log = logging.getLogger(__name__)
router = APIRouter(tags=["records"])
NO_STORE = {"Cache-Control": "no-store"}
JWT_TYPE = "application/vc+jwt"


# The document's media types, as the routes answer them (not the application/json FastAPI would assume).
_METHOD = {
    "type": "object",
    "required": ["id", "type", "controller", "publicKeyJwk"],
    "properties": {
        "id": {"type": "string"},
        "type": {"type": "string", "const": "JsonWebKey"},
        "controller": {"type": "string"},
        "publicKeyJwk": {"type": "object", "required": ["kty", "crv", "x"]},
    },
}
_DID_SCHEMA = {
    "type": "object",
    "required": ["@context", "id", "verificationMethod", "assertionMethod"],
    "properties": {
        "@context": {"type": "array", "items": {"type": "string"}},
        "id": {"type": "string"},
        "verificationMethod": {"type": "array", "items": _METHOD},
        "assertionMethod": {"type": "array", "items": {"type": "string"}},
    },
}
DID_DOC: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/did+json": {"schema": _DID_SCHEMA}}, "description": "the DID document"},
    503: {"description": "no issuer key is configured"},
}
STATUS_LIST_DOC: dict[int | str, dict[str, Any]] = {
    200: {"content": {JWT_TYPE: {"schema": {"type": "string"}}}, "description": "signed status list"},
    503: {"description": "no issuer key is configured"},
}


@router.get("/.well-known/did.json", response_class=Response, responses=DID_DOC)
def did_document(records: RecordsDep) -> JSONResponse:
    try:
        body = records.did_document()
    except NoIssuerKey as error:
        log.error("records: %s", error)
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="the issuer key is not configured") from None
    return JSONResponse(body, media_type="application/did+json", headers={"Cache-Control": "max-age=300"})


@router.get("/api/v1/records/status/{purpose}", response_class=Response, responses=STATUS_LIST_DOC)
def status_list(purpose: Literal["revocation", "suspension"], records: RecordsDep) -> Response:
    try:
        token = records.status_list_token(purpose)
    except NoIssuerKey:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="the issuer key is not configured") from None
    # Short public caching: a revocation shows within a minute even behind a CDN.
    return Response(token, media_type=JWT_TYPE, headers={"Cache-Control": "public, max-age=60"})


def credential_body(records: RecordsService, issued: list[Issued]) -> dict[str, Any]:
    first = issued[0]
    return {
        "credential": first.token,
        "verify_url": records.verify_url(first.verify_id),
        "credentials": [
            {"position": i.position, "credential": i.token, "verify_url": records.verify_url(i.verify_id)}
            for i in issued
        ],
    }


def issue_or_explain(records: RecordsService, catalogs: Catalogs, language: str, **case: Any) -> list[Issued]:
    try:
        issued = records.issue(**case)
    except NotEvaluated:
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail=catalogs.gettext("records.api.not_ready", language)
        ) from None
    except NoIssuerKey as error:
        log.error("records: %s", error)
        detail = catalogs.gettext("records.api.unavailable", language)
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=detail) from None
    if not issued:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=catalogs.gettext("records.api.not_ready", language))
    return issued


@router.get("/api/v1/fce/cases/{reference}/credential", response_model=CredentialOut)
def applicant_credential(owned: OwnedCase, catalogs: CatalogsDep, records: RecordsDep) -> JSONResponse:
    issued = issue_or_explain(records, catalogs, owned.language, case_id=owned.case_id)
    return JSONResponse(credential_body(records, issued), headers=NO_STORE)


class StatusChange(BaseModel):
    reason: str = Field(min_length=3, max_length=500)


@router.get("/api/v1/evaluator/cases/{reference}/credential", response_model=EvaluatorCredentialOut)
def evaluator_credential(reference: str, user: Evaluator, catalogs: CatalogsDep, records: RecordsDep) -> JSONResponse:
    try:
        issued = issue_or_explain(records, catalogs, "en", reference=reference)
    except CaseUnknown:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="case not found") from None
    body = credential_body(records, issued) | {"status": records.status_of_case(reference)}
    return JSONResponse(body, headers=NO_STORE)


@router.post("/api/v1/evaluator/cases/{reference}/credential/{action}", response_model=StatusChangeOut)
def evaluator_status(
    reference: str,
    action: Literal["revoke", "suspend", "unsuspend"],
    body: StatusChange,
    user: Evaluator,
    records: RecordsDep,
    verifier: VerifierDep,
) -> dict[str, Any]:
    try:
        changed = records.change_status(user.id, reference, action, body.reason.strip())
        # This worker's verifier sees the change at once; others within RECORDS_STATUS_CACHE_SECONDS.
        verifier.cache.clear()
    except CaseUnknown:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="case not found") from None
    except NotEvaluated:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="no credential has been issued for this case") from None
    except AlreadyRevoked:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="the credential is revoked; revocation is final") from None
    return {"reference": reference.upper(), "credentials": changed}


# -- verify ------------------------------------------------------------------------------------------


def rate_limit(records: RecordsService, catalogs: Catalogs, request: Request) -> None:
    s = records.settings
    try:
        with records.db.session() as session:
            guards.take(
                session, f"verify:{client_ip(request)}", s.verify_limit, s.verify_window_seconds, records.clock()
            )
    except guards.Limited as error:
        text = catalogs.gettext("records.api.rate_limited", request_language(request), seconds=error.retry_after)
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS, detail=text, headers={"Retry-After": str(error.retry_after)}
        ) from None


async def read_capped(request: Request, limit: int, field: list[Any]) -> bytes:
    """The body, refusing (413) as soon as it passes `limit`: never read whole before the check."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(field, limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(field, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def too_large(field: list[Any], limit: int) -> HTTPException:
    return HTTPException(
        status.HTTP_413_CONTENT_TOO_LARGE,
        detail=[{"loc": field, "msg": f"larger than {limit} bytes", "type": "too_large"}],
    )


def token_from_json(raw: bytes, limit: int, field: list[Any]) -> str:
    """A JWT from a JSON document: {"credential": "<jwt>"}, or an OB 3.0 / VC JSON with an embedded JWT."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise field_error(field, "not JSON", "json_invalid") from None
    candidate: Any = None
    if isinstance(data, dict):
        candidate = data.get("credential")
        proof = data.get("proof")
        if candidate is None and isinstance(proof, dict):
            candidate = proof.get("jwt")
        if isinstance(candidate, dict):
            candidate = candidate.get("jwt") or candidate.get("credential")
    if not isinstance(candidate, str) or not candidate.strip():
        raise field_error([*field, "credential"] if field == ["body"] else field, "no credential (a JWT string) found")
    if len(candidate.encode()) > limit:
        raise too_large([*field, "credential"] if field == ["body"] else field, limit)
    return candidate.strip()


def token_from_file(data: bytes, name: str, limits: tuple[int, int]) -> str:
    """A dropped file: a PDF (its attached credential), a JSON document, or a bare JWT text."""
    field: list[Any] = ["body", "file"]
    if not data.strip():
        raise field_error(field, "the file is empty")
    if data.startswith(b"%PDF-"):
        try:
            return pdf.extract_token(data)
        except pdf.NoAttachment:
            raise field_error(field, "the PDF has no attached credential", "no_attachment") from None
    if len(data) > limits[0]:
        raise too_large(field, limits[0])
    stripped = data.strip()
    if stripped.startswith(b"{"):
        return token_from_json(stripped, limits[0], field)
    try:
        text = stripped.decode("ascii")
    except UnicodeDecodeError:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, detail="send a PDF, a JSON file or a JWT") from None
    if text.count(".") < 2:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, detail="send a PDF, a JSON file or a JWT")
    return text


async def token_from_request(request: Request, records: RecordsService) -> str:
    s = records.settings
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        raw = await read_capped(request, s.max_token_bytes + 1024, ["body", "credential"])
        if not raw.strip():
            raise field_error(["body"], 'empty body; send {"credential": "<jwt>"}', "missing")
        return token_from_json(raw, s.max_token_bytes, ["body"])
    if kind == "multipart/form-data":
        declared = request.headers.get("content-length", "")
        if not declared.isdigit():
            raise HTTPException(status.HTTP_411_LENGTH_REQUIRED, detail="Content-Length is required for uploads")
        if int(declared) > s.max_pdf_bytes + 64 * 1024:
            raise too_large(["body", "file"], s.max_pdf_bytes)
        async with multipart_form(request, max_files=1, max_fields=2) as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise field_error(["body", "file"], "send the PDF or JSON in the multipart field 'file'", "missing")
            data = await upload.read(s.max_pdf_bytes + 1)
            if len(data) > s.max_pdf_bytes:
                raise too_large(["body", "file"], s.max_pdf_bytes)
            return token_from_file(data, upload.filename or "", (s.max_token_bytes, s.max_pdf_bytes))
    raise HTTPException(
        status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        detail="send application/json {\"credential\"} or multipart/form-data with a 'file'",
    )


@router.post("/api/v1/verify", response_model=VerifyOut, response_model_exclude_unset=True)
async def verify(request: Request, records: RecordsDep, verifier: VerifierDep, catalogs: CatalogsDep) -> JSONResponse:
    await run_in_threadpool(rate_limit, records, catalogs, request)
    token = await token_from_request(request, records)
    outcome = await run_in_threadpool(check, verifier, token)
    return JSONResponse(outcome, headers=NO_STORE)


def check(verifier: Verifier, token: str) -> dict[str, Any]:
    return verifier.verify(token).as_dict()
