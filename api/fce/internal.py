"""Service endpoints behind INTERNAL_TOKEN: chat applications from the action server, and the case list,
detail, workflow and downloads for automation. People use /api/v1/evaluator (logins, audit) instead."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Header, HTTPException, Query, status
from fastapi.responses import FileResponse, JSONResponse

from api.deps import EvaluationsDep, FceDep, NotifierDep, internal_caller
from api.fce.cases import check_credentials, check_idempotency_key, created_response
from api.fce.deps import field_error
from api.fce.downloads import document_response
from api.fce.notify import follow_up
from api.fce.schemas import ChatApplication, TransitionRequest
from api.fce.service import CaseNotFound, IdempotencyConflict, case_summary
from api.fce.workflow import EvaluationMissing, IllegalTransition, ReasonRequired, Status

router = APIRouter(prefix="/internal/v1/fce", dependencies=[Depends(internal_caller)], tags=["fce-internal"])


def _not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail="case not found")


@router.post("/cases", status_code=status.HTTP_201_CREATED)
def create_chat_case(
    body: ChatApplication,
    fce: FceDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> JSONResponse:
    """For the chat form: the conversation is the contact. Same rules as the public endpoint."""
    check_idempotency_key(idempotency_key)
    check_credentials(body, fce)
    try:
        created = fce.cases.create_case(
            body, email=body.email, conversation_id=body.conversation_id, idempotency_key=idempotency_key
        )
    except IdempotencyConflict as error:
        raise field_error(["header", "Idempotency-Key"], str(error), "idempotency_conflict") from None
    return created_response(created)


@router.get("/cases")
def list_cases(
    fce: FceDep,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    country: Annotated[str | None, Query(pattern="^[A-Za-z]{2}$")] = None,
    older_than_days: Annotated[int | None, Query(ge=0, le=3650)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    items, total = fce.cases.list_cases(
        status=status_, country=country, older_than_days=older_than_days, page=page, per_page=per_page
    )
    return {
        "total": total,
        "page": page,
        "per_page": per_page,
        "items": [case_summary(item) for item in items],
    }


@router.get("/cases/{reference}")
def case_detail(reference: str, fce: FceDep) -> dict[str, Any]:
    try:
        return fce.cases.case_detail(reference)
    except CaseNotFound:
        raise _not_found() from None


@router.post("/cases/{reference}/transitions")
def transition(
    reference: str,
    body: TransitionRequest,
    fce: FceDep,
    evaluations: EvaluationsDep,
    notifier: NotifierDep,
    background: BackgroundTasks,
) -> dict[str, Any]:
    try:
        detail, notice = fce.cases.transition(reference, body)
    except CaseNotFound:
        raise _not_found() from None
    except (IllegalTransition, EvaluationMissing) as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from None
    except ReasonRequired as error:
        raise field_error(["body", "close_reason" if body.close_reason is None else "reason"], str(error)) from None
    # After the response, so after the commit; never able to fail the change.
    background.add_task(follow_up, notice, notifier, lambda reference: evaluations.statement(reference))
    if body.to is Status.EVALUATED:
        fce.on_evaluated(reference)  # verifiable records: sign the credential now
    return detail


@router.get("/cases/{reference}/documents/{document_id}")
def download_document(reference: str, document_id: int, fce: FceDep) -> FileResponse:
    try:
        document, path = fce.cases.document_path(reference, document_id)
    except CaseNotFound:
        raise _not_found() from None
    return document_response(document, path)
