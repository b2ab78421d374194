"""Handoff and the advisor desk: every owner change goes through api.conversations.states.

Messages the user reads (queue place, office hours, "an advisor joined", the rating request) are
catalog strings in the conversation's language. Live events go to two broadcaster topics: the
conversation's own (the widget) and ADVISORS_TOPIC (every open console, filtered per advisor).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api.advisors.away import AwayAnswers
from api.advisors.hours import OfficeHours
from api.advisors.models import AdvisorNote, Handoff
from api.advisors.queue import positions, waiting_order
from api.auth.audit import audit
from api.auth.config import AuthSettings
from api.auth.models import Role, User
from api.conversations import states
from api.conversations.models import Conversation, Message, MessageRole, OwnershipEvent
from api.conversations.responses import Reply
from api.conversations.service import ConversationService, message_dict, topic_for
from api.conversations.states import ADVISOR, BOT, CLOSED, WAITING, Actor
from api.core import metrics
from api.core.clock import as_utc, utcnow
from api.core.i18n import Catalogs
from api.core.parse import is_stop
from api.db.session import Database
from api.knowledge.models import Answer
from api.live.broadcast import Broadcaster

ADVISORS_TOPIC = "advisors"
STAFF_ROLES = (Role.ADVISOR.value, Role.ADMIN.value)
RATING_PAYLOAD = '/rate{{"score": {score}}}'


class Forbidden(Exception):
    pass


class NotFound(Exception):
    pass


def current_handoff(session: Session, conversation_id: str) -> Handoff | None:
    return session.scalar(
        select(Handoff).where(Handoff.conversation_id == conversation_id).order_by(Handoff.id.desc()).limit(1)
    )


class AdvisorService:
    def __init__(
        self,
        db: Database,
        catalogs: Catalogs,
        broadcaster: Broadcaster,
        conversations: ConversationService,
        settings: AuthSettings,
        away: AwayAnswers | None = None,
    ) -> None:
        self.db = db
        self.catalogs = catalogs
        self.broadcaster = broadcaster
        self.conversations = conversations
        self.settings = settings
        self.hours = OfficeHours(settings.office_hours)
        # Knowledge answers while a left message waits (api/advisors/away.py); None: never.
        self.away = away

    def t(self, key: str, language: str, **params: Any) -> str:
        return self.catalogs.gettext(key, language, **params)

    # -- the user's side ------------------------------------------------------------------------

    def advisors_online(self, session: Session, now: datetime) -> int:
        since = now - timedelta(seconds=self.settings.online_window_seconds)
        return int(
            session.scalar(
                select(func.count())
                .select_from(User)
                .where(User.role.in_(STAFF_ROLES), User.active.is_(True), User.last_seen_at >= since)
            )
            or 0
        )

    def request_handoff(
        self, conversation_id: str, reason: str, context: dict[str, Any] | None = None, now: datetime | None = None
    ) -> tuple[str, list[Reply]]:
        """bot → waiting; returns the new state and what to tell the user (the caller delivers it)."""
        now = now or utcnow()
        with self.db.session() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                raise NotFound(conversation_id)
            language = conversation.language
            if conversation.state in (WAITING, ADVISOR):
                return conversation.state, [Reply(text=self.t("handoff.already_waiting", language))]
            if conversation.state == CLOSED:
                states.transition(session, conversation_id, BOT, Actor("user"), "user wrote again")
            states.transition(session, conversation_id, WAITING, Actor("bot"), reason)
            open_now = self.hours.is_open(now) and self.advisors_online(session, now) > 0
            handoff = Handoff(
                conversation_id=conversation_id,
                reason=reason[:32],
                language=language,
                channel=conversation.channel,
                left_message=not open_now,
                context=context,
                requested_at=now,
            )
            session.add(handoff)
            session.flush()
            # The same order as the console's queue and the live "queue" events.
            position = positions(session).get(conversation_id, 1)
            event = self._queue_entry(session, conversation, handoff, now)
        hours = self.hours.describe(language)
        cancel = [{"title": self.t("handoff.button_cancel", language), "payload": "/cancel_handoff"}]
        if open_now:
            text = self.t("handoff.queued", language, position=max(position, 1), hours=hours)
        else:
            text = self.t("handoff.leave_message", language, hours=hours)
        self.broadcaster.publish(topic_for(conversation_id), {"type": "state", "state": WAITING})
        self.broadcaster.publish(ADVISORS_TOPIC, {"type": "waiting", "conversation": event})
        self._announce_queue()
        return WAITING, [Reply(text=text, buttons=cancel)]

    def cancel_intent(self, conversation_id: str, entities: dict[str, Any]) -> list[Reply]:
        with self.db.session() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                raise NotFound(conversation_id)
            language = conversation.language
            if conversation.state != WAITING:
                key = "handoff.advisor_already_here" if conversation.state == ADVISOR else "handoff.back_to_bot"
                return [Reply(text=self.t(key, language))]
            handoff = current_handoff(session, conversation_id)
            paused = (handoff.context or {}).get("paused_form") if handoff is not None else None
            states.transition(session, conversation_id, BOT, Actor("user"), "user cancelled")
            self._end(session, conversation_id, "cancelled")
        self._announce_state(conversation_id, BOT)
        self._announce_queue()
        cancelled = Reply(text=self.t("handoff.cancelled", language))
        if not isinstance(paused, dict) or not isinstance(paused.get("slots"), dict):
            return [cancelled]
        # Back to the bot from the middle of a form: the form goes on at its pending question.
        resumed = self.conversations.resume_form(conversation_id, str(paused.get("form")), paused["slots"])
        if not resumed:
            return [cancelled]
        return [Reply(text=self.t("flow.resumed", language)), *resumed]

    def _forget_paused_form(self, conversation_id: str) -> bool:
        """A stop while waiting ends the paused form: its answers are dropped. True if there was one."""
        with self.db.session() as session:
            handoff = current_handoff(session, conversation_id)
            if handoff is None or not (handoff.context or {}).get("paused_form"):
                return False
            handoff.context = {k: v for k, v in (handoff.context or {}).items() if k != "paused_form"}
            return True

    def _form_while_waiting(
        self, conversation_id: str, language: str, text: str, payload: str | None
    ) -> list[Reply] | None:
        """A form's button or a stop while waiting for a person (#20 defect 1): never silence.
        Stop ends the paused form; a form button says how to get back to it. Both offer the way back."""
        back = [{"title": self.t("handoff.button_cancel", language), "payload": "/cancel_handoff"}]
        intent = payload.split("{", 1)[0] if payload else None
        stop = intent == "/stop" or (payload is None and is_stop(text))
        if stop:
            key = (
                "flow.waiting.stopped" if self._forget_paused_form(conversation_id) else "flow.waiting.nothing_to_stop"
            )
            return [Reply(text=self.t(key, language), buttons=back)]
        if intent == "/choose":
            return [Reply(text=self.t("flow.waiting.paused", language), buttons=back)]
        return None

    def rate_intent(self, conversation_id: str, entities: dict[str, Any]) -> list[Reply]:
        score = entities.get("score")
        with self.db.session() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                raise NotFound(conversation_id)
            language = conversation.language
            handoff = current_handoff(session, conversation_id)
            # Only the last closed handoff can be rated, once, with a whole number 1–5.
            if (
                isinstance(score, int)
                and not isinstance(score, bool)
                and 1 <= score <= 5
                and handoff is not None
                and handoff.outcome == "closed"
                and handoff.rating is None
            ):
                handoff.rating = score
        return [Reply(text=self.t("handoff.rate_thanks", language))]

    def held_message(self, conversation_id: str, message: dict[str, Any], payload: str | None = None) -> list[Reply]:
        """A user message while a person owns the conversation: straight to the consoles. With
        nobody there (a left message still waiting), the bot may answer it meanwhile (away.py)."""
        with self.db.session() as session:
            conversation = session.get(Conversation, conversation_id)
            handoff = current_handoff(session, conversation_id)
            state = conversation.state if conversation else None
            away = state == WAITING and handoff is not None and handoff.left_message
        self.broadcaster.publish(
            ADVISORS_TOPIC,
            {
                "type": "user_message",
                "conversation_id": conversation_id,
                "state": state,
                "advisor_id": handoff.advisor_id if handoff else None,
                "message": message,
            },
        )
        if state == WAITING:
            form_reply = self._form_while_waiting(
                conversation_id, str(message.get("language") or "en"), str(message.get("text") or ""), payload
            )
            if form_reply is not None:
                return form_reply
        if not away or self.away is None:
            return []
        return self.away.reply(conversation_id, message, payload)

    # -- the advisor's side ---------------------------------------------------------------------

    def queue(self, user: User, now: datetime | None = None) -> dict[str, Any]:
        now = now or utcnow()
        with self.db.session() as session:
            waiting = session.scalars(select(Conversation).where(Conversation.state == WAITING)).all()
            entries = []
            for conversation in waiting:
                handoff = current_handoff(session, conversation.id)
                if handoff is not None:
                    entries.append(self._queue_entry(session, conversation, handoff, now))
            # Messages left outside hours first, then oldest first (api/advisors/queue.py).
            order = {cid: n for n, cid in enumerate(waiting_order(session))}
            entries.sort(key=lambda e: order.get(e["id"], len(order)))
            mine_query = select(Conversation).where(Conversation.state == ADVISOR)
            mine = []
            for conversation in session.scalars(mine_query).all():
                handoff = current_handoff(session, conversation.id)
                if handoff is None or (handoff.advisor_id != user.id and user.role != Role.ADMIN.value):
                    continue
                entry = self._queue_entry(session, conversation, handoff, now)
                entry["advisor_id"] = handoff.advisor_id
                mine.append(entry)
            online = self.advisors_online(session, now)
            # "available" is the handoff's own test (request_handoff): in office hours and online.
            # The console shows it, so advisors see what users are told.
            available = online if self.hours.is_open(now) else 0
            return {"waiting": entries, "mine": mine, "online": online, "available": available}

    def _queue_entry(
        self, session: Session, conversation: Conversation, handoff: Handoff, now: datetime
    ) -> dict[str, Any]:
        last = session.scalars(
            select(Message).where(Message.conversation_id == conversation.id).order_by(Message.id.desc()).limit(3)
        ).all()
        topics = session.scalars(
            select(Answer.topic_id)
            .where(Answer.conversation_id == conversation.id, Answer.topic_id.is_not(None))
            .order_by(Answer.id.desc())
            .limit(3)
        ).all()
        unread = session.scalar(
            select(func.count()).where(
                Message.conversation_id == conversation.id,
                Message.role == MessageRole.USER.value,
                Message.status == "queued",
            )
        )
        context = handoff.context or {}
        return {
            "id": conversation.id,
            "language": conversation.language,
            "channel": conversation.channel,
            "state": conversation.state,
            "reason": handoff.reason,
            "left_message": handoff.left_message,
            "transfer_to_id": handoff.transfer_to_id,
            "waiting_seconds": max(0, int((now - as_utc(handoff.requested_at)).total_seconds())),
            "last_messages": [message_dict(m) for m in reversed(last)],
            "last_intents": [str(i) for i in context.get("intents") or []][:5],
            "topics": [str(t) for t in topics if t],
            "unread": int(unread or 0),
        }

    def _load(self, session: Session, conversation_id: str) -> tuple[Conversation, Handoff | None]:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            raise NotFound(conversation_id)
        return conversation, current_handoff(session, conversation_id)

    def can_read(self, session: Session, user: User, conversation: Conversation) -> bool:
        """Admins read everything; an advisor reads the queue and what they themselves handled."""
        if user.role == Role.ADMIN.value:
            return True
        if conversation.state == WAITING:
            return True
        handled = session.scalar(
            select(func.count()).where(Handoff.conversation_id == conversation.id, Handoff.advisor_id == user.id)
        )
        return bool(handled)

    def _require_owner(self, session: Session, user: User, conversation_id: str) -> tuple[Conversation, Handoff]:
        conversation, handoff = self._load(session, conversation_id)
        if conversation.state != ADVISOR or handoff is None:
            raise states.IllegalTransition(conversation.state, ADVISOR)
        if handoff.advisor_id != user.id and user.role != Role.ADMIN.value:
            raise Forbidden("another advisor owns this conversation")
        return conversation, handoff

    def claim(self, user: User, conversation_id: str) -> dict[str, Any]:
        with self.db.session() as session:
            conversation, handoff = self._load(session, conversation_id)
            # The conditional UPDATE inside transition() is what makes a double claim impossible.
            states.transition(session, conversation_id, ADVISOR, Actor("advisor", user.id), "claimed")
            if handoff is not None:
                handoff.claimed_at = utcnow()
                handoff.advisor_id = user.id
            audit(session, user.id, "claim", conversation_id)
            language = conversation.language
        self._system_message(
            conversation_id, language, self.t("handoff.advisor_joined", language, name=user.display_name)
        )
        self._announce_state(conversation_id, ADVISOR, advisor_id=user.id)
        self._announce_queue()
        return {"id": conversation_id, "state": ADVISOR, "advisor_id": user.id}

    def send(self, user: User, conversation_id: str, text: str) -> dict[str, Any]:
        with self.db.session() as session:
            conversation, _ = self._require_owner(session, user, conversation_id)
            message = Message(
                conversation=conversation,
                role=MessageRole.ADVISOR.value,
                text=text,
                language=conversation.language,
                status="sent",
                payload={"advisor": user.display_name},
            )
            session.add(message)
            # Whatever the user wrote before this reply has now been answered by a person.
            session.execute(
                update(Message)
                .where(
                    Message.conversation_id == conversation_id,
                    Message.role == MessageRole.USER.value,
                    Message.status.in_(("queued", "seen")),
                )
                .values(status="answered")
                .execution_options(synchronize_session=False)
            )
            session.flush()
            stored = message_dict(message)
            audit(session, user.id, "message", conversation_id, {"message_id": message.id})
            # The same outbound path as the bot's replies: LINE and Telegram get it from the outbox.
            outbound = self.conversations.queue_outbound(session, conversation, [message])
            channel = conversation.channel
        metrics.MESSAGES_OUT.labels(channel).inc()
        if outbound is not None:
            outbound.wake()
        self.broadcaster.publish(topic_for(conversation_id), {"type": "message", "message": stored})
        self.broadcaster.publish(
            ADVISORS_TOPIC,
            {"type": "advisor_message", "conversation_id": conversation_id, "advisor_id": user.id, "message": stored},
        )
        return stored

    def handback(self, user: User, conversation_id: str) -> dict[str, Any]:
        with self.db.session() as session:
            conversation, _ = self._require_owner(session, user, conversation_id)
            states.transition(session, conversation_id, BOT, Actor("advisor", user.id), "handed back")
            self._end(session, conversation_id, "handed_back")
            audit(session, user.id, "handback", conversation_id)
            language = conversation.language
        self._system_message(conversation_id, language, self.t("handoff.back_to_bot", language))
        self._announce_state(conversation_id, BOT)
        return {"id": conversation_id, "state": BOT}

    def close(self, user: User, conversation_id: str) -> dict[str, Any]:
        with self.db.session() as session:
            conversation, _ = self._require_owner(session, user, conversation_id)
            states.transition(session, conversation_id, CLOSED, Actor("advisor", user.id), "closed")
            self._end(session, conversation_id, "closed")
            audit(session, user.id, "close", conversation_id)
            language = conversation.language
        buttons = [
            {
                "title": self.t("handoff.rate_button", language, score=score),
                "payload": RATING_PAYLOAD.format(score=score),
            }
            for score in range(1, 6)
        ]
        self._system_message(conversation_id, language, self.t("handoff.closed", language))
        self._system_message(conversation_id, language, self.t("handoff.rate_prompt", language), buttons)
        self._announce_state(conversation_id, CLOSED)
        return {"id": conversation_id, "state": CLOSED}

    def transfer(self, user: User, conversation_id: str, advisor_id: int) -> dict[str, Any]:
        with self.db.session() as session:
            target = session.get(User, advisor_id)
            if target is None or not target.active or target.role not in STAFF_ROLES:
                raise NotFound(f"advisor {advisor_id}")
            conversation, handoff = self._require_owner(session, user, conversation_id)
            states.transition(session, conversation_id, WAITING, Actor("advisor", user.id), f"transfer to {advisor_id}")
            self._end(session, conversation_id, "transferred")
            new = Handoff(
                conversation_id=conversation_id,
                reason="transfer",
                language=conversation.language,
                channel=conversation.channel,
                left_message=False,
                context=handoff.context,
                transfer_to_id=advisor_id,
            )
            session.add(new)
            session.flush()
            audit(session, user.id, "transfer", conversation_id, {"to": advisor_id})
            language = conversation.language
            event = self._queue_entry(session, conversation, new, utcnow())
        self._system_message(conversation_id, language, self.t("handoff.transferred", language))
        self.broadcaster.publish(topic_for(conversation_id), {"type": "state", "state": WAITING})
        self.broadcaster.publish(ADVISORS_TOPIC, {"type": "waiting", "conversation": event})
        self._announce_queue()
        return {"id": conversation_id, "state": WAITING, "transfer_to_id": advisor_id}

    def add_note(self, user: User, conversation_id: str, text: str) -> dict[str, Any]:
        with self.db.session() as session:
            conversation, _ = self._load(session, conversation_id)
            if not self.can_read(session, user, conversation):
                raise Forbidden("not your conversation")
            note = AdvisorNote(conversation_id=conversation_id, author_id=user.id, text=text)
            session.add(note)
            session.flush()
            audit(session, user.id, "note", conversation_id, {"note_id": note.id})
            return {
                "id": note.id,
                "text": note.text,
                "author": user.display_name,
                "created_at": note.created_at.isoformat(),
            }

    def transcript(self, user: User, conversation_id: str) -> dict[str, Any]:
        with self.db.session() as session:
            conversation, handoff = self._load(session, conversation_id)
            if not self.can_read(session, user, conversation):
                raise Forbidden("not your conversation")
            owner = handoff is not None and handoff.advisor_id == user.id and conversation.state == ADVISOR
            if owner:
                # Opening the conversation is reading it: the unread count drops to zero.
                session.execute(
                    update(Message)
                    .where(Message.conversation_id == conversation_id, Message.status == "queued")
                    .values(status="seen")
                    .execution_options(synchronize_session=False)
                )
            notes = session.execute(
                select(AdvisorNote, User.display_name)
                .outerjoin(User, User.id == AdvisorNote.author_id)
                .where(AdvisorNote.conversation_id == conversation_id)
                .order_by(AdvisorNote.id)
            ).all()
            events = session.scalars(
                select(OwnershipEvent)
                .where(OwnershipEvent.conversation_id == conversation_id)
                .order_by(OwnershipEvent.id)
            ).all()
            audit(session, user.id, "read", conversation_id)
            info = {
                "id": conversation.id,
                "language": conversation.language,
                "channel": conversation.channel,
                "state": conversation.state,
                "advisor_id": handoff.advisor_id if handoff else None,
                "reason": handoff.reason if handoff else None,
                "last_intents": list((handoff.context or {}).get("intents") or []) if handoff else [],
            }
            note_rows = [
                {"id": n.id, "text": n.text, "author": name, "created_at": n.created_at.isoformat()}
                for n, name in notes
            ]
            event_rows = [
                {
                    "from": e.from_state,
                    "to": e.to_state,
                    "actor": e.actor,
                    "user_id": e.user_id,
                    "reason": e.reason,
                    "created_at": e.created_at.isoformat(),
                }
                for e in events
            ]
        return {
            "conversation": info,
            "messages": self.conversations.history(conversation_id),
            "notes": note_rows,
            "events": event_rows,
        }

    def advisors(self) -> list[dict[str, Any]]:
        with self.db.session() as session:
            rows = session.scalars(select(User).where(User.role.in_(STAFF_ROLES), User.active.is_(True))).all()
            return [{"id": u.id, "display_name": u.display_name, "languages": u.languages} for u in rows]

    def stats(self) -> dict[str, Any]:
        with self.db.session() as session:
            rows = session.scalars(select(Handoff).where(Handoff.reason != "transfer")).all()
            waits = [
                (as_utc(h.claimed_at) - as_utc(h.requested_at)).total_seconds()
                for h in rows
                if h.claimed_at is not None
            ]
            rated = session.scalars(select(Handoff).where(Handoff.rating.is_not(None))).all()
            by_reason: dict[str, int] = defaultdict(int)
            for h in rows:
                by_reason[h.reason] += 1

            def ratings(key: Callable[[Handoff], str]) -> dict[str, dict[str, float]]:
                groups: dict[str, list[int]] = defaultdict(list)
                for h in rated:
                    groups[key(h)].append(int(h.rating or 0))
                return {
                    k: {"count": len(v), "average": round(statistics.fmean(v), 2)} for k, v in sorted(groups.items())
                }

            return {
                "handoffs": len(rows),
                "by_reason": dict(by_reason),
                "claimed": len(waits),
                "median_wait_seconds": round(statistics.median(waits), 1) if waits else None,
                "ratings_by_language": ratings(lambda h: h.language),
                "ratings_by_channel": ratings(lambda h: h.channel),
            }

    # -- helpers --------------------------------------------------------------------------------

    def _end(self, session: Session, conversation_id: str, outcome: str) -> None:
        handoff = current_handoff(session, conversation_id)
        if handoff is not None and handoff.ended_at is None:
            handoff.ended_at = utcnow()
            handoff.outcome = outcome

    def _system_message(
        self, conversation_id: str, language: str, text: str, buttons: list[dict[str, str]] | None = None
    ) -> None:
        self.conversations.store_system_message(conversation_id, language, Reply(text=text, buttons=buttons or []))

    def position(self, conversation_id: str) -> int | None:
        """The conversation's place in the queue (1 = next), or None when it is not waiting."""
        with self.db.session() as session:
            return positions(session).get(conversation_id)

    def _announce_queue(self) -> None:
        """Tell every waiting conversation its place after the queue changed. Every one, not just
        those that moved: a process cannot know what another worker last told a widget, and the
        queue is short."""
        with self.db.session() as session:
            order = waiting_order(session)
        for position, conversation_id in enumerate(order, start=1):
            self.broadcaster.publish(topic_for(conversation_id), {"type": "queue", "position": position})

    def _announce_state(self, conversation_id: str, state: str, advisor_id: int | None = None) -> None:
        self.broadcaster.publish(topic_for(conversation_id), {"type": "state", "state": state})
        self.broadcaster.publish(
            ADVISORS_TOPIC,
            {"type": "state", "conversation_id": conversation_id, "state": state, "advisor_id": advisor_id},
        )
