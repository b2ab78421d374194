"""Rasa's NLG endpoint: Rasa names a response, the api renders it in the conversation's language.

Only Rasa may call it, with NLG_TOKEN (`?token=`, as Rasa's endpoint config sends it); without the
setting every call is refused.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query, status

from api.conversations.service import ConversationNotFound, ConversationService
from api.core.schemas import ResponseModel
from api.deps import CatalogsDep, ConversationsDep, SettingsDep, TemplatesDep, secret_matches
from knowledge_base.language import DEFAULT_LANGUAGE, normalise_locale

router = APIRouter(tags=["nlg"])


class NlgOut(ResponseModel):
    """A rendered response in the shape Rasa's NLG protocol reads (image, elements and attachments unused)."""

    text: str
    buttons: list[dict[str, Any]]
    image: None
    elements: list[Any]
    attachments: list[Any]


def conversation_language(service: ConversationService, tracker: dict[str, Any]) -> str:
    """The api's record of the language wins; the mirrored slot covers conversations it does not know."""
    sender = tracker.get("sender_id")
    if isinstance(sender, str):
        try:
            return service.get(sender).language
        except ConversationNotFound:
            pass
    slot = (tracker.get("slots") or {}).get("language")
    return normalise_locale(slot if isinstance(slot, str) else None) or DEFAULT_LANGUAGE


@router.post("/nlg", response_model=NlgOut)
def render_response(
    request_body: Annotated[dict[str, Any], Body()],
    service: ConversationsDep,
    catalogs: CatalogsDep,
    templates: TemplatesDep,
    settings: SettingsDep,
    token: Annotated[str | None, Query()] = None,
) -> dict[str, Any]:
    # Rasa's endpoint config sends its token as a query parameter. NLG_TOKEN only, and never "anyone"
    # when it is unset: the replies carry conversation data (language, links) to whoever asks.
    if not secret_matches(token, settings.nlg_token):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="nlg token")
    name = request_body.get("response") or request_body.get("template")
    if not isinstance(name, str):
        # In FastAPI's own shape (a list naming the field), as /openapi.json documents every 422.
        missing = {"loc": ["body", "response"], "msg": "response name missing", "type": "missing"}
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=[missing])
    tracker = request_body.get("tracker") if isinstance(request_body.get("tracker"), dict) else {}
    arguments = request_body.get("arguments") if isinstance(request_body.get("arguments"), dict) else {}
    language = conversation_language(service, tracker or {})
    try:
        # Links in responses point at this deployment's own pages.
        params = {"base_url": settings.public_base_url.rstrip("/"), **(arguments or {})}
        reply = templates.render(name, language, catalogs, **params)
    except KeyError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"unknown response {name}") from None
    return {"text": reply.text, "buttons": reply.buttons, "image": None, "elements": [], "attachments": []}
