"""'Send me my data' and 'delete my data' in chat (issue #15 item 2): every channel, five languages,
always after a confirmation step. The api answers these itself; Rasa never sees them.

1. A typed request (api/privacy/asks.py) or the payload `/privacy_request{"action": …}` gets a
   confirmation: what exactly would be exported or deleted (counts and case references, from the same
   search the admin API uses), with two buttons, `/privacy_confirm{"action": …}` and
   `/privacy_cancel{"action": …}`. Typed out, a button's title or a plain yes/no answers it, but only
   while that confirmation is the last thing the api said: a "yes" nobody asked for, an old button
   pressed later or a second press of the same one finds nothing pending and changes nothing.
2. Export: a download link (`/privacy/download/<token>`, api/privacy/downloads.py) that works once,
   for LINK_HOURS. The token is random and only its hash is kept; the conversation keeps the reply
   with the token masked (api/conversations/secrets.py), and only this turn's answer (the widget's
   response, the LINE/Telegram outbox row, masked again once sent) carries it. The zip never travels
   through a chat platform.
3. Erasure: the same erasure as the admin API and the status page (api/privacy/subjects.py), for
   everything held about the person this conversation belongs to. The last message ("your data has
   been deleted") is queued to LINE/Telegram inside the erasure's own transaction, after the person's
   outbox rows are gone, addressed to the account rather than to the erased conversation, so it is
   delivered either both or neither; the widget gets it in the HTTP response (state "erased") and starts
   a new conversation. A channel user's next message starts a new conversation too: none is left.
4. A person handling the conversation (waiting for or talking with an advisor) does not stop either
   request: an erasure is a right that does not wait for office hours, and a conversation held over
   the night would otherwise keep the request (and the data) until someone reads it. The confirmation
   says the conversation with the advisor ends; the advisors' consoles are told it closed.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api.advice.models import AdviceRequest
from api.advisors.service import ADVISORS_TOPIC
from api.auth.audit import audit
from api.conversations.models import Conversation, ConversationState, Message, MessageRole
from api.conversations.responses import Reply
from api.conversations.service import ConversationService, Outbound, hash_token
from api.core import parse
from api.core.clock import utcnow
from api.core.i18n import Catalogs
from api.db.session import Database
from api.fce.models import FceCase, FceDocument
from api.live.broadcast import Broadcaster
from api.privacy import asks
from api.privacy.models import ExportLink
from api.privacy.subjects import Found, PrivacyRequests, Subject, SubjectNotFound

log = logging.getLogger(__name__)

REQUEST = "privacy_request"
CONFIRM = "privacy_confirm"
CANCEL = "privacy_cancel"
ACTIONS = ("export", "erase")
LINK_HOURS = 24
DOWNLOAD_PATH = "/privacy/download/"


def payload(intent: str, action: str) -> str:
    return f"/{intent}" + json.dumps({"action": action})


@dataclass(frozen=True)
class Held:
    """What the confirmation is about: counts and references, never a name or an e-mail."""

    conversations: int
    messages: int
    references: list[str]
    documents: int
    advice_requests: int


class PrivacyChat:
    def __init__(
        self,
        db: Database,
        catalogs: Catalogs,
        requests: PrivacyRequests,
        conversations: ConversationService,
        broadcaster: Broadcaster,
        public_base_url: str,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.catalogs = catalogs
        self.requests = requests
        self.conversations = conversations
        self.broadcaster = broadcaster
        self.public_base_url = public_base_url.rstrip("/")
        self.clock = clock

    def local_intents(self) -> dict[str, Callable[[str, dict[str, Any]], list[Reply]]]:
        return {REQUEST: self.request_intent, CONFIRM: self.confirm_intent, CANCEL: self.cancel_intent}

    # -- what a typed message means ------------------------------------------------------------------

    def typed(self, conversation_id: str, text: str, last_buttons: list[dict[str, Any]]) -> str | None:
        """The payload a typed message stands for: an answer to the pending confirmation (its button's
        title, or yes/no), or a new request; None for anything else (the router goes on as usual)."""
        pending = _pending(last_buttons)
        if pending is not None and len(text) <= 200:
            key = parse.compact(text)
            for button in last_buttons:
                if key and parse.compact(str(button.get("title") or "")) == key:
                    return str(button.get("payload"))
            answer = parse.yes_no(text)
            if answer is not None:
                return payload(CONFIRM if answer else CANCEL, pending)
        action = asks.requested(text)
        return payload(REQUEST, action) if action is not None else None

    # -- the local intents ---------------------------------------------------------------------------

    def request_intent(self, conversation_id: str, entities: dict[str, Any]) -> list[Reply]:
        action = entities.get("action")
        conversation = self._conversation(conversation_id)
        language = conversation.language
        if action not in ACTIONS:
            return [self._nothing_pending(language)]
        with self.db.session() as session:
            held = self._held(session, self.requests.find(session, Subject(conversation_id=conversation_id)))
        lines = [self._t(f"privacy.chat.{action}.confirm", language, hours=LINK_HOURS), self._summary(held, language)]
        if action == "erase":
            if held.references:
                lines.append(self._t("privacy.erase.kept", language))
            if conversation.state in (ConversationState.WAITING.value, ConversationState.ADVISOR.value):
                lines.append(self._t("privacy.chat.erase.ends_handoff", language))
            lines.append(self._t("privacy.chat.erase.final", language))
        buttons = [
            {"title": self._t(f"privacy.chat.{action}.yes", language), "payload": payload(CONFIRM, str(action))},
            {"title": self._t("privacy.chat.cancel", language), "payload": payload(CANCEL, str(action))},
        ]
        log.info("privacy request in chat: %s conversation=%s", action, conversation_id)
        return [Reply(text="\n\n".join(line for line in lines if line), buttons=buttons)]

    def confirm_intent(self, conversation_id: str, entities: dict[str, Any]) -> list[Reply]:
        conversation = self._conversation(conversation_id)
        language = conversation.language
        action = entities.get("action")
        if action not in ACTIONS or self._pending_of(conversation_id) != action:
            # A "yes" nobody asked for: an old button, a second press, a crafted payload.
            return [self._nothing_pending(language)]
        if action == "export":
            return [self._export_link(conversation_id, language)]
        return self._erase(conversation)

    def cancel_intent(self, conversation_id: str, entities: dict[str, Any]) -> list[Reply]:
        """Cancel changes nothing, pending or not; it only says so."""
        return [Reply(text=self._t("privacy.chat.cancelled", self._conversation(conversation_id).language))]

    # -- export --------------------------------------------------------------------------------------

    def _export_link(self, conversation_id: str, language: str) -> Reply:
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self.db.session() as session:
            # Links past their time are of no use to anyone: they go whenever a new one is made.
            session.execute(delete(ExportLink).where(ExportLink.expires_at < now))
            session.add(
                ExportLink(
                    token_hash=hash_token(token),
                    conversation_id=conversation_id,
                    language=language,
                    created_at=now,
                    expires_at=now + timedelta(hours=LINK_HOURS),
                )
            )
            audit(session, None, "privacy.export_link", detail={"via": "chat", "hours": LINK_HOURS})
        url = f"{self.public_base_url}{DOWNLOAD_PATH}{token}"
        log.info("privacy export link issued conversation=%s", conversation_id)
        return Reply(text=self._t("privacy.chat.export.ready", language, url=url, hours=LINK_HOURS))

    # -- erasure -------------------------------------------------------------------------------------

    def _erase(self, conversation: Conversation) -> list[Reply]:
        language = conversation.language
        final = Reply(text=self._t("privacy.chat.erase.done", language))
        held = conversation.state in (ConversationState.WAITING.value, ConversationState.ADVISOR.value)
        woken: list[Outbound] = []

        def last_message(session: Session) -> None:
            # The erasure has removed every row of the person, their outbox included; this one is new,
            # addressed to the account, and tied to no conversation (there is none left).
            if not conversation.channel_user_id:
                return
            to = Conversation(channel=conversation.channel, channel_user_id=conversation.channel_user_id)
            to.language = language
            message = Message(role=MessageRole.SYSTEM.value, text=final.text, language=language)
            outbound = self.conversations.queue_outbound(session, to, [message])
            if outbound is not None:
                woken.append(outbound)

        try:
            counts = self.requests.erase(
                Subject(conversation_id=conversation.id), via="chat", before_commit=last_message
            )
        except SubjectNotFound:
            # A second confirmation raced the first one, which has already erased everything.
            return [final]
        except Exception:
            # One transaction: nothing of the person went, and no last message was queued.
            log.exception("privacy erasure in chat failed; nothing erased conversation=%s", conversation.id)
            return [Reply(text=self._t("privacy.chat.erase.failed", language))]
        for outbound in woken:
            outbound.wake()
        if held:
            self.broadcaster.publish(
                ADVISORS_TOPIC,
                {"type": "state", "conversation_id": conversation.id, "state": "closed", "advisor_id": None},
            )
        log.info("privacy erasure in chat: %s conversations", counts.get("conversations"))
        return [final]

    # -- helpers -------------------------------------------------------------------------------------

    def _conversation(self, conversation_id: str) -> Conversation:
        with self.db.session() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                raise SubjectNotFound("conversation")
            session.expunge(conversation)
            return conversation

    def _pending_of(self, conversation_id: str) -> str | None:
        """The action the last thing the api said asks to confirm, if it is a confirmation."""
        with self.db.session() as session:
            last = session.scalars(
                select(Message)
                .where(Message.conversation_id == conversation_id, Message.role != MessageRole.USER.value)
                .order_by(Message.id.desc())
                .limit(1)
            ).first()
            buttons = (last.payload or {}).get("buttons") if last is not None else None
        return _pending([b for b in buttons or [] if isinstance(b, dict)])

    @staticmethod
    def _held(session: Session, found: Found) -> Held:
        messages = session.scalar(
            select(func.count()).select_from(Message).where(Message.conversation_id.in_(found.conversation_ids))
        )
        documents = session.scalar(
            select(func.count()).select_from(FceDocument).where(FceDocument.case_id.in_(found.case_ids))
        )
        references = sorted(session.scalars(select(FceCase.reference).where(FceCase.id.in_(found.case_ids))))
        advice = sorted(session.scalars(select(AdviceRequest.reference).where(AdviceRequest.id.in_(found.advice_ids))))
        return Held(
            conversations=len(found.conversation_ids),
            messages=int(messages or 0),
            references=[*references, *advice],
            documents=int(documents or 0),
            advice_requests=len(advice),
        )

    def _summary(self, held: Held, language: str) -> str:
        lines = [self._t("privacy.chat.held.conversations", language, count=held.conversations, messages=held.messages)]
        if held.references:
            lines.append(
                self._t(
                    "privacy.chat.held.cases", language, references=", ".join(held.references), documents=held.documents
                )
            )
        return "\n".join(f"• {line}" for line in lines)

    def _nothing_pending(self, language: str) -> Reply:
        return Reply(text=self._t("privacy.chat.nothing_pending", language))

    def _t(self, key: str, language: str, **params: Any) -> str:
        return self.catalogs.gettext(key, language, **params)


def _pending(buttons: list[dict[str, Any]]) -> str | None:
    """The action of a confirmation whose buttons these are, else None."""
    for action in ACTIONS:
        if any(button.get("payload") == payload(CONFIRM, action) for button in buttons):
            return action
    return None


def local_intents(chat: Callable[[], PrivacyChat | None]) -> dict[str, Callable[[str, dict[str, Any]], list[Reply]]]:
    """The three payload intents for the conversation router, reaching the chat service (built after
    the router) only when a message is handled."""

    def route(name: str) -> Callable[[str, dict[str, Any]], list[Reply]]:
        def answer(conversation_id: str, entities: dict[str, Any]) -> list[Reply]:
            service = chat()
            if service is None:
                return []
            return service.local_intents()[name](conversation_id, entities)

        return answer

    return {name: route(name) for name in (REQUEST, CONFIRM, CANCEL)}


def typed_intent(chat: Callable[[], PrivacyChat | None]) -> Callable[[str, str, list[dict[str, Any]]], str | None]:
    def typed(conversation_id: str, text: str, last_buttons: list[dict[str, Any]]) -> str | None:
        service = chat()
        return service.typed(conversation_id, text, last_buttons) if service is not None else None

    return typed
