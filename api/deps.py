"""Dependencies, in one place: services from app state, and the two kinds of caller authentication."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status

from api.conversations.models import Conversation
from api.conversations.responses import ResponseTemplates
from api.conversations.service import ConversationNotFound, ConversationService, token_matches
from api.core.config import Settings
from api.core.i18n import Catalogs
from api.db.session import Database
from api.knowledge.guidance import GuidanceService
from api.knowledge.search import KnowledgeBase


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_catalogs(request: Request) -> Catalogs:
    catalogs: Catalogs = request.app.state.catalogs
    return catalogs


def get_templates(request: Request) -> ResponseTemplates:
    templates: ResponseTemplates = request.app.state.templates
    return templates


def get_conversations(request: Request) -> ConversationService:
    service: ConversationService = request.app.state.conversations
    return service


def get_knowledge(request: Request) -> KnowledgeBase:
    knowledge: KnowledgeBase = request.app.state.knowledge
    return knowledge


def get_guidance(request: Request) -> GuidanceService:
    guidance: GuidanceService = request.app.state.guidance
    return guidance


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def widget_conversation(
    conversation_id: str,
    service: Annotated[ConversationService, Depends(get_conversations)],
    authorization: Annotated[str | None, Header()] = None,
) -> Conversation:
    """The widget conversation named in the path, if the bearer token is its own."""
    token = bearer_token(authorization)
    if token is None:
        raise _unauthorized("missing bearer token")
    try:
        conversation = service.get(conversation_id)
    except ConversationNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="conversation not found") from None
    if conversation.channel != "widget" or not token_matches(token, conversation.token_hash):
        raise _unauthorized("invalid token for this conversation")
    return conversation


def internal_caller(
    settings: Annotated[Settings, Depends(get_settings_dep)],
    authorization: Annotated[str | None, Header()] = None,
) -> None:
    """The action server and Rasa's NLG calls: the shared INTERNAL_TOKEN, compared in constant time."""
    token = bearer_token(authorization)
    expected = settings.internal_token
    if not expected or token is None or not hmac.compare_digest(token.encode(), expected.encode()):
        raise _unauthorized("internal endpoint")
