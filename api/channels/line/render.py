"""Outgoing messages as LINE Messaging API message objects, within LINE's limits.

Text ≤ 5,000 characters per message, ≤ 5 messages per reply or push request, quick reply ≤ 13
items with labels ≤ 20 characters, postback data ≤ 300 characters. LINE shows URLs in text as
links, so sources are written out as title and address.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.channels import payloads
from api.channels.outgoing.message import Outgoing, shorten, split_text

TEXT_LIMIT = 5000
MESSAGES_PER_REQUEST = 5
QUICK_REPLY_ITEMS = 13
LABEL_LIMIT = 20
POSTBACK_DATA_LIMIT = 300
DISPLAY_TEXT_LIMIT = 300


def render(session: Session, outgoing: Outgoing, sources_heading: str, choose_text: str) -> list[dict[str, Any]]:
    body = outgoing.text.strip()
    if outgoing.author:
        body = f"{outgoing.author}\n{body}"
    if outgoing.sources:
        lines = "\n".join(f"• {source.title}\n{source.url}" for source in outgoing.sources)
        body = f"{body}\n\n{sources_heading}\n{lines}" if body else f"{sources_heading}\n{lines}"
    chunks = split_text(body, TEXT_LIMIT)
    if not chunks and outgoing.buttons:
        chunks = [choose_text]
    messages: list[dict[str, Any]] = [{"type": "text", "text": chunk} for chunk in chunks]
    if outgoing.buttons and messages:
        # LINE shows quick replies under the last message only, and at most 13 of them.
        messages[-1]["quickReply"] = {
            "items": [
                {
                    "type": "action",
                    "action": {
                        "type": "postback",
                        "label": shorten(button.title, LABEL_LIMIT),
                        "data": payloads.encode(session, button.payload, POSTBACK_DATA_LIMIT),
                        "displayText": shorten(button.title, DISPLAY_TEXT_LIMIT),
                    },
                }
                for button in outgoing.buttons[:QUICK_REPLY_ITEMS]
            ]
        }
    return messages


def batches(messages: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Requests of at most five messages each, in order."""
    return [messages[i : i + MESSAGES_PER_REQUEST] for i in range(0, len(messages), MESSAGES_PER_REQUEST)]
