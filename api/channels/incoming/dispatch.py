"""What a platform event means to Kakehashi, once a platform module has normalised it.

LINE and Telegram differ in shape, not in meaning: a user writes text, presses a button, sends
something we cannot read (sticker, photo, voice, location), starts the chat, or uses a command.
`Dispatcher` handles those meanings the same way for both, through the conversation router,
so ownership (bot, waiting, advisor), language and storage work exactly as on the widget.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from api.channels import payloads
from api.conversations.models import Conversation, ConversationState, Message, MessageRole
from api.conversations.responses import Reply, ResponseTemplates
from api.conversations.service import ConversationService, InvalidPayload
from api.core import pasted
from api.core.i18n import Catalogs
from api.db.session import Database

log = logging.getLogger(__name__)


class Kind(enum.StrEnum):
    TEXT = "text"
    BUTTON = "button"  # a button's data (LINE postback, Telegram callback query)
    COMMAND = "command"  # a payload chosen by the platform module (/human → /request_human)
    WELCOME = "welcome"  # LINE follow, Telegram /start
    HELP = "help"
    UNSUPPORTED = "unsupported"  # sticker, image, audio, location, …


@dataclass
class Inbound:
    channel: str
    user_id: str
    kind: Kind
    text: str = ""
    data: str | None = None
    # Only asked when the conversation is new (LINE needs an API call for the profile's language).
    language_hint: Callable[[], str | None] = lambda: None
    what: str = ""  # for UNSUPPORTED: "sticker", "image", …
    reply_token: str | None = None
    reply_token_expires_at: datetime | None = None


@dataclass
class ReplyToken:
    """The LINE reply token of the event being handled: the first send of this turn may use it."""

    conversation_id: str
    token: str
    expires_at: datetime
    used: bool = field(default=False)


_current_token: ContextVar[ReplyToken | None] = ContextVar("kakehashi_reply_token", default=None)


def take_reply_token(conversation_id: str) -> ReplyToken | None:
    """The current event's reply token, once (tokens are single-use)."""
    token = _current_token.get()
    if token is None or token.used or token.conversation_id != conversation_id:
        return None
    token.used = True
    return token


@contextmanager
def reply_token_scope(token: ReplyToken | None) -> Iterator[None]:
    reset = _current_token.set(token)
    try:
        yield
    finally:
        _current_token.reset(reset)


class Dispatcher:
    def __init__(
        self,
        db: Database,
        conversations: ConversationService,
        catalogs: Catalogs,
        templates: ResponseTemplates,
        max_message_chars: int,
    ) -> None:
        self.db = db
        self.conversations = conversations
        self.catalogs = catalogs
        self.templates = templates
        self.max_message_chars = max_message_chars

    def handle(self, event: Inbound) -> None:
        conversation = self._conversation(event)
        token = None
        if event.reply_token and event.reply_token_expires_at:
            token = ReplyToken(conversation.id, event.reply_token, event.reply_token_expires_at)
        with reply_token_scope(token):
            self._dispatch(event, conversation)

    def _dispatch(self, event: Inbound, conversation: Conversation) -> None:
        cid, language = conversation.id, conversation.language
        if event.kind is Kind.WELCOME:
            self.conversations.store_system_message(cid, language, self._welcome(language))
        elif event.kind is Kind.HELP:
            self.conversations.store_system_message(cid, language, Reply(text=self._t("channel.help", language)))
        elif event.kind is Kind.UNSUPPORTED:
            if conversation.state == ConversationState.BOT.value:
                self.conversations.store_system_message(
                    cid, language, Reply(text=self._t("channel.type_your_question", language))
                )
            else:
                # A person owns the conversation: they should know something arrived, even unread.
                self.conversations.handle_user_message(cid, f"[{event.what or 'attachment'}]")
        elif event.kind is Kind.TEXT:
            self._text(conversation, event.text)
        elif event.kind in (Kind.BUTTON, Kind.COMMAND):
            self._button(conversation, event)

    # -- the meanings ------------------------------------------------------------------------

    def _text(self, conversation: Conversation, text: str) -> None:
        text = text.strip()
        if not text:
            return
        limit = pasted.MAX_CHARS if pasted.looks_like_credential(text) else self.max_message_chars
        if len(text) > limit:
            # The widget answers 422 here; a chat user gets the same limit, told in their language.
            self.conversations.store_system_message(
                conversation.id,
                conversation.language,
                Reply(text=self._t("channel.too_long", conversation.language, limit=limit)),
            )
            return
        self.conversations.handle_user_message(conversation.id, text)

    def _button(self, conversation: Conversation, event: Inbound) -> None:
        with self.db.session() as session:
            payload = payloads.decode(session, event.data or "")
        if payload is None:
            self._expired_button(conversation)
            return
        title = event.text or self._button_title(conversation.id, payload) or payload
        try:
            self.conversations.handle_user_message(conversation.id, title, payload)
        except (InvalidPayload, ValueError):
            log.warning("%s: a button with an unknown payload was pressed", event.channel)
            self._expired_button(conversation)

    def _expired_button(self, conversation: Conversation) -> None:
        self.conversations.store_system_message(
            conversation.id,
            conversation.language,
            Reply(text=self._t("channel.button_expired", conversation.language)),
        )

    def _welcome(self, language: str) -> list[Reply]:
        menu = self.templates.render("utter_choose_language", language, self.catalogs)
        return [Reply(text=self._t("channel.welcome", language)), menu]

    # -- helpers -----------------------------------------------------------------------------

    def _t(self, key: str, language: str, **params: object) -> str:
        return self.catalogs.gettext(key, language, **params)

    def _conversation(self, event: Inbound) -> Conversation:
        with self.db.session() as session:
            existing = session.scalars(
                select(Conversation)
                .where(Conversation.channel == event.channel, Conversation.channel_user_id == event.user_id)
                .order_by(Conversation.created_at.desc())
                .limit(1)
            ).first()
            if existing is not None:
                return existing
        hint = event.language_hint()
        conversation, _ = self.conversations.create(event.channel, channel_hint=hint, channel_user_id=event.user_id)
        return conversation

    def _button_title(self, conversation_id: str, payload: str) -> str | None:
        """The title of the button that carried `payload`, from the latest messages that had buttons,
        so the transcript reads "Tiếng Việt" rather than a payload."""
        with self.db.session() as session:
            recent = session.scalars(
                select(Message)
                .where(Message.conversation_id == conversation_id, Message.role != MessageRole.USER.value)
                .order_by(Message.id.desc())
                .limit(20)
            ).all()
        for message in recent:
            for button in (message.payload or {}).get("buttons") or []:
                if isinstance(button, dict) and button.get("payload") == payload:
                    return str(button.get("title") or "") or None
        return None
