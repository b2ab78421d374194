"""The conversation router: stores every message first, then lets the owner answer.

Only a conversation whose owner is the bot reaches Rasa. Whatever happens downstream, the user's
message is already committed, so nothing a person wrote is lost when Rasa or the action server fails.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.conversations import language_policy, starts
from api.conversations import secrets as codes
from api.conversations.models import Conversation, ConversationState, LanguageSource, Message, MessageRole
from api.conversations.rasa_client import RasaClient, RasaUnavailable
from api.conversations.responses import Reply, ResponseTemplates
from api.conversations.states import Actor, move_locked
from api.core import event_key, logs, metrics, parse
from api.core.i18n import Catalogs
from api.db.session import Database
from api.live.broadcast import Broadcaster
from knowledge_base.language import LANGUAGES

log = logging.getLogger(__name__)

# A button payload: "/intent" or "/intent{json}". Only buttons produce these; typed text never
# becomes one (see `as_rasa_text`).
ACCESS_CODE_QUESTION = "flow.ask.case_access_code"
PAYLOAD_PATTERN = re.compile(r"^/([a-z_]{1,64})(\{.{0,400}\})?$", re.DOTALL)
MAX_PAYLOAD_CHARS = 512


class Outbound(Protocol):
    """A channel's sending side (see api/channels): queues stored messages, then wakes its worker."""

    def enqueue(self, session: Session, conversation: Conversation, messages: list[Message]) -> None: ...

    def wake(self) -> None: ...


# A payload intent the api answers itself: (conversation_id, entities) -> replies.
LocalIntent = Callable[[str, dict[str, Any]], list[Reply]]
# A user message held for its human owner: (conversation_id, stored message, payload) -> replies.
HeldMessageHook = Callable[[str, dict[str, Any], str | None], list[Reply]]
# A typed text that means a local intent: (conversation_id, text, last buttons) -> its payload, or None.
TypedIntent = Callable[[str, str, list[dict[str, Any]]], str | None]
# The state a turn reports when a local intent removed the conversation (the person's own erasure,
# api/privacy/chat.py): nothing of it is left, and the widget starts a new one.
ERASED = "erased"


@dataclass(frozen=True)
class Intercepted:
    """A typed message the api answers itself, before Rasa (a pasted credential, a request to share one).

    `stored_text`: what the conversation keeps instead of the text (None: the text as typed);
    `answer(conversation_id, language)`: the replies; `any_owner`: answered whoever owns the conversation
    (otherwise only while the bot does); `keep_language`: the text does not decide the language."""

    answer: Callable[[str, str], list[Reply]]
    stored_text: str | None = None
    any_owner: bool = False
    keep_language: bool = False


# Looks at a typed message before it is stored: (conversation_id, text, busy) -> Intercepted or None.
# `busy`: the bot's last message is a form question or the text is one of its buttons typed out.
Interceptor = Callable[[str, str, bool], Intercepted | None]


@dataclass(frozen=True)
class TypedRequests:
    """The typed requests the api recognises before Rasa: one place says which there are, and
    `ConversationService._recognise` consults them once per typed message, in this order:

    1. `intercept` (api/records/chat.py): a pasted credential or a request to share one, answered by the
       api; it sees the text as typed, so a pasted token is replaced before anything stores it.
    2. `local` (api/privacy/chat.py): "send me my data", "delete my data" and the typed answers to their
       confirmation, as the payload of a local intent (answered in any state; it wins over 1).
    3. a check or form to start ("which visa fits me", api/conversations/starts.py, the router's own):
       sent to Rasa as the form's start, only while the bot owns the conversation, no form is asking and
       the text is not one of the bot's buttons typed out.
    """

    intercept: Interceptor | None = None
    local: TypedIntent | None = None


