"""Chat answers from the knowledge base: the summary first, sources, review date, the reminder that
the Immigration Services Agency decides, and buttons (more detail, related topics, a person, 👍/👎).

Below the calibrated confidence the bot says it is not sure and offers the best topics instead of
guessing. Every fixed phrase comes from the catalogs; article text is content in the user's language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select

from api.conversations.models import Conversation, Message, MessageRole, OwnershipEvent
from api.conversations.responses import Reply
from api.core import metrics
from api.core.i18n import Catalogs, format_date
from api.db.session import Database
from api.knowledge.models import Answer
from api.knowledge.search import KnowledgeBase, reviewed_on
from knowledge_base.sources import CHAT_LIMIT, Source, shown_sources

MAX_DETAIL_CHARS = 3500
_HEADING = re.compile(r"^#{1,6}\s*", re.MULTILINE)


def payload(intent: str, **entities: Any) -> str:
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}" if entities else f"/{intent}"


def source_title(source: Source, catalogs: Catalogs, language: str) -> str:
    """An official source by its publisher's name; any other site labelled as not official."""
    if source.publisher is not None:
        return f"{catalogs.gettext(f'source.publisher.{source.publisher}', language)} ({source.domain})"
    return catalogs.gettext("source.other_title", language, domain=source.domain)


def source_links(article: Any, catalogs: Catalogs, language: str) -> list[dict[str, str]]:
    """The article itself, then at most three sources: official ones first (knowledge_base.sources)."""
    links = [
        {"topic_id": article.topic_id, "title": article.title, "url": f"/kb/{article.language}/{article.topic_id}"}
    ]
    for source in shown_sources(list(article.sources), limit=CHAT_LIMIT):
        links.append(
            {"topic_id": article.topic_id, "title": source_title(source, catalogs, language), "url": source.url}
        )
    return links


def plain_text(markdown: str) -> str:
    """Article markdown as chat text: headings become plain lines, emphasis markers go."""
    text = _HEADING.sub("", markdown)
    text = text.replace("**", "").replace("__", "")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


