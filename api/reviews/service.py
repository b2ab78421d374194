"""The editors' work: which articles wait for a specialist, what changed in English since a translation
was made, and "mark reviewed" (who, when), audited.

An article's status is one of `drafted` (an English source nobody has reviewed), `machine_translated`
(a translation nobody has reviewed; every translation in the repository was machine-drafted) and
`reviewed`. A review counts only while both texts are the ones the specialist saw: the English source
(its revision, `knowledge_base/translations.py`) and the article itself. When either changes, the
article falls back to `drafted`/`machine_translated` and the queue says the source changed. The files'
`review_status: reviewed` seeds the state until the database holds a review of that article.

The articles are read from the files once per process (like the index, they change with a deploy).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from api.auth.audit import audit
from api.auth.models import Role, User
from api.core.clock import as_utc, utcnow
from api.db.session import Database
from api.reviews.models import ArticleReview
from knowledge_base import freshness
from knowledge_base.articles import Article, load_all
from knowledge_base.translations import SOURCE_LANGUAGE, content_hash, diff, read_snapshot, source_text

DRAFTED = "drafted"
MACHINE_TRANSLATED = "machine_translated"
REVIEWED = "reviewed"
STATUSES = (DRAFTED, MACHINE_TRANSLATED, REVIEWED)
REVIEWER_ROLES = (Role.EDITOR.value, Role.ADMIN.value)


class ReviewError(Exception):
    pass


class NotFound(ReviewError):
    pass


class Forbidden(ReviewError):
    pass


class Conflict(ReviewError):
    """The texts changed since the reviewer opened them: they must look again."""


@dataclass(frozen=True)
class Review:
    reviewer: str | None  # the specialist's display name; None for a review recorded in the files
    reviewed_at: dt.datetime | None
    reviewed_on: dt.date
    source_hash: str
    content_hash: str


@dataclass(frozen=True)
class State:
    topic_id: str
    language: str
    title: str
    status: str
    source_hash: str  # the English revision now
    content_hash: str  # this article's revision now
    translated_from: str  # the English revision the text follows: the last review's, else the file's
    source_changed: bool  # the English text changed since then
    review: Review | None  # the current (not stale) review
    last_review: Review | None  # the latest review, stale or not
    as_of: str
    review_due: str


@dataclass(frozen=True)
class Detail:
    state: State
    article: Article
    source: Article
    diff: tuple[str, ...]
    diff_known: bool  # False when the old English text is not available (no snapshot)


class ReviewService:
    def __init__(
        self,
        db: Database,
        content_dir: Path,
        sources_dir: Path,
        data_dir: Path,
        today: Callable[[], dt.date] = lambda: utcnow().date(),
    ) -> None:
        self.db = db
        self.content_dir = content_dir
        self.sources_dir = sources_dir
        self.data_dir = data_dir
        self.today = today
        self._lock = threading.Lock()
        self._articles: dict[tuple[str, str], Article] | None = None
        self._overdue: tuple[dt.date, list[freshness.Due]] | None = None

    # -- articles --------------------------------------------------------------------------------

    def articles(self) -> dict[tuple[str, str], Article]:
        with self._lock:
            if self._articles is None:
                self._articles = {(a.language, a.topic_id): a for a in load_all(self.content_dir)}
            return self._articles

    def start(self) -> None:
        """Read the articles on a thread while the api starts (seconds on a busy machine), not in the
        first answer that asks whether its article was reviewed."""
        threading.Thread(target=self._warm, name="reviews-loader", daemon=True).start()

    def _warm(self) -> None:
        self.articles()
        self.overdue()

    def reload(self) -> None:
        """Read the files again (after a deploy changed them without a restart; tests)."""
        with self._lock:
            self._articles = None
            self._overdue = None

    def _pair(self, language: str, topic_id: str) -> tuple[Article, Article]:
        articles = self.articles()
        article = articles.get((language, topic_id))
        source = articles.get((SOURCE_LANGUAGE, topic_id))
        if article is None or source is None:
            raise NotFound(f"{language}/{topic_id}")
        return article, source

    # -- state -----------------------------------------------------------------------------------

    def _latest_reviews(
        self, language: str | None = None, topic_id: str | None = None
    ) -> dict[tuple[str, str], Review]:
        query = select(ArticleReview, User.display_name).outerjoin(User, User.id == ArticleReview.reviewed_by)
        if language is not None:
            query = query.where(ArticleReview.language == language)
        if topic_id is not None:
            query = query.where(ArticleReview.topic_id == topic_id)
        latest: dict[tuple[str, str], Review] = {}
        with self.db.session() as session:
            for row, name in session.execute(query.order_by(ArticleReview.id)).all():
                at = as_utc(row.reviewed_at)
                latest[(row.language, row.topic_id)] = Review(name, at, at.date(), row.source_hash, row.content_hash)
        return latest

    def _state(self, article: Article, source: Article, last: Review | None) -> State:
        current_source = content_hash(source)
        current_content = content_hash(article)
        translation = article.language != SOURCE_LANGUAGE
        review: Review | None = None
        if last is not None:
            if last.source_hash == current_source and last.content_hash == current_content:
                review = last
            translated_from = last.source_hash
        else:
            translated_from = article.source_hash if translation else current_source
            in_step = not translation or article.source_hash == current_source
            if article.review_status == REVIEWED and in_step:
                # The seed: reviewed in the files, on the date the files give.
                on = dt.date.fromisoformat(article.last_reviewed) if article.last_reviewed else dt.date.min
                review = Review(None, None, on, current_source, current_content)
        status = REVIEWED if review else MACHINE_TRANSLATED if translation else DRAFTED
        return State(
            topic_id=article.topic_id,
            language=article.language,
            title=article.title,
            status=status,
            source_hash=current_source,
            content_hash=current_content,
            translated_from=translated_from,
            source_changed=bool(translated_from) and translated_from != current_source,
            review=review,
            last_review=last,
            as_of=article.as_of,
            review_due=article.review_due,
        )

    def queue(self, language: str | None = None, status: str | None = None) -> list[State]:
        """Every article with its status, by language then topic."""
        latest = self._latest_reviews(language)
        articles = self.articles()
        states = []
        for (lang, topic_id), article in sorted(articles.items()):
            source = articles.get((SOURCE_LANGUAGE, topic_id))
            if source is None or (language is not None and lang != language):
                continue
            state = self._state(article, source, latest.get((lang, topic_id)))
            if status is None or state.status == status:
                states.append(state)
        return states

    def state(self, language: str, topic_id: str) -> State:
        article, source = self._pair(language, topic_id)
        return self._state(article, source, self._latest_reviews(language, topic_id).get((language, topic_id)))

    def detail(self, language: str, topic_id: str) -> Detail:
        """The article, its English source and what changed in English since the translation (or the
        last review) was made."""
        article, source = self._pair(language, topic_id)
        state = self.state(language, topic_id)
        if not state.source_changed:
            return Detail(state, article, source, (), diff_known=True)
        old = self._source_text_at(topic_id, state.translated_from)
        if old is None:
            return Detail(state, article, source, (), diff_known=False)
        return Detail(state, article, source, tuple(diff(old, source_text(source))), diff_known=True)

    def _source_text_at(self, topic_id: str, revision: str) -> str | None:
        with self.db.session() as session:
            stored = session.scalar(
                select(ArticleReview.source_text)
                .where(ArticleReview.topic_id == topic_id, ArticleReview.source_hash == revision)
                .limit(1)
            )
        return stored if stored is not None else read_snapshot(topic_id, revision, self.sources_dir)

    def specialist_review(self, topic_id: str, language: str) -> dt.date | None:
        """The date a specialist reviewed exactly this text against exactly this English source, or None.

        What answers say "reviewed by a specialist on DATE" with; anything unknown is None."""
        try:
            state = self.state(language, topic_id)
        except NotFound:
            return None
        return state.review.reviewed_on if state.review else None

    # -- mark reviewed ---------------------------------------------------------------------------

    def mark_reviewed(
        self, user: User, language: str, topic_id: str, source_hash: str, content_hash_seen: str
    ) -> tuple[State, bool]:
        """Record a review of the texts the reviewer saw. Returns the new state and whether a review was
        added (False when the same texts were already reviewed: a repeated click adds nothing)."""
        if user.role != Role.ADMIN.value and language not in (user.languages or []):
            raise Forbidden("you do not review this language")
        _article, source = self._pair(language, topic_id)
        before = self.state(language, topic_id)
        if source_hash != before.source_hash or content_hash_seen != before.content_hash:
            raise Conflict("the article or its English source changed since you opened it")
        if before.last_review is not None and before.review is before.last_review:
            return before, False
        with self.db.session() as session:
            session.add(
                ArticleReview(
                    topic_id=topic_id,
                    language=language,
                    reviewed_by=user.id,
                    reviewed_at=utcnow(),
                    source_hash=before.source_hash,
                    content_hash=before.content_hash,
                    source_text=source_text(source),
                )
            )
            audit(
                session,
                user.id,
                "knowledge.reviewed",
                detail={
                    "topic_id": topic_id,
                    "language": language,
                    "source_hash": before.source_hash,
                    "content_hash": before.content_hash,
                    "previous_status": before.status,
                },
            )
        return self.state(language, topic_id), True

    # -- freshness -------------------------------------------------------------------------------

    def overdue(self) -> list[freshness.Due]:
        """The articles and rule files past their review_due today (read once a day: it parses every file)."""
        today = self.today()
        with self._lock:
            cached = self._overdue
        if cached is not None and cached[0] == today:
            return cached[1]
        late = freshness.overdue(freshness.all_dues(self.content_dir, self.data_dir), today)
        with self._lock:
            self._overdue = (today, late)
        return late

    def overdue_count(self) -> int:
        return len(self.overdue())
