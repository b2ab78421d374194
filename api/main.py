"""The FastAPI application: wiring only. Services are built in api/services.py, routes live in the
packages, and domain exceptions become HTTP answers here, once."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import health
from api.advice import pages as advice_pages
from api.advice import router as advice_router
from api.advice.service import AdviceNotFound, SlotBusy, SlotTaken
from api.advisors import actions_api as advisor_actions
from api.advisors import console
from api.advisors import router as advisors_router
from api.advisors.service import Forbidden, NotFound
from api.auth import router as auth_router
from api.auth.config import AuthSettings, get_auth_settings
from api.channels import alerts as channel_alerts
from api.channels import widget
from api.channels.config import ChannelSettings, get_channel_settings
from api.channels.registry import CHANNELS
from api.chat_flows import router as chat_flows_router
from api.conversations import nlg
from api.conversations.service import ConversationNotFound
from api.conversations.states import IllegalTransition, StateConflict
from api.core import logs, metrics, proxy, redact
from api.core.client import ClientAddress
from api.core.config import Settings, get_settings
from api.core.headers import HtmlSecurityHeaders
from api.core.limits import DEFAULT_CAP, BodyLimit
from api.core.site import site_nav
from api.db.migrate import upgrade
from api.deps import CatalogsDep, PagesDep
from api.fce.schemas import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from api.fce.web import router as fce_router
from api.fce.web.applicant_api import MULTIPART_OVERHEAD
from api.insights import router as insights_router
from api.knowledge import actions_api as knowledge_actions
from api.knowledge import router as knowledge_router
from api.pathways import router as pathways_router
from api.privacy import router as privacy_router
from api.records import router as records_router
from api.reviews import router as reviews_router
from api.services import Services, build_services
from knowledge_base.articles import article_titles
from knowledge_base.language import LANGUAGES
from knowledge_base.languages import accept_language, page_language

HERE = Path(__file__).resolve().parent
log = logging.getLogger(__name__)

ROUTERS = (
    health.router,
    nlg.router,
    widget.router,
    knowledge_router.router,
    knowledge_actions.router,
    pathways_router.router,
    fce_router.router,
    records_router.router,
    reviews_router.router,
    insights_router.router,
    advice_router.router,
    advice_pages.router,
    chat_flows_router.router,
    auth_router.router,
    advisors_router.router,
    advisor_actions.router,
    console.router,
    *(channel.router for channel in CHANNELS),  # the platforms' webhooks (api/channels/registry.py)
    channel_alerts.router,
    privacy_router.router,
)

# Domain exceptions that escape a route, as HTTP: (status, detail). Routes that answer the same
# exception differently (the console's page, the action server's handoff) still catch it themselves.
ERRORS: dict[type[Exception], tuple[int, Callable[[Exception], str]]] = {
    ConversationNotFound: (404, lambda exc: "conversation not found"),
    NotFound: (404, lambda exc: f"not found: {exc}"),
    Forbidden: (403, str),
    StateConflict: (409, lambda exc: f"someone else just changed it: {exc}"),
    IllegalTransition: (409, str),
    AdviceNotFound: (404, lambda exc: "no advice request with this reference and access code"),
    SlotTaken: (409, lambda exc: "this time is no longer free; choose another"),
    SlotBusy: (409, str),
}


def create_app(
    settings: Settings | None = None,
    auth_settings: AuthSettings | None = None,
    channel_settings: ChannelSettings | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    auth_settings = auth_settings or get_auth_settings()
    channel_settings = channel_settings or get_channel_settings()
    redact.install(
        [
            settings.actions_token,
            settings.nlg_token,
            settings.rasa_admin_token,
            auth_settings.session_secret,
            *channel_settings.secrets(),
        ]
    )
    logs.configure(settings.log_format, settings.log_level)
    logs.conceal_tokens_in_access_log()
    if os.environ.get("INTERNAL_TOKEN"):
        log.warning("INTERNAL_TOKEN is no longer read: set ACTIONS_TOKEN, NLG_TOKEN and RASA_ADMIN_TOKEN (README)")
    upgrade(settings.database_url)
    services = build_services(settings, auth_settings, channel_settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await app.state.services.start()
        yield
        await app.state.services.stop()

    app = FastAPI(title="Kakehashi", version="0.1.0", lifespan=lifespan)
    app.state.services = services
    install_error_handlers(app)
    app.add_middleware(HtmlSecurityHeaders)
    app.add_middleware(BodyLimit, cap_for=lambda path: body_cap(services, channel_settings, path))
    app.add_middleware(metrics.HttpMetrics)
    # The client's address for the audit log, read by code far from the request (api/core/client.py).
    app.add_middleware(ClientAddress)
    proxy.install(app, settings)  # last: outermost
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_api_route("/", demo_page, response_class=HTMLResponse, include_in_schema=False)
    return app


APPLICATION_PATHS = frozenset({"/api/v1/fce/cases", "/fce/apply"})


def body_cap(services: Services, channel_settings: ChannelSettings, path: str) -> int:
    """The most a request to `path` may send (api/core/limits.py); read per request, so it follows the
    live settings. Uploads: one file plus its multipart framing; the verifier: a statement PDF;
    webhooks: twice their own limit, so their own 413 answers first; Rasa's NLG calls and the
    action server carry conversation state; everything else is a small JSON body or form."""
    if (path.startswith("/api/v1/fce/cases/") and path.endswith("/documents")) or path == "/fce/status/documents":
        return services.fce.settings.max_document_bytes + MULTIPART_OVERHEAD
    if path in APPLICATION_PATHS:
        # An application may carry MAX_ATTACHMENTS brought credentials of MAX_ATTACHMENT_BYTES each
        # (issue #13 point 7; base64 in the web form), beside the ordinary form.
        return DEFAULT_CAP + 2 * MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES
    if path in ("/api/v1/verify", "/verify"):
        return services.records.settings.max_pdf_bytes + MULTIPART_OVERHEAD
    if path.startswith("/webhooks/"):
        return 2 * channel_settings.max_webhook_bytes
    if path == "/nlg" or path.startswith("/internal/"):
        return 4 * 1024 * 1024
    return DEFAULT_CAP


def install_error_handlers(app: FastAPI) -> None:
    for error, (status_code, detail) in ERRORS.items():
        app.add_exception_handler(error, _answer(status_code, detail))

    @app.exception_handler(StarletteHTTPException)
    async def body_errors_are_422(request: Request, exc: StarletteHTTPException) -> Response:
        # FastAPI answers 400 when a body is not even decodable (not UTF-8); to clients that is
        # the same mistake as malformed JSON, which the contract answers with 422 naming the body.
        if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
            return JSONResponse(
                {"detail": [{"loc": ["body"], "msg": "body must be UTF-8 encoded JSON", "type": "json_invalid"}]},
                status_code=422,
            )
        return await http_exception_handler(request, exc)


def _answer(status_code: int, detail: Callable[[Exception], str]) -> Callable[[Request, Exception], Response]:
    def handler(request: Request, exc: Exception) -> Response:
        return JSONResponse({"detail": detail(exc)}, status_code=status_code)

    return handler


# The home page's guides: the articles most people start from.
HOME_GUIDES = (
    "visa.overview",
    "visa.student",
    "visa.ssw1",
    "visa.engineer_humanities",
    "visa.hsp_points",
    "fce.process",
)


def demo_page(
    request: Request, catalogs: CatalogsDep, pages: PagesDep, lang: Annotated[str | None, Query(max_length=8)] = None
) -> HTMLResponse:
    """The home page in the visitor's language (?lang=, else the browser's): every tool and the main
    guides are linked from here, and the widget greets in the same language (it reads <html lang>)."""
    language = page_language(lang, accept_language(request.headers.get("accept-language")))

    def t(key: str, **params: Any) -> str:
        return catalogs.gettext(key, language, **params)

    intros = [(code, catalogs.gettext("page.intro", code)) for code in LANGUAGES]
    tools = [
        (t("pathways.title"), f"/pathways?lang={language}", t("site.pathways_about")),
        (t("points.title"), f"/pathways/points?lang={language}", t("site.points_about")),
        (t("nqf.title"), f"/nqf?lang={language}", t("site.nqf_about")),
        (t("site.fce_apply"), f"/fce/apply?lang={language}", t("site.fce_apply_about")),
        (t("site.fce_status"), f"/fce/status?lang={language}", t("site.fce_status_about")),
    ]
    titles = article_titles()
    guides = [
        (titles[(topic, language)], f"/kb/{language}/{topic}") for topic in HOME_GUIDES if (topic, language) in titles
    ]
    context = {
        "language": language,
        "title": t("page.title"),
        "intro": t("page.intro"),
        "intros": intros,
        "tools": tools,
        "guides": guides,
        "t": t,
        **site_nav(catalogs, language, "/", lambda code: f"/?lang={code}"),
    }
    page: HTMLResponse = pages.TemplateResponse(request, "index.html", context)
    return page