@dataclass(frozen=True)
class Recognised:
    """A message's text as it is stored and sent on (a pasted credential replaced, an access code
    masked: `code` is the code taken out) and the typed requests found in it."""

    text: str
    code: str | None = None
    intercepted: Intercepted | None = None
    typed_button: str | None = None  # one of the bot's buttons, typed out
    local: str | None = None  # a local intent's payload
    start: starts.Check | None = None
    leave_form: bool = False  # the start answers the "which check?" menu: that form is left first


class ConversationNotFound(Exception):
    pass


class InvalidPayload(ValueError):
    pass


@dataclass
class MessageOutcome:
    language: str
    state: str
    replies: list[Reply] = field(default_factory=list)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, token_hash: str | None) -> bool:
    return token_hash is not None and hmac.compare_digest(hash_token(token), token_hash)


def topic_for(conversation_id: str) -> str:
    return f"conversation:{conversation_id}"


def parse_payload(payload: str) -> tuple[str, dict[str, Any]]:
    """Split a button payload into its intent and entities; InvalidPayload if it is not one."""
    match = PAYLOAD_PATTERN.match(payload)
    if not match:
        raise InvalidPayload("payload must look like /intent or /intent{...}")
    entities: dict[str, Any] = {}
    if match.group(2):
        try:
            entities = json.loads(match.group(2))
        except json.JSONDecodeError as exc:
            raise InvalidPayload("payload entities must be a JSON object") from exc
        if not isinstance(entities, dict):
            raise InvalidPayload("payload entities must be a JSON object")
    return match.group(1), entities


# Markup typed or pasted into a chat is never part of the question: a script or style block goes with
# its content, any other tag alone. "<script>…</script>ビザの更新は？" is a question about visas.
_CODE_BLOCK = re.compile(r"<(script|style)\b[^>]*>.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")


def without_markup(text: str) -> str:
    stripped = _TAG.sub(" ", _CODE_BLOCK.sub(" ", text))
    return " ".join(stripped.split()) if stripped != text else text


def as_rasa_text(text: str) -> str:
    """Typed text is only ever text: markup is dropped (kept in the stored message), and a leading '/'
    would make Rasa read it as an intent."""
    text = without_markup(text) or text
    return "\uff0f" + text[1:] if text.startswith("/") else text


CANCEL_HANDOFF = "/cancel_handoff"
# Forms a typed request starts directly (api/conversations/starts.py); the checks go through points_check.
STARTS = {
    "fce": "/start_fce",
    "case": "/check_case_status",
    "advice": "/request_advice",
    "advice_status": "/advice_status",
}


def typed_button_payload(text: str, buttons: list[dict[str, Any]]) -> str | None:
    """typed_button, limited to short answers and to well-formed payloads of the bot's own buttons
    (a typed text can never become an arbitrary payload)."""
    if len(text) > 200:
        return None
    payload = typed_button(text, buttons)
    return payload if payload and PAYLOAD_PATTERN.match(payload) else None


def typed_button(text: str, buttons: list[dict[str, Any]]) -> str | None:
    """The payload of the button a typed answer means: its title typed out, or a yes/no to a question
    whose buttons are /affirm and /deny ("có" to "Do you want to apply?" once opened another form,
    because the intent model read it alone). None when the text is not plainly one of them."""
    key = parse.compact(text)
    if not key:
        answer = parse.emoji_yes_no(text)
    else:
        for button in buttons:
            if parse.compact(str(button.get("title") or "")) == key:
                return str(button.get("payload") or "") or None
        answer = parse.yes_no(text)
    wanted = {True: "/affirm", False: "/deny"}.get(answer) if answer is not None else None
    payloads = [str(b.get("payload") or "") for b in buttons]
    return wanted if wanted in payloads else None


def in_form(buttons: list[dict[str, Any]]) -> bool:
    """The bot's last message is a form's question: every one carries the Cancel button (/stop)."""
    return any(b.get("payload") == "/stop" for b in buttons)


def at_check_menu(buttons: list[dict[str, Any]]) -> bool:
    """The bot's last message asks which check, the HSP points or the self-check (the first question
    of points_check, which the model also picks for "I have a question about visas")."""
    return any("pathway_mode:" in str(b.get("payload", "")) for b in buttons)