class GuidanceService:
    def __init__(
        self,
        db: Database,
        knowledge: KnowledgeBase,
        catalogs: Catalogs,
        specialist_review: Callable[[str, str], date | None] | None = None,
    ) -> None:
        self.db = db
        self.knowledge = knowledge
        self.catalogs = catalogs
        # (topic_id, language) -> the date a specialist reviewed exactly this text, else None
        # (api/reviews, in the app). None here means no review workflow: no answer claims a review.
        self._specialist_review = specialist_review

    def t(self, key: str, language: str, **params: Any) -> str:
        return self.catalogs.gettext(key, language, **params)

    def conversation_language(self, conversation_id: str) -> str | None:
        with self.db.session() as session:
            conversation = session.get(Conversation, conversation_id)
            return conversation.language if conversation else None

    # -- entry point -----------------------------------------------------------------------------

    def respond(
        self, conversation_id: str, intent: str, text: str, entities: dict[str, Any], *, hand_off: bool = True
    ) -> list[Reply]:
        """The answer to a question or a topic button. `hand_off=False` for questions asked inside a
        form: no second "talk to a person?" offer interrupts the form (its own questions come next)."""
        language = self.conversation_language(conversation_id)
        if language is None:
            raise LookupError(conversation_id)
        if intent == "ask_topic":
            return self.topic_answer(conversation_id, str(entities.get("topic_id", "")), language, question=text)
        if intent == "more_detail":
            return self.detail(str(entities.get("topic_id", "")), language)
        if intent == "feedback":
            return self.feedback(conversation_id, entities.get("answer_id"), str(entities.get("value", "")), language)
        return self.search_answer(conversation_id, text, language, hand_off=hand_off)

    # -- answers ---------------------------------------------------------------------------------

    def search_answer(
        self, conversation_id: str, question: str, language: str, *, hand_off: bool = True
    ) -> list[Reply]:
        result = self.knowledge.retriever.search(question, language=language, top=3)
        replies: list[Reply] = []
        # The answer is always in the conversation's language (English unless the user chose or
        # wrote another of the five). A question in a language we do not speak gets a note saying so.
        answer_language = language
        if getattr(result, "foreign", None):
            replies.append(Reply(text=self.t("guidance.foreign_language", answer_language)))
        hits = list(result.results)
        if not hits:
            self.record(conversation_id, question, answer_language, None, None, confident=False)
            replies.append(
                Reply(
                    text=self.t("guidance.no_answer", answer_language),
                    buttons=[{"title": self.t("button.talk_to_person", answer_language), "payload": "/request_human"}],
                )
            )
            return replies + (self.maybe_offer_person(conversation_id, answer_language) if hand_off else [])
        # The same decision as the search API's `"confident"` (knowledge_base.confidence).
        if not result.confident:
            self.record(conversation_id, question, answer_language, hits[0].topic_id, hits[0].score, confident=False)
            buttons = [{"title": hit.title, "payload": payload("ask_topic", topic_id=hit.topic_id)} for hit in hits[:3]]
            buttons.append({"title": self.t("button.talk_to_person", answer_language), "payload": "/request_human"})
            replies.append(Reply(text=self.t("guidance.not_sure", answer_language), buttons=buttons))
            return replies + (self.maybe_offer_person(conversation_id, answer_language) if hand_off else [])
        best = hits[0]
        replies.extend(
            self.topic_answer(conversation_id, best.topic_id, answer_language, question=question, score=best.score)
        )
        return replies

    def topic_answer(
        self, conversation_id: str, topic_id: str, language: str, *, question: str, score: float | None = None
    ) -> list[Reply]:
        article = self.article(topic_id, language)
        if article is None:
            return [Reply(text=self.t("guidance.no_answer", language))]
        answer_id = self.record(conversation_id, question, language, topic_id, score, confident=True)
        lines = [article.summary.strip(), ""]
        lines.extend(self.review_lines(article, language))
        lines.append(self.t("guidance.isa_reminder", language))
        buttons = [
            {"title": self.t("button.more_detail", language), "payload": payload("more_detail", topic_id=topic_id)}
        ]
        for related_id in list(getattr(article, "related", []))[:2]:
            related = self.article(related_id, language)
            if related is not None:
                buttons.append({"title": related.title, "payload": payload("ask_topic", topic_id=related_id)})
        buttons.append({"title": self.t("button.talk_to_person", language), "payload": "/request_human"})
        buttons.append(
            {
                "title": self.t("button.helpful_yes", language),
                "payload": payload("feedback", answer_id=answer_id, value="up"),
            }
        )
        buttons.append(
            {
                "title": self.t("button.helpful_no", language),
                "payload": payload("feedback", answer_id=answer_id, value="down"),
            }
        )
        return [
            Reply(
                text="\n".join(lines).strip(), buttons=buttons, sources=source_links(article, self.catalogs, language)
            )
        ]

    def specialist_review(self, topic_id: str, language: str) -> date | None:
        return self._specialist_review(topic_id, language) if self._specialist_review else None

    def review_lines(self, article: Any, language: str) -> list[str]:
        """ "Reviewed by a specialist on DATE" only when a specialist reviewed exactly this text; otherwise
        the date its facts were checked and the notice that no specialist has checked it yet."""
        specialist = self.specialist_review(article.topic_id, language)
        if specialist is not None:
            return [self.t("guidance.reviewed_by_specialist", language, date=format_date(specialist, language))]
        lines = []
        checked = reviewed_on(article)
        if checked is not None:
            lines.append(self.t("guidance.reviewed", language, date=format_date(checked, language)))
        lines.append(self.t("guidance.draft", language))
        return lines

    def detail(self, topic_id: str, language: str) -> list[Reply]:
        article = self.article(topic_id, language)
        if article is None:
            return [Reply(text=self.t("guidance.no_answer", language))]
        text = plain_text(article.body)
        if len(text) > MAX_DETAIL_CHARS:
            text = text[:MAX_DETAIL_CHARS].rsplit("\n", 1)[0] + "\n…"
        return [
            Reply(
                text=text,
                buttons=[{"title": self.t("button.talk_to_person", language), "payload": "/request_human"}],
                sources=source_links(article, self.catalogs, language),
            )
        ]

    def feedback(self, conversation_id: str, answer_id: Any, value: str, language: str) -> list[Reply]:
        if value not in ("up", "down") or not isinstance(answer_id, int):
            return [Reply(text=self.t("utter_default", language))]
        with self.db.session() as session:
            answer = session.get(Answer, answer_id)
            # Only the conversation that received an answer may rate it.
            if answer is None or answer.conversation_id != conversation_id:
                return [Reply(text=self.t("utter_default", language))]
            answer.feedback = value
        key = "guidance.feedback_thanks" if value == "up" else "guidance.feedback_sorry"
        return [Reply(text=self.t(key, language))]

    # -- helpers ---------------------------------------------------------------------------------

    def maybe_offer_person(self, conversation_id: str, language: str) -> list[Reply]:
        """Two unsure answers in a row: a person is likelier to help than a third guess, so the
        bot says so and offers one (a button). It never hands the conversation over unasked: being
        put in a queue, maybe outside office hours, is not what the person asked for (issue #18).

        "In a row" counts only since the last owner change, so a user who came back from an
        advisor starts afresh; and only when the person wrote nothing else between the two questions
        (a form's answers in between make them two separate doubts, not a stuck conversation).
        """
        with self.db.session() as session:
            last_two = session.execute(
                select(Answer.confident, Answer.created_at)
                .where(Answer.conversation_id == conversation_id)
                .order_by(Answer.id.desc())
                .limit(2)
            ).all()
            if len(last_two) < 2 or any(confident for confident, _ in last_two):
                return []
            changed = session.scalar(
                select(func.count()).where(
                    OwnershipEvent.conversation_id == conversation_id, OwnershipEvent.created_at >= last_two[1][1]
                )
            )
            # The current question is stored before it is answered: one user message since the
            # earlier unsure answer is that question; more are turns in between.
            between = session.scalar(
                select(func.count()).where(
                    Message.conversation_id == conversation_id,
                    Message.role == MessageRole.USER.value,
                    Message.created_at > last_two[1][1],
                )
            )
        if changed or (between or 0) > 1:
            return []
        # The text names the button by its own title, so the two can never drift apart.
        talk = self.t("button.talk_to_person", language)
        return [
            Reply(
                text=self.t("guidance.offer_person", language, button=talk),
                buttons=[{"title": talk, "payload": "/request_human"}],
            )
        ]

    def article(self, topic_id: str, language: str) -> Any:
        try:
            return self.knowledge.retriever.get_article(topic_id, language)
        except KeyError:
            return None

    def record(
        self,
        conversation_id: str,
        question: str,
        language: str,
        topic_id: str | None,
        score: float | None,
        *,
        confident: bool,
    ) -> int:
        with self.db.session() as session:
            answer = Answer(
                conversation_id=conversation_id,
                question=question[:2000],
                language=language,
                topic_id=topic_id,
                score=float(score) if score is not None else None,
                confident=confident,
            )
            session.add(answer)
            session.flush()
            answer_id = answer.id
        metrics.KNOWLEDGE_ANSWERS.labels("direct" if confident else "unsure").inc()
        return answer_id

    def stats(self, limit: int = 50) -> dict[str, Any]:
        """Unanswered and down-voted questions by language and by topic, newest first, for staff."""
        with self.db.session() as session:
            counts = session.execute(
                select(Answer.language, Answer.confident, Answer.feedback, func.count()).group_by(
                    Answer.language, Answer.confident, Answer.feedback
                )
            ).all()
            topics = session.execute(
                select(Answer.language, Answer.topic_id, Answer.confident, Answer.feedback, func.count()).group_by(
                    Answer.language, Answer.topic_id, Answer.confident, Answer.feedback
                )
            ).all()
            flagged = session.scalars(
                select(Answer)
                .where((Answer.confident.is_(False)) | (Answer.feedback == "down"))
                .order_by(Answer.id.desc())
                .limit(limit)
            ).all()
            by_language: dict[str, dict[str, int]] = {}
            for language, confident, feedback, count in counts:
                row = by_language.setdefault(language, {"answers": 0, "unanswered": 0, "up": 0, "down": 0})
                row["answers"] += count
                if not confident:
                    row["unanswered"] += count
                if feedback in ("up", "down"):
                    row[feedback] += count
            by_topic: dict[tuple[str, str | None], dict[str, Any]] = {}
            for language, topic_id, confident, feedback, count in topics:
                entry = by_topic.setdefault(
                    (language, topic_id),
                    {"language": language, "topic_id": topic_id, "answers": 0, "unanswered": 0, "down": 0},
                )
                entry["answers"] += count
                entry["unanswered"] += 0 if confident else count
                entry["down"] += count if feedback == "down" else 0
            # What to write next first: the most unanswered and voted-down questions.
            ranked = sorted(
                (e for e in by_topic.values() if e["unanswered"] or e["down"]),
                key=lambda e: (-(e["unanswered"] + e["down"]), e["language"], e["topic_id"] or ""),
            )
            return {
                "by_language": by_language,
                "by_topic": ranked,
                "flagged": [
                    {
                        "question": a.question,
                        "language": a.language,
                        "topic_id": a.topic_id,
                        "reason": "down_voted" if a.feedback == "down" else "unanswered",
                        "created_at": a.created_at.isoformat(),
                    }
                    for a in flagged
                ],
            }
