"""Knowledge answers while a left message waits with nobody there.

When a handoff was made outside office hours or with no advisor online (Handoff.left_message), the
user's messages are kept for the advisors, and a message the knowledge base answers confidently
still gets that answer meanwhile: nobody would otherwise reply for hours. With an advisor online,
nothing is answered by the bot: the person is about to reply, and two voices would confuse.

Answers come from GuidanceService directly, not from Rasa: Rasa's tracker believes the conversation
was handed to a person, and feeding it messages meanwhile would let its rules and forms move on
(or ask for a second handoff) while the api holds the conversation. This way, after a cancel or a
handback the bot resumes exactly where it left off. Only confident answers are given: below the
threshold the guidance would say "not sure" and count towards another handoff, which makes no sense
while already waiting, so nothing is recorded then and the user only hears that the message is kept.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import update

from api.conversations.models import Message
from api.conversations.responses import Reply
from api.conversations.service import parse_payload
from api.core.i18n import Catalogs
from api.db.session import Database
from api.knowledge.guidance import GuidanceService
from api.knowledge.search import KnowledgeUnavailable

log = logging.getLogger(__name__)

# Buttons on the answers given while waiting: the bot answers them itself, as it would with Rasa.
GUIDANCE_BUTTONS = ("more_detail", "ask_topic", "feedback")
# Offered on every knowledge answer, but the user is already waiting for a person.
HANDOFF_PAYLOAD = "/request_human"


class AwayAnswers:
    def __init__(self, db: Database, catalogs: Catalogs, guidance: GuidanceService) -> None:
        self.db = db
        self.catalogs = catalogs
        self.guidance = guidance

    def reply(self, conversation_id: str, message: dict[str, Any], payload: str | None) -> list[Reply]:
        """What to say to a message held for advisors who are not there (the caller checked that)."""
        language = str(message["language"])
        if payload is not None:
            intent, entities = parse_payload(payload)
            if intent not in GUIDANCE_BUTTONS:
                return []
            # A button on the bot's own answer is not a message for the advisors: off the unread count.
            self._mark_answered(int(message["id"]))
            return self._without_handoff(self.guidance.respond(conversation_id, intent, str(message["text"]), entities))
        kept = Reply(text=self.catalogs.gettext("handoff.message_kept", language))
        try:
            answer = self.confident_answer(conversation_id, str(message["text"]), language)
        except KnowledgeUnavailable:  # still loading, or disabled: /healthz reports it
            answer = []
        except Exception:  # the message is stored and queued; an answer is only a bonus
            log.exception("knowledge answer while waiting failed conversation=%s", conversation_id)
            answer = []
        return [*answer, kept]

    def confident_answer(self, conversation_id: str, question: str, language: str) -> list[Reply]:
        """The guidance's confident branch only: never "not sure", never a second handoff."""
        result = self.guidance.knowledge.retriever.search(question, language=language, top=3)
        hits = list(result.results)
        if not result.confident or not hits:
            return []
        best = hits[0]
        return self._without_handoff(
            self.guidance.topic_answer(conversation_id, best.topic_id, language, question=question, score=best.score)
        )

    @staticmethod
    def _without_handoff(replies: list[Reply]) -> list[Reply]:
        return [
            Reply(text=r.text, buttons=[b for b in r.buttons if b.get("payload") != HANDOFF_PAYLOAD], sources=r.sources)
            for r in replies
        ]

    def _mark_answered(self, message_id: int) -> None:
        with self.db.session() as session:
            session.execute(
                update(Message)
                .where(Message.id == message_id, Message.status == "queued")
                .values(status="answered")
                .execution_options(synchronize_session=False)
            )
