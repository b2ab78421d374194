"""Share-link pages: what an employer sees at /s/<token>, and where an applicant makes links.

The employer's page puts the verification result first, then the disclosed claims, every label in
Japanese with the applicant's language beside it (the second language is the credential's
applicant language unless ?lang= says otherwise). A link with a PIN shows a PIN form; the PIN
travels in a POST body only. Hidden claims are not on the page at all: their disclosures were never
kept. No scripts, no external assets, the FCE pages' CSP.

The applicant's page is reached from the FCE status page with the same reference + access code
(POST only, checked by cases.open_case: the same 404, rate limits and lockout as the API): it lists
the credentials and links, makes a link (claims to show, days, optional PIN, a label), shows the
new link's address once, shows each link's view log and revokes links.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from api.core.i18n import Catalogs, format_date
from api.deps import CatalogsDep, FceDep, PagesDep, RecordsDep, SharesDep, VerifierDep
from api.fce.feature import Fce
from api.fce.web.applicant_api import open_case
from api.fce.web.request import request_language
from api.fce.web.status_page import PAGE_HEADERS
from api.records import sdjwt
from api.records.issuing import RecordsService
from api.records.pages import NO_CLAIMS, claims_view
from api.records.share_routes import (
    DEFAULT_CLAIMS,
    Refused,
    ShareRequest,
    credentials_of,
    open_link,
    share_out,
)
from api.records.sharing import CredentialUnknown, ShareService, ShareUnknown
from api.records.verify import Verifier
from knowledge_base.language import LANGUAGES

router = APIRouter(include_in_schema=False)
MAX_FORM_BYTES = 16 * 1024


def _too_large(request: Request) -> bool:
    declared = request.headers.get("content-length", "")
    return not declared.isdigit() or int(declared) > MAX_FORM_BYTES


def _both(catalogs: Catalogs, language: str) -> Any:
    def both(key: str, **params: Any) -> str:
        ja = catalogs.gettext(key, "ja", **params)
        return ja if language == "ja" else f"{ja} / {catalogs.gettext(key, language, **params)}"

    return both


# -- the employer --------------------------------------------------------------------------------------


def _employer_page(
    request: Request,
    pages: Jinja2Templates,
    catalogs: Catalogs,
    language: str,
    token: str,
    *,
    outcome: dict[str, Any] | None = None,
    error: str | None = None,
    ask_pin: bool = False,
    status_code: int = 200,
) -> Response:
    claims = None
    if outcome is not None and outcome["result"] not in NO_CLAIMS and outcome.get("credential"):
        claims = claims_view(outcome["credential"], language, catalogs)
    context = {
        "language": language,
        "languages": [(c, catalogs.gettext(f"language.{c}", c)) for c in LANGUAGES],
        "t": lambda key, **params: catalogs.gettext(key, language, **params),
        "both": _both(catalogs, language),
        "outcome": outcome,
        "claims": claims,
        "error": error,
        "ask_pin": ask_pin,
        "token": token,
        "path": request.url.path,
        # Without ?lang= the page follows the credential's applicant language; the PIN form keeps that.
        "explicit": request.query_params.get("lang") in LANGUAGES,
    }
    page: Response = pages.TemplateResponse(request, "records/share.html", context, status_code=status_code)
    page.headers.update(PAGE_HEADERS)
    return page


def _applicant_language(outcome: dict[str, Any], fallback: str) -> str:
    languages = (
        ((outcome.get("credential") or {}).get("credentialSubject") or {}).get("evaluation", {}).get("languages")
    )
    if isinstance(languages, list) and languages and languages[-1] in LANGUAGES:
        return str(languages[-1])
    return fallback


def _show(
    request: Request,
    pages: Jinja2Templates,
    catalogs: Catalogs,
    shares: ShareService,
    verifier: Verifier,
    token: str,
    pin: str | None,
) -> Response:
    explicit = request.query_params.get("lang")
    language = request_language(request, explicit)
    try:
        outcome, _presentation, _expires = open_link(shares, verifier, token, pin, request)
    except Refused as refused:
        page = _employer_page(
            request,
            pages,
            catalogs,
            language,
            token,
            error=_both(catalogs, language)(refused.key),
            ask_pin=refused.key in ("records.share.pin_required", "records.share.pin_wrong"),
            status_code=refused.status_code,
        )
        if refused.retry_after:
            page.headers["Retry-After"] = str(refused.retry_after)
        return page
    if explicit not in LANGUAGES:
        language = _applicant_language(outcome, language)
    return _employer_page(request, pages, catalogs, language, token, outcome=outcome)


@router.get("/s/{token}", response_class=HTMLResponse)
def shared_page(
    token: str, request: Request, shares: SharesDep, verifier: VerifierDep, catalogs: CatalogsDep, pages: PagesDep
) -> Response:
    return _show(request, pages, catalogs, shares, verifier, token, None)


@router.post("/s/{token}", response_class=HTMLResponse)
async def shared_page_pin(
    token: str, request: Request, shares: SharesDep, verifier: VerifierDep, catalogs: CatalogsDep, pages: PagesDep
) -> Response:
    if _too_large(request):
        language = request_language(request, request.query_params.get("lang"))
        text = catalogs.gettext("fce.error.too_long", language)
        return _employer_page(request, pages, catalogs, language, token, error=text, ask_pin=True, status_code=413)
    async with request.form(max_files=0, max_fields=4) as form:
        raw = form.get("pin")
        pin = raw.strip()[:64] if isinstance(raw, str) and raw.strip() else None
    return await run_in_threadpool(_show, request, pages, catalogs, shares, verifier, token, pin)


# -- the applicant -------------------------------------------------------------------------------------


class PageError(Exception):
    def __init__(self, text: str, status_code: int, field: str | None = None) -> None:
        super().__init__(text)
        self.text = text
        self.status_code = status_code
        self.field = field


def _manager(
    request: Request,
    pages: Jinja2Templates,
    catalogs: Catalogs,
    language: str,
    *,
    reference: str = "",
    code: str = "",
    credentials: list[dict[str, Any]] | None = None,
    shares: list[dict[str, Any]] | None = None,
    views: dict[str, list[dict[str, Any]]] | None = None,
    new_url: str | None = None,
    error: PageError | None = None,
) -> Response:
    def t(key: str, **params: Any) -> str:
        return catalogs.gettext(key, language, **params)

    context = {
        "language": language,
        "languages": [(c, catalogs.gettext(f"language.{c}", c)) for c in LANGUAGES],
        "t": t,
        "date": lambda value: format_date(value, language),
        "reference": reference,
        "code": code,
        "credentials": credentials,
        "shares": shares or [],
        "views": views or {},
        "new_url": new_url,
        "error": error,
        "groups": sdjwt.GROUPS,
        "default_claims": DEFAULT_CLAIMS,
    }
    page: Response = pages.TemplateResponse(
        request, "records/shares.html", context, status_code=error.status_code if error else 200
    )
    page.headers.update(PAGE_HEADERS)
    return page


def _share_request(form: FormData) -> ShareRequest:
    def text(name: str) -> str | None:
        value = form.get(name)
        return value.strip() if isinstance(value, str) and value.strip() else None

    # Strings as posted: the model converts and names the field it cannot read ("abc" days, say).
    body: dict[str, Any] = {
        "position": text("position") or "0",
        "claims": [c for c in form.getlist("claims") if isinstance(c, str)],
        "expires_in_days": text("expires_in_days") or "30",
        "pin": text("pin"),
        "label": text("label"),
    }
    return ShareRequest.model_validate(body)


def _manage(
    fce: Fce,
    records: RecordsService,
    shares: ShareService,
    catalogs: Catalogs,
    request: Request,
    form: FormData,
    language: str,
) -> dict[str, Any]:
    """Authenticate, act (create / revoke), and gather what the page shows; PageError on refusal."""
    reference = str(form.get("reference") or "").strip()[:32]
    code = str(form.get("access_code") or "").strip()[:64]
    if not reference or not code:
        raise PageError(catalogs.gettext("fce.error.required", language), 422, "access_code")
    try:
        case_id, _ = open_case(fce, catalogs, request, reference, code, language)
        credentials = credentials_of(records, catalogs, language, case_id)
    except HTTPException as error:
        raise PageError(str(error.detail), error.status_code, "access_code") from None
    found: dict[str, Any] = {"reference": reference.upper(), "code": code, "credentials": credentials}
    action = form.get("action")
    problem: PageError | None = None
    if action == "create":
        try:
            body = _share_request(form)
            found["new_url"], _ = shares.create(
                case_id, body.position, list(body.claims), body.expires_in_days, body.pin, body.label
            )
        except ValidationError as invalid:
            first = invalid.errors()[0]
            field = str(first["loc"][0]) if first["loc"] else None
            problem = PageError(catalogs.gettext("records.share.invalid", language, field=field or ""), 422, field)
        except CredentialUnknown:
            problem = PageError(catalogs.gettext("records.share.invalid", language, field="position"), 422, "position")
    elif action == "revoke":
        try:
            shares.revoke(case_id, str(form.get("share_id") or "")[:24])
        except ShareUnknown:
            problem = PageError(catalogs.gettext("records.share.not_found", language), 404, "share_id")
    now = shares.clock()
    listed = [share_out(s, now) for s in shares.of_case(case_id)]
    found["shares"] = listed
    found["views"] = {s["share_id"]: shares.views(case_id, s["share_id"])[:20] for s in listed}
    found["error"] = problem
    return found


@router.post("/fce/status/shares", response_class=HTMLResponse)
async def manage_shares(
    request: Request,
    fce: FceDep,
    records: RecordsDep,
    shares: SharesDep,
    catalogs: CatalogsDep,
    pages: PagesDep,
) -> Response:
    language = request_language(request, request.query_params.get("lang"))
    if _too_large(request):
        return _manager(
            request, pages, catalogs, language, error=PageError(catalogs.gettext("fce.error.too_long", language), 413)
        )
    async with request.form(max_files=0, max_fields=24) as form:
        lang = form.get("lang")
        language = request_language(request, lang if isinstance(lang, str) else None)
        try:
            found = await run_in_threadpool(_manage, fce, records, shares, catalogs, request, form, language)
        except PageError as error:
            return _manager(
                request, pages, catalogs, language, reference=str(form.get("reference") or "")[:32], error=error
            )
    return _manager(request, pages, catalogs, language, **found)
