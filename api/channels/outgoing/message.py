"""The channel-agnostic outgoing message, and the text splitting every platform needs.

A stored message (bot reply, system notice, advisor reply) becomes one `Outgoing`; each platform's
renderer turns it into that platform's messages within its limits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from api.conversations.models import Conversation, Message, MessageRole
from api.core.i18n import Catalogs


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Outgoing:
    text: str
    buttons: tuple[Button, ...] = ()
    sources: tuple[Source, ...] = ()
    # Shown before an advisor's words so the user knows a person is writing, not the bot.
    author: str | None = None

    @classmethod
    def from_message(cls, message: Message, language: str, catalogs: Catalogs) -> Outgoing:
        extra: dict[str, Any] = message.payload or {}
        author = None
        if message.role == MessageRole.ADVISOR.value:
            name = str(extra.get("advisor") or "").strip()
            author = catalogs.gettext("channel.advisor_says", language, name=name or "—")
        return cls(
            text=message.text or "",
            buttons=tuple(
                Button(str(b.get("title", "")), str(b.get("payload", "")))
                for b in extra.get("buttons") or []
                if isinstance(b, dict) and b.get("payload")
            ),
            sources=tuple(
                Source(str(s.get("title", "")), str(s.get("url", "")))
                for s in extra.get("sources") or []
                if isinstance(s, dict) and is_web_url(str(s.get("url", "")))
            ),
            author=author,
        )


def is_web_url(url: str) -> bool:
    # Only http(s) ever becomes a link: a javascript: or data: URL in a source must never be sent.
    return url.startswith(("https://", "http://")) and not any(c.isspace() for c in url)


def split_text(text: str, limit: int, measure: Any = len) -> list[str]:
    """Split `text` into pieces of at most `limit` (as `measure` counts), preferring paragraph
    breaks, then line breaks, then spaces, and cutting a word only when it alone is too long."""
    if measure(text) <= limit:
        return [text] if text else []
    for separator in ("\n\n", "\n", " "):
        parts = text.split(separator)
        if len(parts) == 1:
            continue
        pieces: list[str] = []
        current = ""
        for part in parts:
            candidate = part if not current else current + separator + part
            if measure(candidate) <= limit:
                current = candidate
                continue
            if current:
                pieces.append(current)
            if measure(part) <= limit:
                current = part
            else:
                # This part alone is too long: split it on the next, finer separator.
                sub = split_text(part, limit, measure)
                pieces.extend(sub[:-1])
                current = sub[-1] if sub else ""
        if current:
            pieces.append(current)
        return [piece for piece in pieces if piece.strip()]
    # One unbroken run of characters: cut it.
    pieces = []
    current = ""
    for char in text:
        if measure(current + char) > limit:
            pieces.append(current)
            current = ""
        current += char
    if current:
        pieces.append(current)
    return pieces


def shorten(label: str, limit: int) -> str:
    """Platform labels have hard limits; cut with an ellipsis rather than be refused."""
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


class QueuedOutbound:
    """What LINE's and Telegram's outbound adapters share: turning stored messages into `Outgoing`
    in the conversation's language, and waking the outbox worker after the commit."""

    def __init__(self, catalogs: Catalogs, wake: Callable[[], None]) -> None:
        self.catalogs = catalogs
        self._wake = wake

    def outgoing(self, conversation: Conversation, messages: list[Message]) -> tuple[list[Outgoing], str, str]:
        """The messages to send, and the "Sources:" and "Please choose:" labels in the user's language."""
        language = conversation.language
        return (
            [Outgoing.from_message(message, language, self.catalogs) for message in messages],
            self.catalogs.gettext("channel.sources", language),
            self.catalogs.gettext("channel.choose", language),
        )

    def wake(self) -> None:
        self._wake()
