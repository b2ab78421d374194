"""/console: server-rendered pages for advisors; console.js adds the live parts."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.advisors.models import Role, User
from api.advisors.service import AdvisorService, Forbidden, NotFound
from api.auth.deps import SESSION_COOKIE, load_user
from api.i18n import Catalogs
from knowledge_base.languages import LANGUAGES, page_language

router = APIRouter(prefix="/console", include_in_schema=False)
CANNED = ("greeting", "checking", "documents", "office_hours", "closing")
Lang = Annotated[str | None, Query(max_length=8)]


def _user(request: Request, roles: tuple[str, ...] = (Role.ADVISOR.value, Role.ADMIN.value)) -> User | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        user = load_user(request.app.state.db, request.app.state.signer, token)
    except HTTPException:
        return None
    return user if user.role in roles else None


def _language(lang: str | None, user: User | None) -> str:
    return page_language(lang, user.languages if user else ())


def _render(request: Request, name: str, language: str, context: dict[str, Any], status_code: int = 200) -> Response:
    catalogs: Catalogs = request.app.state.catalogs

    def t(key: str, **params: Any) -> str:
        return catalogs.gettext("console." + key, language, **params)

    strings = json.dumps(catalogs.bundle("console.", language), ensure_ascii=False)
    response: Response = request.app.state.pages.TemplateResponse(
        request,
        f"console/{name}",
        {"t": t, "ui_language": language, "languages": LANGUAGES, "strings": strings, **context},
        status_code=status_code,
    )
    # The console shows personal data: never cache it, never frame it.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'"
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, lang: Lang = None) -> Response:
    return _render(request, "login.html", _language(lang, None), {"user": None})


@router.get("", response_class=HTMLResponse)
def queue_page(request: Request, lang: Lang = None) -> Response:
    user = _user(request)
    if user is None:
        # Evaluators work on credential cases (api/fce/console_pages.py), not on the chat queue.
        evaluator = _user(request, (Role.EVALUATOR.value,))
        query = f"?lang={lang}" if lang in LANGUAGES else ""
        return RedirectResponse(("/console/cases" if evaluator else "/console/login") + query, status_code=303)
    return _render(request, "queue.html", _language(lang, user), {"user": user})


@router.get("/conversations/{conversation_id}", response_class=HTMLResponse)
def conversation_page(request: Request, conversation_id: str, lang: Lang = None) -> Response:
    user = _user(request)
    if user is None:
        return RedirectResponse("/console/login", status_code=303)
    advisors: AdvisorService = request.app.state.advisors
    language = _language(lang, user)
    try:
        transcript = advisors.transcript(user, conversation_id)
    except NotFound:
        raise HTTPException(404, "conversation not found") from None
    except Forbidden:
        raise HTTPException(403, "not your conversation") from None
    catalogs: Catalogs = request.app.state.catalogs
    user_language = transcript["conversation"]["language"]
    # Canned replies are offered in the user's language, which is what gets sent.
    canned = [
        (
            catalogs.gettext(f"console.canned.{key}.label", language),
            catalogs.gettext(f"console.canned.{key}", user_language),
        )
        for key in CANNED
    ]
    language_name = catalogs.gettext("widget.language_name", user_language)
    return _render(
        request,
        "conversation.html",
        language,
        {
            "user": user,
            "transcript": transcript,
            "canned": canned,
            "language_name": language_name,
            "colleagues": [a for a in advisors.advisors() if a["id"] != user.id],
        },
    )


@router.get("/stats", response_class=HTMLResponse)
def stats_page(request: Request, lang: Lang = None) -> Response:
    user = _user(request)
    if user is None:
        return RedirectResponse("/console/login", status_code=303)
    advisors: AdvisorService = request.app.state.advisors
    return _render(request, "stats.html", _language(lang, user), {"user": user, "stats": advisors.stats()})
