"""POST /webhooks/telegram: check the secret token, store the update, answer 200."""

from __future__ import annotations

import asyncio
import hmac
import json

from fastapi import APIRouter, Request

from api.channels.incoming.inbox import store_events
from api.channels.incoming.webhook import MalformedWebhook, disabled, malformed, read_capped, unauthorized
from api.channels.schemas import WebhookStoredOut
from api.channels.telegram import events
from api.channels.telegram.settings import TelegramSettings
from api.deps import ChannelsDep

router = APIRouter(tags=["channels"])
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret


def secret_matches(expected: str, given: str | None) -> bool:
    if not expected or given is None:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


@router.post("/webhooks/telegram", response_model=WebhookStoredOut)
async def telegram_webhook(request: Request, channels: ChannelsDep) -> WebhookStoredOut:
    telegram = channels.configured(events.CHANNEL, TelegramSettings)
    if telegram is None:
        raise disabled("Telegram")
    # Checked before the body is read: without the secret anyone could speak for any chat.
    if not secret_matches(telegram.telegram_webhook_secret, request.headers.get(SECRET_HEADER)):
        raise unauthorized(SECRET_HEADER)
    body = await read_capped(request, channels.settings.max_webhook_bytes)
    try:
        incoming = events.parse_body(json.loads(body))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise malformed("not JSON") from None
    except MalformedWebhook as exc:
        raise malformed(str(exc)) from None
    result = await asyncio.to_thread(store_events, channels.db, events.CHANNEL, [incoming])
    if result.stored:
        # Off the event loop: waking another process is a Redis publish.
        await asyncio.to_thread(channels.wake_inbound)
    return WebhookStoredOut(stored=result.stored, duplicates=result.duplicates)
