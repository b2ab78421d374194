"""/fce/status: follow a case on the web with reference + access code, in the five languages.

Plain HTML forms that work without JavaScript. The access code only ever travels in POST bodies
(never in a URL, so never in logs, history or Referer headers); after a successful check the page
carries it in hidden fields so the applicant can upload and download without typing it again.
Every check goes through cases.open_case: the same 404, rate limits and lockout as the JSON API.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from api.core.i18n import Catalogs, format_date
from api.core.site import site_nav
from api.deps import CatalogsDep, EvaluationsDep, FceDep, PagesDep
from api.fce.documents import DocumentRejected
from api.fce.evaluations import EvaluationService
from api.fce.feature import Fce
from api.fce.service import CaseClosedForDocuments, TooManyDocuments
from api.fce.web.applicant_api import MULTIPART_OVERHEAD, open_case, statement_for_applicant
from api.fce.web.request import request_language
from api.fce.workflow import OPEN_STATUSES, Status
from knowledge_base.language import LANGUAGES

router = APIRouter(include_in_schema=False)
# Bounds for the two text fields; the reference is FCE-YYYY-NNNNNN, the code XXXX-XXXX-XXXX.
LIMITS = {"reference": 32, "access_code": 64}
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
}
_DOCUMENT_KEYS = {400: "fce.document.empty", 413: "fce.document.too_large", 415: "fce.document.type"}


class PageError(Exception):
    """Something to show on the form: a catalog text, the field it concerns, and the HTTP status."""

    def __init__(self, text: str, status_code: int, field: str | None = None) -> None:
        super().__init__(text)
        self.text = text
        self.status_code = status_code
        self.field = field


# A reference, a code and a language fit in far less; Starlette would read a larger form body whole.
MAX_FORM_BYTES = 16 * 1024


def _form_too_large(request: Request) -> bool:
    declared = request.headers.get("content-length", "")
    return not declared.isdigit() or int(declared) > MAX_FORM_BYTES


def _language(value: object, request: Request) -> str:
    return request_language(request, value if isinstance(value, str) else None)


def _too_long(catalogs: Catalogs, language: str) -> str:
    return catalogs.gettext("fce.error.too_long", language)


def _fields(form: FormData, catalogs: Catalogs, language: str) -> tuple[str, str]:
    """Reference and access code from the form, or a PageError naming the first bad field."""
    values: dict[str, str] = {}
    for name, limit in LIMITS.items():
        raw = form.get(name)
        text = raw.strip() if isinstance(raw, str) else ""
        if not text:
            raise PageError(catalogs.gettext("fce.error.required", language), 422, name)
        if len(text) > limit:
            raise PageError(catalogs.gettext("fce.error.too_long", language), 422, name)
        values[name] = text
    return values["reference"], values["access_code"]


def _open(fce: Fce, catalogs: Catalogs, request: Request, reference: str, code: str, language: str) -> int:
    try:
        case_id, _case_language = open_case(fce, catalogs, request, reference, code, language)
    except HTTPException as error:
        raise PageError(str(error.detail), error.status_code, "access_code") from None
    return case_id


def _render(
    request: Request,
    pages: Jinja2Templates,
    catalogs: Catalogs,
    fce: Fce,
    language: str,
    *,
    case_id: int | None = None,
    reference: str = "",
    code: str = "",
    error: PageError | None = None,
    notice: str | None = None,
    evaluations: EvaluationService | None = None,
) -> Response:
    def t(key: str, **params: Any) -> str:
        return catalogs.gettext(key, language, **params)

    context: dict[str, Any] = {
        "language": language,
        "languages": [(c, catalogs.gettext(f"language.{c}", c)) for c in LANGUAGES],
        "t": t,
        "reference": reference,
        "error": error,
        "notice": notice,
        "megabytes": fce.settings.max_document_bytes // (1024 * 1024),
        "case": None,
        # The site's header; another language opens the status form again (the code is never in a link).
        **site_nav(catalogs, language, "/fce/status", lambda c: f"/fce/status?lang={c}"),
    }
    if case_id is not None:
        view = fce.cases.status_view(case_id)
        step = "submitted_interview" if view.interview_path and view.status == Status.SUBMITTED else view.status
        context["case"] = {
            "reference": view.reference,
            "status": view.status,
            "updated": format_date(view.updated_at, language),
            "next_step": t(f"fce.next_step.{step}"),
            "timeline": [(name, format_date(at, language), message) for name, at, message in view.timeline],
            "documents": fce.cases.list_documents(case_id),
            "accepts_documents": Status(view.status) in OPEN_STATUSES,
            "evaluated": view.status == Status.EVALUATED,
            # The result itself, on the page where people look (the PDF is the document to show).
            "results": _results(evaluations, case_id, catalogs, language) if view.status == Status.EVALUATED else [],
        }
        # Only after a successful check, and only in this no-store page: lets the forms below reuse it.
        context["code"] = code
    page: Response = pages.TemplateResponse(
        request, "fce/status.html", context, status_code=error.status_code if error else 200
    )
    page.headers.update(PAGE_HEADERS)
    return page


def _results(
    evaluations: EvaluationService | None, case_id: int, catalogs: Catalogs, language: str
) -> list[dict[str, str]]:
    content = evaluations.result(case_id) if evaluations is not None else None
    if content is None:
        return []
    return [
        {
            "credential": finding.name(language),
            "institution": finding.institution,
            "comparable": catalogs.gettext(f"fce.jp.{finding.japan_equivalent}", language),
            "levels": catalogs.gettext(
                "fce.statement.levels_value", language, isced=finding.isced_level, jqf=finding.jqf_level
            ),
        }
        for finding in content.findings
    ]


# A posted code that opened a case: (language, reference, access code, case id).
PostedCode = tuple[str, str, str, int]


async def _open_from_form(
    request: Request, pages: Jinja2Templates, fce: Fce, catalogs: Catalogs, form: FormData
) -> PostedCode | Response:
    """The posted reference and access code, checked as the API checks them (same 404, same lockout);
    the page again with its error when they do not open a case."""
    language = _language(form.get("lang"), request)
    reference = str(form.get("reference") or "")[:32]
    try:
        reference, code = _fields(form, catalogs, language)
        case_id = await run_in_threadpool(_open, fce, catalogs, request, reference, code, language)
    except PageError as error:
        return _render(request, pages, catalogs, fce, language, reference=reference, error=error)
    return language, reference, code, case_id


async def open_posted_code(
    request: Request, pages: Jinja2Templates, fce: Fce, catalogs: Catalogs
) -> tuple[PostedCode, FormData] | Response:
    """A posted reference and access code without a file (the status lookup, the statement download, the
    privacy export and erasure), opened as `_open_from_form` opens them, with the form for its other
    fields; the page with its error when they do not open a case (413 when the form is larger than one)."""
    if _form_too_large(request):
        language = _language(request.query_params.get("lang"), request)
        return _render(request, pages, catalogs, fce, language, error=PageError(_too_long(catalogs, language), 413))
    async with request.form(max_files=0, max_fields=8) as form:
        opened = await _open_from_form(request, pages, fce, catalogs, form)
    return opened if isinstance(opened, Response) else (opened, form)


def _case_page(
    request: Request,
    pages: Jinja2Templates,
    catalogs: Catalogs,
    fce: Fce,
    posted: PostedCode,
    *,
    error: PageError | None = None,
    notice: str | None = None,
    evaluations: EvaluationService | None = None,
) -> Response:
    """The page of the case a posted code opened, kept filled in for the next action."""
    language, reference, code, case_id = posted
    return _render(
        request,
        pages,
        catalogs,
        fce,
        language,
        case_id=case_id,
        reference=reference,
        code=code,
        error=error,
        notice=notice,
        evaluations=evaluations,
    )


@router.get("/fce/status", response_class=HTMLResponse)
async def status_form(request: Request, pages: PagesDep, fce: FceDep, catalogs: CatalogsDep) -> Response:
    language = _language(request.query_params.get("lang"), request)
    return _render(request, pages, catalogs, fce, language)


@router.post("/fce/status", response_class=HTMLResponse)
async def status_lookup(
    request: Request, pages: PagesDep, fce: FceDep, catalogs: CatalogsDep, evaluations: EvaluationsDep
) -> Response:
    posted = await open_posted_code(request, pages, fce, catalogs)
    if isinstance(posted, Response):
        return posted
    return _case_page(request, pages, catalogs, fce, posted[0], evaluations=evaluations)


@router.post("/fce/status/documents", response_class=HTMLResponse)
async def status_upload(request: Request, pages: PagesDep, fce: FceDep, catalogs: CatalogsDep) -> Response:
    language = _language(request.query_params.get("lang"), request)
    s = fce.settings
    declared = request.headers.get("content-length", "")
    # Browsers always declare the length of a form post; without it the size could not be bounded
    # before the body is spooled.
    if not declared.isdigit() or int(declared) > s.max_document_bytes + MULTIPART_OVERHEAD:
        text = catalogs.gettext("fce.document.too_large", language, megabytes=s.max_document_bytes // (1024 * 1024))
        return _render(request, pages, catalogs, fce, language, error=PageError(text, 413, "file"))
    async with request.form(max_files=1, max_fields=8) as form:
        opened = await _open_from_form(request, pages, fce, catalogs, form)
        if isinstance(opened, Response):
            return opened
        language, _reference, _code, case_id = opened
        upload = form.get("file")
        problem: PageError | None = None
        notice = None
        if not isinstance(upload, UploadFile) or not upload.filename:
            problem = PageError(catalogs.gettext("fce.document.no_file", language), 422, "file")
        else:
            try:
                await run_in_threadpool(fce.cases.add_document, case_id, upload.file, upload.filename)
                notice = catalogs.gettext("fce.status_page.uploaded", language)
            except CaseClosedForDocuments:
                problem = PageError(catalogs.gettext("fce.document.closed", language), 409, "file")
            except TooManyDocuments:
                text = catalogs.gettext("fce.document.too_many", language, count=s.max_documents_per_case)
                problem = PageError(text, 400, "file")
            except DocumentRejected as rejected:
                key = _DOCUMENT_KEYS.get(rejected.status_code, "fce.document.empty")
                megabytes = s.max_document_bytes // (1024 * 1024)
                problem = PageError(catalogs.gettext(key, language, megabytes=megabytes), rejected.status_code, "file")
    return _case_page(request, pages, catalogs, fce, opened, error=problem, notice=notice)


@router.post("/fce/status/statement")
async def status_statement(
    request: Request, pages: PagesDep, fce: FceDep, catalogs: CatalogsDep, evaluations: EvaluationsDep
) -> Response:
    posted = await open_posted_code(request, pages, fce, catalogs)
    if isinstance(posted, Response):
        return posted
    (language, _reference, _code, case_id), _form = posted
    try:
        response: Response = await run_in_threadpool(statement_for_applicant, evaluations, catalogs, case_id, language)
    except HTTPException as error:
        page_error = PageError(str(error.detail), error.status_code)
        return _case_page(request, pages, catalogs, fce, posted[0], error=page_error)
    return response