def message_dict(message: Message) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": message.id,
        "role": message.role,
        "text": message.text,
        "language": message.language,
        "created_at": message.created_at.isoformat(),
    }
    if message.payload:
        out.update({k: v for k, v in message.payload.items() if k in ("buttons", "sources")})
    return out


class ConversationService:
    def __init__(
        self,
        db: Database,
        rasa: RasaClient,
        catalogs: Catalogs,
        templates: ResponseTemplates,
        broadcaster: Broadcaster,
        *,
        outbound: Mapping[str, Outbound] | None = None,
        local_intents: Mapping[str, LocalIntent] | None = None,
        on_held_message: HeldMessageHook | None = None,
        turn_secrets: codes.TurnSecrets | None = None,
        typed_requests: TypedRequests | None = None,
    ) -> None:
        self.db = db
        self.rasa = rasa
        self.catalogs = catalogs
        self.templates = templates
        self.broadcaster = broadcaster
        # Channels that cannot read the history themselves (LINE, Telegram): every message stored
        # for their users is queued for sending in the same transaction. The widget needs none.
        self.outbound: Mapping[str, Outbound] = dict(outbound or {})
        # Payload intents the api answers itself, never Rasa (the advisor desk's cancel_handoff and
        # rate): they must work while a person owns or has closed the conversation.
        self.local_intents: Mapping[str, LocalIntent] = dict(local_intents or {})
        # Called with each user message stored while someone other than the bot owns the conversation,
        # and its button payload if any; returns what the api answers meanwhile (usually nothing).
        self.on_held_message = on_held_message
        # Typed requests the features answer themselves, before Rasa (TypedRequests says which).
        self.typed_requests = typed_requests or TypedRequests()
        # Access codes in flight for one turn (api/conversations/secrets.py says where a code may go).
        self.secrets = turn_secrets or codes.TurnSecrets(db, "")

    def queue_outbound(self, session: Session, conversation: Conversation, messages: list[Message]) -> Outbound | None:
        """Queue `messages` for the conversation's channel, inside the caller's transaction; the caller
        wakes the returned sender once that transaction has committed."""
        outbound = self.outbound.get(conversation.channel)
        if outbound is None or not messages:
            return None
        outbound.enqueue(session, conversation, messages)
        return outbound

    # -- lifecycle -------------------------------------------------------------------------

    def create(
        self,
        channel: str,
        *,
        locale: str | None = None,
        channel_hint: str | None = None,
        channel_user_id: str | None = None,
        with_token: bool = False,
    ) -> tuple[Conversation, str | None]:
        language, source = language_policy.initial_language(locale, channel_hint)
        token = secrets.token_urlsafe(32) if with_token else None
        conversation = Conversation(
            channel=channel,
            channel_user_id=channel_user_id,
            language=language,
            language_source=source.value,
            state=ConversationState.BOT.value,
            token_hash=hash_token(token) if token else None,
        )
        with self.db.session() as session:
            session.add(conversation)
        return conversation, token

    def get(self, conversation_id: str) -> Conversation:
        with self.db.session() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                raise ConversationNotFound(conversation_id)
            return conversation

    def history(self, conversation_id: str, limit: int = 500) -> list[dict[str, Any]]:
        with self.db.session() as session:
            rows = session.scalars(
                select(Message)
                .where(Message.conversation_id == conversation_id)
                .order_by(Message.id.desc())
                .limit(limit)
            ).all()
            return [message_dict(m) for m in reversed(rows)]

    # -- the router --------------------------------------------------------------------------

    def handle_user_message(self, conversation_id: str, text: str, payload: str | None = None) -> MessageOutcome:
        """Store the user's message, then route it to its owner; return the bot's replies."""
        with logs.context(conversation_id=conversation_id):
            return self._handle_user_message(conversation_id, text, payload)

    def _handle_user_message(self, conversation_id: str, text: str, payload: str | None) -> MessageOutcome:
        entities: dict[str, Any] = {}
        intent = None
        # An inbox event (or a widget message with its key) handled a second time after a crash: first, before
        # any typed request is answered or anything is parked, whether its turn was already done.
        source = event_key.current()
        again_id: int | None = None
        if source is not None:
            with self.db.session() as session:
                row = session.execute(select(Message.id, Message.status).where(Message.source_event == source)).first()
                if row is not None and row.status != "received":
                    log.warning(
                        "event handled again after a restart; its turn was done conversation=%s", conversation_id
                    )
                    now = session.get(Conversation, conversation_id)
                    if now is None:
                        raise ConversationNotFound(conversation_id)
                    return MessageOutcome(now.language, now.state, [])
                again_id = row.id if row is not None else None
        last_text, last_buttons = self._last_bot_message(conversation_id)
        recognised = self._recognise(conversation_id, text, payload, last_text, last_buttons)
        # From here on only this text exists for the conversation and for Rasa; an access code taken out
        # waits for the status check of this turn (api/conversations/secrets.py).
        text, code, intercepted, typed_payload = (
            recognised.text,
            recognised.code,
            recognised.intercepted,
            recognised.typed_button,
        )
        if payload is not None:
            intent, entities = parse_payload(payload)
            if intent not in self.templates.intents and intent not in self.local_intents:
                raise InvalidPayload(f"unknown intent in payload: {intent}")
        elif recognised.local:
            intent, entities = parse_payload(recognised.local)

        with self.db.session() as session:
            conversation = session.get(Conversation, conversation_id, with_for_update=True)
            if conversation is None:
                raise ConversationNotFound(conversation_id)
            if intent == "set_language":
                decision = language_policy.choose(str(entities.get("language", "")))
            elif payload is None and not (intercepted is not None and intercepted.keep_language):
                decision = language_policy.decide(
                    conversation.language, LanguageSource(conversation.language_source), text
                )
            else:
                decision = language_policy.LanguageDecision(
                    conversation.language, LanguageSource(conversation.language_source), False
                )
            if decision.changed:
                conversation.language = decision.language
                conversation.language_source = decision.source.value
            local = intent is not None and intent in self.local_intents
            if conversation.state == ConversationState.CLOSED.value and not local:
                # Writing again after a closed conversation starts over with the bot.
                move_locked(session, conversation, ConversationState.BOT.value, Actor("user"), "user wrote again")
            again = session.get(Message, again_id) if again_id is not None else None
            if again is not None:
                # Stored before a crash, never answered: this run answers it, without a second copy.
                message = again
            else:
                message = Message(
                    conversation=conversation,
                    role=MessageRole.USER.value,
                    text=text,
                    language=conversation.language,
                    # A message for someone other than the bot waits for that person.
                    status="received" if conversation.state == ConversationState.BOT.value else "queued",
                    source_event=source,
                )
                session.add(message)
            session.flush()
            state = conversation.state
            language = conversation.language
            channel = conversation.channel
            mirrored = conversation.rasa_language
            stored = message_dict(message)
        metrics.MESSAGES_IN.labels(channel).inc()
        self.broadcaster.publish(topic_for(conversation_id), {"type": "message", "message": stored})

        if local:
            assert intent is not None
            local_replies = self.local_intents[intent](conversation_id, entities)
            self._store_replies(
                conversation_id,
                language,
                local_replies,
                role=MessageRole.SYSTEM,
                user_message=(stored["id"], "answered"),
            )
            with self.db.session() as session:
                now = session.get(Conversation, conversation_id)
                return MessageOutcome(language, now.state if now is not None else ERASED, local_replies)

        if intercepted is not None and (intercepted.any_owner or state == ConversationState.BOT.value):
            answered = intercepted.answer(conversation_id, language)
            self._store_replies(conversation_id, language, answered, user_message=(stored["id"], "answered"))
            return MessageOutcome(language, self.get(conversation_id).state, answered)

        if state != ConversationState.BOT.value:
            # Someone else owns the conversation: the message waits for them, Rasa never sees it.
            # The hook may still answer (knowledge answers while nobody is there); the message itself
            # stays queued for the advisors, and the state does not change.
            held: list[Reply] = []
            if self.on_held_message is not None:
                held = self.on_held_message(conversation_id, stored, payload)
            if held:
                self._store_replies(conversation_id, language, held)
            return MessageOutcome(language, state, held)

        start = recognised.start
        metadata = {"language": language, "channel": channel}
        if code is not None:
            self.secrets.park(conversation_id, codes.TYPED, code)
        try:
            if mirrored != language:
                self.rasa.set_slot(conversation_id, "language", language)
            if start is not None:
                raw = self._start_check(conversation_id, start, metadata, recognised.leave_form)
            else:
                raw = self.rasa.send(
                    conversation_id, payload if payload is not None else typed_payload or as_rasa_text(text), metadata
                )
        except RasaUnavailable:
            log.error("bot unavailable; user message kept conversation=%s", conversation_id)
            return self._apologise(conversation_id, language, state, stored["id"], "bot_unavailable")
        finally:
            if code is not None:
                # Not taken (the form did not get as far as the check): it goes with the turn.
                self.secrets.drop(conversation_id, codes.TYPED)

        replies = [self._reply_from_rasa(item) for item in raw]
        replies = [r for r in replies if r.text or r.buttons]
        state_now = self.get(conversation_id).state
        if state_now == ConversationState.WAITING.value:
            replies = self._with_way_back(replies, language)
        if not replies:
            # Every intent has a response, so silence means a failed custom action (the action
            # server or the api behind it): the user must not be left without an answer.
            log.error("bot returned no reply; user message kept conversation=%s", conversation_id)
            return self._apologise(conversation_id, language, state, stored["id"], "bot_no_reply")
        issued = self.secrets.take(conversation_id, codes.ISSUED)
        self._store_replies(
            conversation_id,
            language,
            replies,
            mirrored_language=language,
            user_message=(stored["id"], "answered"),
            reveal=issued,
        )
        if issued is not None:
            # The one delivery of a newly issued code: this response (the widget) and, through
            # _store_replies, the channel's outbox; the stored message keeps the mask.
            replies = [_revealed(reply, issued) for reply in replies]
        # A custom action may have handed the conversation to a person while Rasa answered.
        return MessageOutcome(language, state_now, replies)

    def last_user_text(self, conversation_id: str) -> str:
        """The text of the person's latest message (what a form started by a button press was asked with)."""
        with self.db.session() as session:
            text = session.scalar(
                select(Message.text)
                .where(Message.conversation_id == conversation_id, Message.role == MessageRole.USER.value)
                .order_by(Message.id.desc())
                .limit(1)
            )
        return text or ""

    def resume_form(self, conversation_id: str, form: str, answers: Mapping[str, Any]) -> list[Reply]:
        """Give a form paused by a handoff its answers back and ask its pending question (#20 defect 2:
        "Back to the bot" dropped the form and the next answer got the out-of-scope reply).

        Rasa runs the form action, which validates the answers it is given and asks the first
        question still open; an action_listen then leaves the tracker as after any question, so the
        next message is that question's answer. Nothing is resumed when Rasa cannot be reached."""
        conversation = self.get(conversation_id)
        events: list[dict[str, Any]] = [{"event": "slot", "name": "language", "value": conversation.language}]
        events += [{"event": "slot", "name": str(name), "value": value} for name, value in answers.items()]
        try:
            self.rasa.append_events(conversation_id, events)
            raw = self.rasa.execute(conversation_id, form)
            self.rasa.append_events(conversation_id, [{"event": "action", "name": "action_listen"}])
        except RasaUnavailable:
            log.error("form not resumed: bot unavailable conversation=%s", conversation_id)
            return []
        replies = [self._reply_from_rasa(item) for item in raw]
        return [reply for reply in replies if reply.text or reply.buttons]

    def store_system_message(self, conversation_id: str, language: str, reply: Reply | list[Reply]) -> None:
        """A notice from the api itself (handoff, rating request): stored, then pushed live and to the
        user's channel. Several replies given together leave together."""
        replies = reply if isinstance(reply, list) else [reply]
        self._store_replies(conversation_id, language, replies, role=MessageRole.SYSTEM)

    # -- helpers -----------------------------------------------------------------------------

    def _start_check(
        self, conversation_id: str, check: str, metadata: dict[str, Any], leave_form: bool = False
    ) -> list[dict[str, Any]]:
        """Start the evaluation, or the points check with its first question ("which check?") answered
        as the request said; if Rasa asks something else, that is what the person sees. The form reads
        the request itself from the stored message (api/chat_flows/prefill.py). A form still open is
        left by its own Cancel (/stop) first; what that says is not shown, the new start answers."""
        if leave_form:
            self.rasa.send(conversation_id, "/stop", metadata)
        if check in STARTS:
            return self.rasa.send(conversation_id, STARTS[check], metadata)
        asked = self.rasa.send(conversation_id, "/points_check", metadata)
        chosen = json.dumps({"value": f"pathway_mode:{check}"})
        button = f"/choose{chosen}"
        offered = any(b.get("payload") == button for item in asked for b in item.get("buttons") or [])
        return self.rasa.send(conversation_id, button, metadata) if offered else asked

    def _with_way_back(self, replies: list[Reply], language: str) -> list[Reply]:
        """Handed to a person in this turn: the last reply always offers "Back to the bot" (#20 defect 1:
        a form question shown after the handoff notice had only its own buttons, which nobody answers
        while the conversation waits)."""
        if not replies or any(b.get("payload") == CANCEL_HANDOFF for r in replies for b in r.buttons):
            return replies
        back = {"title": self.catalogs.gettext("handoff.button_cancel", language), "payload": CANCEL_HANDOFF}
        last = replies[-1]
        return [*replies[:-1], Reply(text=last.text, buttons=[*last.buttons, back], sources=last.sources)]

    def _last_bot_message(self, conversation_id: str) -> tuple[str, list[dict[str, Any]]]:
        """The text and buttons of the last message the bot (or the api) sent in this conversation."""
        with self.db.session() as session:
            last = session.scalars(
                select(Message)
                .where(Message.conversation_id == conversation_id, Message.role != MessageRole.USER.value)
                .order_by(Message.id.desc())
                .limit(1)
            ).first()
            if last is None:
                return "", []
            buttons = (last.payload or {}).get("buttons") or []
            return last.text or "", [b for b in buttons if isinstance(b, dict)]

    def _recognise(
        self, conversation_id: str, text: str, payload: str | None, last_text: str, last_buttons: list[dict[str, Any]]
    ) -> Recognised:
        """The typed requests of a message (none when a button sent it), in TypedRequests' order, and its
        text as it is stored and sent on."""
        typed = self.typed_requests
        intercepted = None
        if payload is None and typed.intercept is not None:
            busy = in_form(last_buttons) or typed_button_payload(text, last_buttons) is not None
            intercepted = typed.intercept(conversation_id, text, busy)
            if intercepted is not None and intercepted.stored_text is not None:
                # Whatever the message said (a token carries personal data) is not kept, nor sent on.
                text = intercepted.stored_text
        text, code = codes.mask(text, self._asked_for_code(last_text))
        if payload is not None:
            return Recognised(text, code)
        typed_button = typed_button_payload(text, last_buttons)
        local = typed.local(conversation_id, text, last_buttons) if typed.local is not None else None
        start, leave_form = None, False
        if typed_button is None and not in_form(last_buttons):
            start = starts.requested_check(text, self.catalogs)
        elif typed_button is None and at_check_menu(last_buttons):
            # Asked "which check?", the person asks for an evaluation or their case instead: that is
            # what they start, not a check picked from a word of their request ("check what my
            # diploma is worth"). A request for one of the two checks is the menu's own answer.
            wanted = starts.requested_check(text, self.catalogs)
            if wanted in STARTS:
                start, leave_form = wanted, True
        return Recognised(text, code, intercepted, typed_button, local or None, start, leave_form)

    def _asked_for_code(self, last_text: str) -> bool:
        return any(
            last_text.strip() == self.catalogs.gettext(ACCESS_CODE_QUESTION, language).strip() for language in LANGUAGES
        )

    def _apologise(
        self, conversation_id: str, language: str, state: str, message_id: int, status: str
    ) -> MessageOutcome:
        reply = self.templates.render("utter_bot_unavailable", language, self.catalogs)
        self._store_replies(
            conversation_id, language, [reply], role=MessageRole.SYSTEM, user_message=(message_id, status)
        )
        return MessageOutcome(language, state, [reply])

    @staticmethod
    def _reply_from_rasa(item: dict[str, Any]) -> Reply:
        raw_custom = item.get("custom")
        custom: dict[str, Any] = raw_custom if isinstance(raw_custom, dict) else {}
        # Actions send api-rendered replies with sources as one custom payload (see actions/actions.py).
        if isinstance(custom.get("kakehashi_reply"), dict):
            item = custom["kakehashi_reply"]
            custom = item
        buttons = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in item.get("buttons") or []
            if isinstance(b, dict)
        ]
        sources = [
            {k: str(s.get(k, "")) for k in ("topic_id", "title", "url")}
            for s in custom.get("sources") or []
            if isinstance(s, dict)
        ]
        return Reply(text=str(item.get("text") or ""), buttons=buttons, sources=sources)

    def _store_replies(
        self,
        conversation_id: str,
        language: str,
        replies: list[Reply],
        *,
        role: MessageRole = MessageRole.BOT,
        mirrored_language: str | None = None,
        user_message: tuple[int, str] | None = None,
        reveal: str | None = None,
    ) -> None:
        """Store the replies and the answered message's new status in one transaction. With `reveal` (a
        newly issued access code) the channel's copy carries the code where the stored one has the mask."""
        events = []
        stored: list[Message] = []
        with self.db.session() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                return
            if user_message is not None:
                answered = session.get(Message, user_message[0])
                if answered is not None:
                    answered.status = user_message[1]
            if mirrored_language is not None:
                conversation.rasa_language = mirrored_language
            for reply in replies:
                extra = {k: v for k, v in reply.as_dict().items() if k != "text"}
                message = Message(
                    conversation=conversation,
                    role=role.value,
                    # A one-time link is delivered, never kept (api/conversations/secrets.py).
                    text=codes.conceal_links(reply.text),
                    language=language,
                    payload=extra or None,
                )
                session.add(message)
                session.flush()
                stored.append(message)
                events.append(message_dict(message))
            delivered = [
                _delivered(message, reply.text, reveal) for message, reply in zip(stored, replies, strict=True)
            ]
            outbound = self.queue_outbound(session, conversation, delivered)
            channel = conversation.channel
        if stored:
            metrics.MESSAGES_OUT.labels(channel).inc(len(stored))
        if outbound is not None:
            outbound.wake()
        for event in events:
            self.broadcaster.publish(topic_for(conversation_id), {"type": "message", "message": event})


def _revealed(reply: Reply, code: str) -> Reply:
    return Reply(text=reply.text.replace(codes.MASKED_CODE, code, 1), buttons=reply.buttons, sources=reply.sources)


def _delivered(message: Message, text: str, code: str | None) -> Message:
    """What the channel sends: the reply as given (with a one-time link) and a newly issued code in
    place of its mask. A copy for the channel only, never added to the session: the stored row keeps
    the masks."""
    if code is not None:
        text = text.replace(codes.MASKED_CODE, code, 1)
    if text == message.text:
        return message
    return Message(
        id=message.id,
        conversation_id=message.conversation_id,
        role=message.role,
        text=text,
        language=message.language,
        payload=message.payload,
        created_at=message.created_at,
    )
