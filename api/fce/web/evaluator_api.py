"""/api/v1/evaluator/*: the evaluator's case list, case file, workflow, evaluations, notes and downloads.

Evaluators and admins only (advisors get 403), with the same authentication as /api/v1/advisor: a
bearer token, or the console's cookie plus the CSRF header on changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Query, status
from fastapi.responses import Response

from api.auth.deps import require_roles
from api.auth.models import Role, User
from api.core.clock import as_utc
from api.core.validation import RowId
from api.deps import EvaluationsDep, FceDep, NotifierDep
from api.fce import fonts
from api.fce.evaluations import EvaluationService, NotEditable, NotEvaluated, UnknownCredential, actor_for
from api.fce.evaluator_schemas import DocumentsRequest, EvaluationIn, EvaluatorTransition, NoteIn
from api.fce.feature import Fce
from api.fce.notify import Notifier, follow_up
from api.fce.schemas import TransitionRequest
from api.fce.service import CaseNotFound, case_summary
from api.fce.statement import UncoveredText
from api.fce.web.downloads import DOCUMENT_DOC, STATEMENT_DOC, document_response, statement_response
from api.fce.web.request import field_error
from api.fce.web.responses import CaseDetailOut, CaseFileOut, EvaluationOut, EvaluatorCaseListOut, NoteOut
from api.fce.workflow import EvaluationMissing, IllegalTransition, ReasonRequired, Status

evaluator = require_roles(Role.EVALUATOR.value, Role.ADMIN.value)
Evaluator = Annotated[User, Depends(evaluator)]
router = APIRouter(prefix="/api/v1/evaluator", tags=["evaluator"])


def not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail="case not found")


def case_list(
    fce: Fce,
    status_: Status | None,
    country: str | None,
    older_than_days: int | None,
    page: int,
    per_page: int,
) -> dict[str, Any]:
    items, total = fce.cases.list_cases(
        status=status_, country=country, older_than_days=older_than_days, page=page, per_page=per_page
    )
    now = fce.cases.clock()
    return {
        "total": total,
        "page": page,
        "per_page": per_page,
        "pages": max(1, -(-total // per_page)),
        "items": [case_summary(item) | {"age_days": _age_days(now, item.created_at)} for item in items],
    }


def _age_days(now: datetime, created: datetime) -> int:
    return max(0, (now - as_utc(created)).days)


@router.get("/cases", response_model=EvaluatorCaseListOut)
def list_cases(
    user: Evaluator,
    fce: FceDep,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    country: Annotated[str | None, Query(pattern="^[A-Za-z]{2}$")] = None,
    older_than_days: Annotated[int | None, Query(ge=0, le=3650)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    return case_list(fce, status_, country, older_than_days, page, per_page)


@router.get("/cases/{reference}", response_model=CaseFileOut)
def case_file(reference: str, user: Evaluator, evaluations: EvaluationsDep, fce: FceDep) -> dict[str, Any]:
    try:
        body = evaluations.case_file(reference)
    except CaseNotFound:
        raise not_found() from None
    # The case file is the applicant's personal data: who read it, when and from where is recorded.
    evaluations.audit_access(user, body["reference"], "fce.case_opened")
    # Credentials the applicant brought: each pre-filled credential is labelled by its `position`.
    body["verifiable_credentials"] = fce.brought_of_case(body["reference"])
    return body


@dataclass(frozen=True)
class Workflow:
    """What a workflow step needs beside the case: the cases, the evaluations (the statement a notice
    attaches), the notifier, and the request's background tasks (the notice goes after the commit)."""

    fce: Fce
    evaluations: EvaluationService
    notifier: Notifier
    background: BackgroundTasks


def _workflow(fce: FceDep, evaluations: EvaluationsDep, notifier: NotifierDep, background: BackgroundTasks) -> Workflow:
    return Workflow(fce, evaluations, notifier, background)


WorkflowDep = Annotated[Workflow, Depends(_workflow)]


