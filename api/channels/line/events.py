"""LINE webhook bodies: checked for shape before they are stored, normalised when they are handled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from api.channels.incoming.dispatch import Inbound, Kind
from api.channels.incoming.inbox import IncomingEvent
from api.channels.incoming.webhook import MalformedWebhook, as_object

CHANNEL = "line"


def parse_body(body: Any) -> list[IncomingEvent]:
    """The events of a signed webhook body; MalformedWebhook if any of them is not an event.

    An empty list is valid: it is what LINE's console sends to verify a webhook URL.
    """
    if not isinstance(body, dict) or not isinstance(body.get("events"), list):
        raise MalformedWebhook("expected an object with an 'events' list")
    events = []
    for index, event in enumerate(body["events"]):
        if not isinstance(event, dict):
            raise MalformedWebhook(f"events[{index}] is not an object")
        event_id = event.get("webhookEventId")
        if not isinstance(event_id, str) or not 0 < len(event_id) <= 64:
            raise MalformedWebhook(f"events[{index}].webhookEventId is missing or invalid")
        if not isinstance(event.get("type"), str):
            raise MalformedWebhook(f"events[{index}].type is missing")
        timestamp = event.get("timestamp")
        if not isinstance(timestamp, int) or isinstance(timestamp, bool):
            raise MalformedWebhook(f"events[{index}].timestamp is missing or not an integer")
        source = as_object(event.get("source"))
        user_key = str(source.get("userId") or source.get("groupId") or source.get("roomId") or "")
        events.append(IncomingEvent(external_id=event_id, user_key=user_key, payload=event))
    return events


def normalise(
    event: dict[str, Any], language_of: Callable[[str], str | None], reply_token_seconds: int
) -> Inbound | None:
    """What the event means, or None for events Kakehashi does not act on."""
    source = as_object(event.get("source"))
    user_id = source.get("userId")
    # One-to-one chats only: in groups the bot would answer strangers' conversations.
    if source.get("type") != "user" or not isinstance(user_id, str) or not user_id:
        return None
    # In standby mode another module owns the chat and the bot must not reply.
    if event.get("mode") == "standby":
        return None
    reply_token = event.get("replyToken") if isinstance(event.get("replyToken"), str) else None
    received = datetime.fromtimestamp(int(event.get("timestamp") or 0) / 1000, UTC)
    common: dict[str, Any] = {
        "channel": CHANNEL,
        "user_id": user_id,
        "language_hint": lambda: language_of(user_id),
        "reply_token": reply_token,
        "reply_token_expires_at": received + timedelta(seconds=reply_token_seconds) if reply_token else None,
    }
    kind = event.get("type")
    if kind == "follow":
        return Inbound(kind=Kind.WELCOME, **common)
    if kind == "postback":
        postback = as_object(event.get("postback"))
        data = postback.get("data")
        return Inbound(kind=Kind.BUTTON, data=data if isinstance(data, str) else "", **common)
    if kind == "message":
        message = as_object(event.get("message"))
        if message.get("type") == "text":
            return Inbound(kind=Kind.TEXT, text=str(message.get("text") or ""), **common)
        return Inbound(kind=Kind.UNSUPPORTED, what=str(message.get("type") or "attachment")[:20], **common)
    return None  # unfollow, join, leave, beacon, …: nothing to say
