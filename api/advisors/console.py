"""/console: server-rendered pages for advisors; console.js adds the live parts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.advisors.service import Forbidden, NotFound
from api.auth.deps import SESSION_COOKIE, load_user
from api.auth.models import Role, User
from api.auth.sessions import StaffSessions
from api.core.config import Settings
from api.core.i18n import Catalogs
from api.core.proxy import cookies_secure
from api.deps import AdvisorsDep, CatalogsDep, PagesDep, SettingsDep, StaffSessionsDep
from knowledge_base.languages import LANGUAGES, accept_language, page_language

router = APIRouter(prefix="/console", include_in_schema=False)
CANNED = ("greeting", "checking", "documents", "office_hours", "closing")
Lang = Annotated[str | None, Query(max_length=8)]


@dataclass(frozen=True)
class Console:
    """What every console page needs: the request, who is logged in (read from the cookie) and the
    catalogs and templates to render with."""

    request: Request
    sessions: StaffSessions
    catalogs: Catalogs
    pages: Jinja2Templates
    settings: Settings


def console(
    request: Request, sessions: StaffSessionsDep, catalogs: CatalogsDep, pages: PagesDep, settings: SettingsDep
) -> Console:
    return Console(request, sessions, catalogs, pages, settings)


ConsoleDep = Annotated[Console, Depends(console)]


def _user(env: Console, roles: tuple[str, ...] = (Role.ADVISOR.value, Role.ADMIN.value)) -> User | None:
    token = env.request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        user = load_user(env.sessions, token)
    except HTTPException:
        return None
    return user if user.role in roles else None


# The language a staff member chose (a ?lang= link or the switcher) is kept in this cookie, so a
# later page without ?lang= stays in it instead of falling back to the first language they speak.
LANG_COOKIE = "kk_console_lang"


def _language(env: Console, lang: str | None, user: User | None) -> str:
    """?lang=, else the kept choice, else the browser's languages, else the staff member's own."""
    kept = env.request.cookies.get(LANG_COOKIE)
    browser = accept_language(env.request.headers.get("accept-language"))
    return page_language(lang, [kept] if kept else [], browser, user.languages if user else ())


def _render(env: Console, name: str, language: str, context: dict[str, Any], status_code: int = 200) -> Response:
    catalogs = env.catalogs

    def t(key: str, **params: Any) -> str:
        return catalogs.gettext("console." + key, language, **params)

    strings = json.dumps(catalogs.bundle("console.", language), ensure_ascii=False)
    response: Response = env.pages.TemplateResponse(
        env.request,
        f"console/{name}",
        {"t": t, "ui_language": language, "languages": LANGUAGES, "strings": strings, **context},
        status_code=status_code,
    )
    # The console shows personal data: never cache it, never frame it.
    if env.request.query_params.get("lang") == language:
        secure = cookies_secure(env.request, env.settings)
        response.set_cookie(LANG_COOKIE, language, max_age=365 * 86400, httponly=True, samesite="strict", secure=secure)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'"
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(env: ConsoleDep, lang: Lang = None) -> Response:
    return _render(env, "login.html", _language(env, lang, None), {"user": None})


@router.get("", response_class=HTMLResponse)
def queue_page(env: ConsoleDep, lang: Lang = None) -> Response:
    user = _user(env)
    if user is None:
        # Evaluators work on credential cases (api/fce/web/console_pages.py), editors on article reviews
        # (api/reviews/console_pages.py), not on the chat queue.
        evaluator = _user(env, (Role.EVALUATOR.value,))
        editor = _user(env, (Role.EDITOR.value,))
        researcher = _user(env, (Role.RESEARCHER.value,))
        query = f"?lang={lang}" if lang in LANGUAGES else ""
        # Editors land on the review queue (api/reviews); researchers read only the anonymised insights.
        target = (
            "/console/cases"
            if evaluator
            else "/console/reviews"
            if editor
            else "/console/insights"
            if researcher
            else "/console/login"
        )
        return RedirectResponse(target + query, status_code=303)
    return _render(env, "queue.html", _language(env, lang, user), {"user": user})


@router.get("/conversations/{conversation_id}", response_class=HTMLResponse)
def conversation_page(env: ConsoleDep, advisors: AdvisorsDep, conversation_id: str, lang: Lang = None) -> Response:
    user = _user(env)
    if user is None:
        return RedirectResponse("/console/login", status_code=303)
    language = _language(env, lang, user)
    try:
        transcript = advisors.transcript(user, conversation_id)
    except NotFound:
        raise HTTPException(404, "conversation not found") from None
    except Forbidden:
        raise HTTPException(403, "not your conversation") from None
    catalogs = env.catalogs
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
        env,
        "conversation.html",
        language,
        {
            "user": user,
            "transcript": transcript,
            "canned": canned,
            "language_name": language_name,
            # Colleagues by name, with the languages they speak named in the console's language.
            "colleagues": [
                {**a, "language_names": [catalogs.gettext(f"language.{code}", language) for code in a["languages"]]}
                for a in advisors.advisors()
                if a["id"] != user.id
            ],
        },
    )


@router.get("/stats", response_class=HTMLResponse)
def stats_page(env: ConsoleDep, advisors: AdvisorsDep, lang: Lang = None) -> Response:
    user = _user(env)
    if user is None:
        return RedirectResponse("/console/login", status_code=303)
    return _render(env, "stats.html", _language(env, lang, user), {"user": user, "stats": advisors.stats()})