def change_status(workflow: Workflow, user: User, reference: str, body: EvaluatorTransition) -> dict[str, Any]:
    """One workflow step by a logged-in user, audited; the applicant is told after the commit."""
    if body.to is Status.DOCUMENTS_REQUESTED and not body.message:
        raise field_error(["body", "message"], "say which documents are needed; the applicant receives this text")
    request = TransitionRequest(to=body.to, actor=actor_for(user), reason=body.reason, close_reason=body.close_reason)
    try:
        detail, notice = workflow.fce.cases.transition(reference, request, message=body.message, user_id=user.id)
    except CaseNotFound:
        raise not_found() from None
    except (IllegalTransition, EvaluationMissing) as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from None
    except ReasonRequired as error:
        raise field_error(["body", "close_reason" if body.close_reason is None else "reason"], str(error)) from None
    evaluations = workflow.evaluations
    workflow.background.add_task(follow_up, notice, workflow.notifier, lambda ref: evaluations.statement(reference=ref))
    return detail


@router.post("/cases/{reference}/transitions", response_model=CaseDetailOut, response_model_exclude_unset=True)
def transition(reference: str, body: EvaluatorTransition, user: Evaluator, workflow: WorkflowDep) -> dict[str, Any]:
    detail = change_status(workflow, user, reference, body)
    if body.to is Status.EVALUATED:
        workflow.fce.on_evaluated(reference)  # verifiable records: sign the credential now
    return detail


@router.post("/cases/{reference}/request-documents", response_model=CaseDetailOut, response_model_exclude_unset=True)
def request_documents(reference: str, body: DocumentsRequest, user: Evaluator, workflow: WorkflowDep) -> dict[str, Any]:
    """Ask the applicant for documents: the message goes to them, and the case waits for the upload."""
    step = EvaluatorTransition(to=Status.DOCUMENTS_REQUESTED, message=body.message)
    return change_status(workflow, user, reference, step)


@router.post("/cases/{reference}/notes", status_code=status.HTTP_201_CREATED, response_model=NoteOut)
def add_note(reference: str, body: NoteIn, user: Evaluator, evaluations: EvaluationsDep) -> dict[str, Any]:
    try:
        return evaluations.add_note(user, reference, body.text)
    except CaseNotFound:
        raise not_found() from None


@router.put("/cases/{reference}/evaluation", response_model=EvaluationOut)
def record_evaluation(
    reference: str, body: EvaluationIn, user: Evaluator, evaluations: EvaluationsDep
) -> dict[str, Any]:
    try:
        return evaluations.record_evaluation(user, reference, body)
    except CaseNotFound:
        raise not_found() from None
    except UnknownCredential:
        raise field_error(["body", "credential"], "the case has no credential at this position") from None
    except NotEditable as error:
        detail = f"evaluations can be recorded in documents_received or under_evaluation, not in {error}"
        raise HTTPException(status.HTTP_409_CONFLICT, detail=detail) from None


@router.get("/cases/{reference}/documents/{document_id}", response_class=Response, responses=DOCUMENT_DOC)
def download_document(
    reference: str, document_id: RowId, user: Evaluator, fce: FceDep, evaluations: EvaluationsDep
) -> Response:
    try:
        document, path = fce.cases.document_path(reference, document_id)
    except CaseNotFound:
        raise not_found() from None
    evaluations.audit_access(user, reference, "fce.document_opened", document_id)
    return document_response(reference, document, path, fce.settings.document_keys)


@router.get("/cases/{reference}/statement", response_class=Response, responses=STATEMENT_DOC)
def download_statement(reference: str, user: Evaluator, evaluations: EvaluationsDep) -> Response:
    try:
        issued = evaluations.statement(reference=reference)
    except CaseNotFound:
        raise not_found() from None
    except NotEvaluated:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="the case is not evaluated yet") from None
    except (fonts.FontMissing, UncoveredText) as error:
        # Staff see the cause (e.g. which Debian font package to install); applicants get a catalog text.
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=str(error)) from None
    evaluations.audit_access(user, issued.reference, "fce.statement_opened")
    return statement_response(issued)
