"""Outgoing messages as Telegram sendMessage calls, within Telegram's limits.

HTML parse mode, so every piece of text is escaped (a user's or advisor's "<b>" stays literal);
≤ 4,096 characters per message, split on paragraph boundaries (measured after escaping, which is
stricter than Telegram's count after entity parsing); inline keyboard buttons with callback data
≤ 64 bytes, on the last piece only.
"""

from __future__ import annotations

import html
from typing import Any

from sqlalchemy.orm import Session

from api.channels import payloads
from api.channels.outgoing.message import Outgoing, split_text

TEXT_LIMIT = 4096
CALLBACK_DATA_BYTES = 64


def _escaped_length(text: str) -> int:
    return len(html.escape(text, quote=False))


def render(session: Session, outgoing: Outgoing, sources_heading: str, choose_text: str) -> list[dict[str, Any]]:
    """The keyword arguments of one sendMessage call per piece (chat_id is added by the outbox)."""
    prefix = f"<b>{html.escape(outgoing.author, quote=False)}</b>\n" if outgoing.author else ""
    raw = outgoing.text.strip()
    pieces = [html.escape(p, quote=False) for p in split_text(raw, TEXT_LIMIT - len(prefix), _escaped_length)]
    if prefix:
        pieces = [prefix + pieces[0], *pieces[1:]] if pieces else [prefix.rstrip("\n")]
    if outgoing.sources:
        links = [
            f'• <a href="{html.escape(source.url, quote=True)}">{html.escape(source.title, quote=False)}</a>'
            for source in outgoing.sources
        ]
        block = f"<b>{html.escape(sources_heading, quote=False)}</b>\n" + "\n".join(links)
        if pieces and len(pieces[-1]) + 2 + len(block) <= TEXT_LIMIT:
            pieces[-1] = f"{pieces[-1]}\n\n{block}"
        else:
            pieces.extend(split_text(block, TEXT_LIMIT))
    if not pieces and outgoing.buttons:
        pieces = [html.escape(choose_text, quote=False)]
    calls: list[dict[str, Any]] = [
        {"text": piece, "parse_mode": "HTML", "link_preview_options": {"is_disabled": True}} for piece in pieces
    ]
    if outgoing.buttons and calls:
        calls[-1]["reply_markup"] = {
            "inline_keyboard": [
                [
                    {
                        "text": button.title,
                        "callback_data": payloads.encode(session, button.payload, CALLBACK_DATA_BYTES),
                    }
                ]
                for button in outgoing.buttons
            ]
        }
    return calls
