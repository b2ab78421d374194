"""Telegram updates: checked for shape before they are stored, normalised when they are handled."""

from __future__ import annotations

from typing import Any

from api.channels.incoming.dispatch import Inbound, Kind
from api.channels.incoming.inbox import IncomingEvent
from api.channels.incoming.webhook import MalformedWebhook, as_object

CHANNEL = "telegram"
# Commands with a payload the bot already understands; /start and /help are answered directly.
COMMAND_PAYLOADS = {
    "language": "/change_language",
    "human": "/request_human",
    "status": "/check_case_status",
}
UNSUPPORTED = (
    "sticker",
    "photo",
    "voice",
    "audio",
    "video",
    "video_note",
    "animation",
    "document",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
)


def parse_body(body: Any) -> IncomingEvent:
    if not isinstance(body, dict):
        raise MalformedWebhook("expected an Update object")
    update_id = body.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise MalformedWebhook("update_id is missing or not an integer")
    return IncomingEvent(external_id=str(update_id), user_key=_chat_key(body), payload=body)


def _chat_key(update: dict[str, Any]) -> str:
    message = as_object(update.get("message"))
    if not message:
        message = as_object(as_object(update.get("callback_query")).get("message"))
    return str(as_object(message.get("chat")).get("id") or "")


def command_of(text: str) -> str | None:
    """ "/human@KakehashiBot please" → "human"; None when the text is not a command."""
    if not text.startswith("/"):
        return None
    word = text.split(maxsplit=1)[0][1:]
    return word.split("@", 1)[0].lower() or None


def _language(sender: Any) -> str | None:
    code = sender.get("language_code") if isinstance(sender, dict) else None
    return code if isinstance(code, str) else None


def callback_query_id(update: dict[str, Any]) -> str | None:
    query = update.get("callback_query")
    if isinstance(query, dict) and isinstance(query.get("id"), str):
        return str(query["id"])
    return None


def normalise(update: dict[str, Any]) -> Inbound | None:
    """What the update means, or None for updates Kakehashi does not act on (edits, groups, …)."""
    query = update.get("callback_query")
    if isinstance(query, dict):
        message = as_object(query.get("message"))
        chat = as_object(message.get("chat"))
        if chat.get("type") != "private" or chat.get("id") is None:
            return None
        hint = _language(query.get("from"))
        return Inbound(
            channel=CHANNEL,
            user_id=str(chat["id"]),
            kind=Kind.BUTTON,
            data=str(query.get("data") or ""),
            language_hint=lambda: hint,
        )
    message = as_object(update.get("message"))
    if not message:
        return None  # edited_message, my_chat_member, channel_post, …
    chat = as_object(message.get("chat"))
    # Private chats only: in a group the bot would answer everyone's conversation.
    if chat.get("type") != "private" or chat.get("id") is None:
        return None
    hint = _language(message.get("from"))
    common: dict[str, Any] = {"channel": CHANNEL, "user_id": str(chat["id"]), "language_hint": lambda: hint}
    text = message.get("text")
    if isinstance(text, str):
        command = command_of(text)
        if command == "start":
            return Inbound(kind=Kind.WELCOME, **common)
        if command == "help":
            return Inbound(kind=Kind.HELP, **common)
        if command in COMMAND_PAYLOADS:
            return Inbound(kind=Kind.COMMAND, text=text.strip()[:64], data=COMMAND_PAYLOADS[command], **common)
        return Inbound(kind=Kind.TEXT, text=text, **common)
    what = next((key for key in UNSUPPORTED if key in message), "attachment")
    return Inbound(kind=Kind.UNSUPPORTED, what=what, **common)
