"""The FastAPI application: wiring only. Services are built in api/services.py, routes live in the
packages, and domain exceptions become HTTP answers here, once."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import health
from api.advisors import actions_api as advisor_actions
from api.advisors import console
from api.advisors import router as advisors_router
from api.advisors.service import Forbidden, NotFound
from api.auth import router as auth_router
from api.auth.config import AuthSettings, get_auth_settings
from api.channels import alerts as channel_alerts
from api.channels import widget
from api.channels.config import ChannelSettings, get_channel_settings
from api.channels.line import webhook as line_webhook
from api.channels.telegram import webhook as telegram_webhook
from api.chat_flows import router as chat_flows_router
from api.conversations import nlg
from api.conversations.service import ConversationNotFound
from api.conversations.states import IllegalTransition, StateConflict
from api.core import redact
from api.core.config import Settings, get_settings
from api.db.migrate import upgrade
from api.deps import CatalogsDep, PagesDep
from api.fce import router as fce_router
from api.knowledge import actions_api as knowledge_actions
from api.knowledge import router as knowledge_router
from api.pathways import router as pathways_router
from api.records import router as records_router
from api.services import build_services
from knowledge_base.language import LANGUAGES

HERE = Path(__file__).resolve().parent
log = logging.getLogger(__name__)

ROUTERS = (
    health,
    nlg,
    widget,
    knowledge_router,
    knowledge_actions,
    pathways_router,
    fce_router,
    records_router,
    chat_flows_router,
    auth_router,
    advisors_router,
    advisor_actions,
    console,
    line_webhook,
    telegram_webhook,
    channel_alerts,
)

# Domain exceptions that escape a route, as HTTP: (status, detail). Routes that answer the same
# exception differently (the console's page, the action server's handoff) still catch it themselves.
ERRORS: dict[type[Exception], tuple[int, Callable[[Exception], str]]] = {
    ConversationNotFound: (404, lambda exc: "conversation not found"),
    NotFound: (404, lambda exc: f"not found: {exc}"),
    Forbidden: (403, str),
    StateConflict: (409, lambda exc: f"someone else just changed it: {exc}"),
    IllegalTransition: (409, str),
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
            settings.internal_token,
            auth_settings.session_secret,
            channel_settings.line_channel_secret,
            channel_settings.line_channel_access_token,
            channel_settings.telegram_bot_token,
            channel_settings.telegram_webhook_secret,
        ]
    )
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
    for module in ROUTERS:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_api_route("/", demo_page, response_class=HTMLResponse, include_in_schema=False)
    return app


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


def demo_page(request: Request, catalogs: CatalogsDep, pages: PagesDep) -> HTMLResponse:
    intros = [(language, catalogs.gettext("page.intro", language)) for language in LANGUAGES]
    page: HTMLResponse = pages.TemplateResponse(
        request, "index.html", {"title": catalogs.gettext("page.title", "en"), "intros": intros}
    )
    return page
