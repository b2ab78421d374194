"""The FastAPI application: wiring only; behaviour lives in the modules it includes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import health, internal, knowledge_api, nlg
from api.advisors import console
from api.advisors import internal as advisors_internal
from api.advisors import router as advisors_router
from api.advisors.away import AwayAnswers
from api.advisors.service import AdvisorService
from api.auth import router as auth_router
from api.auth.config import AuthSettings, get_auth_settings, resolve_secret
from api.auth.tokens import TokenSigner
from api.broadcast import Broadcaster
from api.channels import alerts as channel_alerts
from api.channels import widget
from api.channels.config import ChannelSettings, get_channel_settings
from api.channels.hub import Channels
from api.channels.line import webhook as line_webhook
from api.channels.telegram import webhook as telegram_webhook
from api.chat_flows import router as chat_flows_router
from api.conversations.service import ConversationService
from api.core import redact
from api.core.config import Settings, get_settings
from api.db.migrate import upgrade
from api.db.session import Database
from api.fanout import relay_for
from api.fce import router as fce_router
from api.guidance import GuidanceService
from api.i18n import load_catalogs
from api.knowledge import KnowledgeBase
from api.pathways import router as pathways_router
from api.rasa_client import RasaClient
from api.records import router as records_router
from api.responses import ResponseTemplates
from knowledge_base.language import LANGUAGES

HERE = Path(__file__).resolve().parent
log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    auth_settings: AuthSettings | None = None,
    channel_settings: ChannelSettings | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    auth_settings = auth_settings or get_auth_settings()
    channel_settings = channel_settings or get_channel_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await app.state.broadcaster.start()
        if settings.knowledge_enabled:
            app.state.knowledge.start()
        if settings.channel_workers:
            app.state.channels.start()
        yield
        app.state.channels.stop()
        await app.state.broadcaster.stop()
        app.state.rasa.close()
        app.state.db.dispose()

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
    app = FastAPI(title="Kakehashi", version="0.1.0", lifespan=lifespan)
    upgrade(settings.database_url)
    app.state.settings = settings
    app.state.db = Database(settings.database_url)
    app.state.catalogs = load_catalogs(settings.locales_dir)
    app.state.templates = ResponseTemplates(settings.domain_file)
    app.state.rasa = RasaClient(settings.rasa_url, settings.rasa_timeout_seconds, settings.internal_token)
    app.state.broadcaster = Broadcaster(relay_for(settings))
    app.state.knowledge = KnowledgeBase(settings.index_dir)
    app.state.guidance = GuidanceService(app.state.db, app.state.knowledge, app.state.catalogs)
    app.state.conversations = ConversationService(
        app.state.db, app.state.rasa, app.state.catalogs, app.state.templates, app.state.broadcaster
    )
    app.state.auth_settings = auth_settings
    app.state.signer = TokenSigner(resolve_secret(auth_settings), auth_settings.session_ttl_minutes * 60)
    app.state.advisors = AdvisorService(
        app.state.db, app.state.catalogs, app.state.broadcaster, app.state.conversations, auth_settings
    )
    app.state.channels = Channels(
        channel_settings,
        app.state.db,
        app.state.conversations,
        app.state.catalogs,
        app.state.templates,
        app.state.broadcaster,
        settings.max_message_chars,
    )
    app.state.guidance.handoff = lambda cid, reason: app.state.advisors.request_handoff(cid, reason)[1]
    app.state.advisors.away = AwayAnswers(app.state.db, app.state.catalogs, app.state.guidance)

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

    app.include_router(health.router)
    app.include_router(nlg.router)
    app.include_router(widget.router)
    app.include_router(knowledge_api.router)
    app.include_router(internal.router)
    app.include_router(pathways_router.router)
    app.include_router(fce_router.router)
    app.include_router(records_router.router)
    app.include_router(chat_flows_router.router)
    app.include_router(auth_router.router)
    app.include_router(advisors_router.router)
    app.include_router(advisors_internal.router)
    app.include_router(console.router)
    app.include_router(line_webhook.router)
    app.include_router(telegram_webhook.router)
    app.include_router(channel_alerts.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    pages = Jinja2Templates(directory=HERE / "templates")
    app.state.pages = pages

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def demo_page(request: Request) -> HTMLResponse:
        catalogs = app.state.catalogs
        intros = [(language, catalogs.gettext("page.intro", language)) for language in LANGUAGES]
        return pages.TemplateResponse(
            request, "index.html", {"title": catalogs.gettext("page.title", "en"), "intros": intros}
        )

    return app
