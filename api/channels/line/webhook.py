"""POST /webhooks/line: verify the signature, store the events, answer 200. Handling comes later."""

from __future__ import annotations

import asyncio
import json

from fastapi import APIRouter, Request

from api.channels.incoming.inbox import store_events
from api.channels.incoming.webhook import MalformedWebhook, disabled, malformed, read_capped, unauthorized
from api.channels.line import events, signature
from api.channels.line.settings import LineSettings
from api.channels.schemas import WebhookStoredOut
from api.deps import ChannelsDep

router = APIRouter(tags=["channels"])


@router.post("/webhooks/line", response_model=WebhookStoredOut)
async def line_webhook(request: Request, channels: ChannelsDep) -> WebhookStoredOut:
    line = channels.configured(events.CHANNEL, LineSettings)
    if line is None:
        raise disabled("LINE")
    body = await read_capped(request, channels.settings.max_webhook_bytes)
    # Authenticate before parsing: an unsigned body is not even looked at.
    if not signature.verify(line.line_channel_secret, body, request.headers.get("X-Line-Signature")):
        raise unauthorized("X-Line-Signature")
    try:
        parsed = json.loads(body)
        incoming = events.parse_body(parsed)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise malformed("not JSON") from None
    except MalformedWebhook as exc:
        raise malformed(str(exc)) from None
    result = await asyncio.to_thread(store_events, channels.db, events.CHANNEL, incoming)
    if result.stored:
        # Off the event loop: waking another process is a Redis publish.
        await asyncio.to_thread(channels.wake_inbound)
    return WebhookStoredOut(stored=result.stored, duplicates=result.duplicates)
