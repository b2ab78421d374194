"""Privacy routes: the admin API for requests that arrive by other ways, the applicant's own export
and erasure on the FCE status page (reference + access code, erasure after a confirmation step),
and the /privacy notice page in five languages.

Admin only for the API (evaluators and advisors get 403). On the status page every step re-checks
the reference and code through the same path as the status itself (same 404, rate limit, lockout),
and the code travels in POST bodies only.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response
from markdown_it import MarkdownIt
from starlette.concurrency import run_in_threadpool

from api.auth.deps import require_roles
from api.auth.models import Role, User
from api.consent.record import NOTICE_VERSION
from api.core.i18n import format_date
from api.deps import CatalogsDep, FceDep, PagesDep, PrivacyDep
from api.fce.web.request import request_language
from api.fce.web.status_page import PAGE_HEADERS, _render, open_posted_code
from api.privacy.downloads import LinkGone
from api.privacy.schemas import ErasureOut, SubjectIn
from api.privacy.subjects import Subject, SubjectNotFound
from knowledge_base.articles import CONTENT_DIR, load_file
from knowledge_base.language import LANGUAGES

router = APIRouter()
Admin = Annotated[User, Depends(require_roles(Role.ADMIN.value))]
ZIP_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


def _zip(archive: bytes, name: str) -> Response:
    headers = {**ZIP_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(archive, media_type="application/zip", headers=headers)


def _nothing_held() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail="nothing is held for that person")


# -- the admin API -----------------------------------------------------------------------------------


@router.post(
    "/api/v1/admin/privacy/export",
    tags=["privacy"],
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "data.json and the person's files"}},
)
async def admin_export(body: SubjectIn, user: Admin, privacy: PrivacyDep) -> Response:
    try:
        archive = await run_in_threadpool(privacy.requests.export, body.subject(), user_id=user.id, via="admin_api")
    except SubjectNotFound:
        raise _nothing_held() from None
    return _zip(archive, "kakehashi-export.zip")


@router.post("/api/v1/admin/privacy/erase", tags=["privacy"], response_model=ErasureOut)
async def admin_erase(body: SubjectIn, user: Admin, privacy: PrivacyDep) -> dict[str, Any]:
    try:
        return await run_in_threadpool(privacy.requests.erase, body.subject(), user_id=user.id, via="admin_api")
    except SubjectNotFound:
        raise _nothing_held() from None


# -- the applicant, on the FCE status page -------------------------------------------------------------


@router.post("/fce/status/privacy/export", include_in_schema=False)
async def status_export(
    request: Request, pages: PagesDep, fce: FceDep, catalogs: CatalogsDep, privacy: PrivacyDep
) -> Response:
    posted = await open_posted_code(request, pages, fce, catalogs)
    if isinstance(posted, Response):
        return posted
    (_language, reference, _code, _case_id), _form = posted
    subject = Subject(reference=reference)
    archive = await run_in_threadpool(privacy.requests.export, subject, via="status_page")
    return _zip(archive, f"kakehashi-{reference.strip().upper()}.zip")


@router.post("/fce/status/privacy/erase", response_class=HTMLResponse, include_in_schema=False)
async def status_erase(
    request: Request, pages: PagesDep, fce: FceDep, catalogs: CatalogsDep, privacy: PrivacyDep
) -> Response:
    """First post: the confirmation page. Second post with `confirm=yes`: erase, then say so."""
    posted = await open_posted_code(request, pages, fce, catalogs)
    if isinstance(posted, Response):
        return posted
    (language, reference, code, _case_id), form = posted
    confirmed = form.get("confirm") == "yes"
    asked = form.get("step") == "confirm"
    reference = reference.strip().upper()
    if not confirmed:
        problem = catalogs.gettext("privacy.erase.unconfirmed", language) if asked else None
        return _confirmation(request, pages, catalogs, language, reference, code, problem)
    await run_in_threadpool(privacy.requests.erase, Subject(reference=reference), via="status_page")
    return _render(request, pages, catalogs, fce, language, notice=catalogs.gettext("privacy.erase.done", language))


def _confirmation(
    request: Request,
    pages: Any,
    catalogs: Any,
    language: str,
    reference: str,
    code: str,
    error: str | None,
) -> Response:
    context = {
        "language": language,
        "t": lambda key, **kw: catalogs.gettext(key, language, **kw),
        "reference": reference,
        "code": code,
        "error": error,
    }
    page: Response = pages.TemplateResponse(
        request, "privacy/erase_confirm.html", context, status_code=422 if error else 200
    )
    page.headers.update(PAGE_HEADERS)
    return page


# -- the person's download link, from the chat (api/privacy/chat.py, api/privacy/downloads.py) -------------


def _download_page(request: Request, pages: Any, catalogs: Any, language: str, token: str | None) -> Response:
    """The page behind the link: a Download button while it works (a GET never spends it), else a 404
    that says nothing about why (unknown, used and expired look alike)."""
    context = {"language": language, "t": lambda key, **kw: catalogs.gettext(key, language, **kw), "token": token}
    page: Response = pages.TemplateResponse(
        request, "privacy/download.html", context, status_code=200 if token else status.HTTP_404_NOT_FOUND
    )
    page.headers.update({**PAGE_HEADERS, "X-Robots-Tag": "noindex"})
    return page


@router.get("/privacy/download/{token}", response_class=HTMLResponse, include_in_schema=False)
async def download_page(
    token: str, request: Request, pages: PagesDep, catalogs: CatalogsDep, privacy: PrivacyDep
) -> Response:
    try:
        link = await run_in_threadpool(privacy.links.find, token)
    except LinkGone:
        return _download_page(request, pages, catalogs, request_language(request, None), None)
    return _download_page(request, pages, catalogs, link.language, token)


@router.post("/privacy/download/{token}", include_in_schema=False)
async def download(
    token: str, request: Request, pages: PagesDep, catalogs: CatalogsDep, privacy: PrivacyDep
) -> Response:
    try:
        archive, _link = await run_in_threadpool(privacy.links.download, token)
    except LinkGone:
        return _download_page(request, pages, catalogs, request_language(request, None), None)
    return _zip(archive, "kakehashi-export.zip")


# -- the privacy notice --------------------------------------------------------------------------------


@router.get("/privacy", response_class=HTMLResponse, include_in_schema=False)
def privacy_page(request: Request, pages: PagesDep, catalogs: CatalogsDep, lang: str | None = None) -> Response:
    """The privacy notice (the article service.privacy) in the asked or browser language."""
    language = request_language(request, lang)
    article, _warnings = load_file(CONTENT_DIR / language / "service.privacy.md")
    context = {
        "language": language,
        "languages": [(code, catalogs.gettext(f"language.{code}", code)) for code in LANGUAGES],
        "t": lambda key, **kw: catalogs.gettext(key, language, **kw),
        "article": article,
        "body_html": _MARKDOWN.render(article.body),
        "version": format_date(date.fromisoformat(NOTICE_VERSION), language),
    }
    page: Response = pages.TemplateResponse(request, "privacy/notice.html", context)
    page.headers.update(PAGE_HEADERS)
    return page
