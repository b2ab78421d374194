"""One api for the page and widget checks of issue #18, served on loopback for Debian's Chromium.

Rasa is replaced by a stand-in that does what the bot's guidance rule does (every message is a
question for the knowledge base), and the index by the committed articles with a scripted search:
a question containing "sure?" gets an unsure answer, anything else a confident answer on the article
whose topic id the question names (or visa.ssw1). Staff: an advisor (Aiko), a second advisor (Ben)
and an evaluator (Eva); one evaluated credential-evaluation case."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from api.advisors.hours import OfficeHours
from api.auth.users import create_user
from api.channels.models import OutboxMessage, OutboxStatus
from api.core.config import Settings
from api.fce.config import FceSettings
from api.fce.models import FceCase, FceStatement
from api.knowledge.search import KnowledgeBase
from api.main import create_app
from knowledge_base.articles import Article, load_all
from knowledge_base.retriever import Hit, SearchResult
from tests.browser_support import chromium, serve
from tests.fce.conftest import PASSWORD, application, evaluation
from tests.records.wiring import install_records

INTERNAL = "ui-internal"
PUBLIC_BASE = "http://kakehashi.test"


class ArticleRetriever:
    """The committed articles, searched by a script (see the module docstring)."""

    def __init__(self) -> None:
        self.articles: dict[tuple[str, str], Article] = {(a.topic_id, a.language): a for a in load_all()}

    def get_article(self, topic_id: str, language: str) -> Article | None:
        return self.articles.get((topic_id, language))

    def _hit(self, article: Article, score: float) -> Hit:
        return Hit(
            topic_id=article.topic_id,
            title=article.title,
            score=score,
            url=article.url,
            snippet=article.summary[:120],
            summary=article.summary,
            sources=list(article.sources),
            last_reviewed=article.last_reviewed,
            review_status=article.review_status,
            related=list(article.related),
            language=article.language,
        )

    def search(self, query: str, language: str | None = None, top: int = 5) -> SearchResult:
        language = language or "en"
        # The longest id the question names: "visa.student_parttime" also contains "visa.student".
        named = sorted(
            (a for (topic, lang), a in self.articles.items() if lang == language and topic in query),
            key=lambda a: len(a.topic_id),
            reverse=True,
        )
        chosen = named[0] if named else self.articles[("visa.ssw1", language)]
        others = [self.articles[(t, language)] for t in ("visa.hsp_points", "visa.student_parttime")]
        hits = [self._hit(a, 0.9 - i * 0.1) for i, a in enumerate([chosen, *others])][:top]
        return SearchResult(language, hits, confident="sure?" not in query)


class GuidanceRasa:
    """Stands in for Rasa: every message is answered by the api's guidance, as the bot's rule does."""

    def __init__(self) -> None:
        self.app: Any = None

    def send(self, sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        guidance = self.app.state.services.guidance
        if message == "/request_human":  # the bot's handoff action: the person asked for it
            replies = self.app.state.services.advisors.request_handoff(sender, "request_human")[1]
        elif message.startswith("/"):
            intent, _, raw = message[1:].partition("{")
            entities = json.loads("{" + raw) if raw else {}
            replies = guidance.respond(sender, intent, message, entities)
        else:
            replies = guidance.respond(sender, "ask_guidance", message, {})
        # Actions hand api-rendered replies to Rasa as one custom payload (actions/actions.py).
        return [{"custom": {"kakehashi_reply": reply.as_dict()}} for reply in replies]

    def set_slot(self, sender: str, name: str, value: Any) -> None:
        pass

    def ping(self) -> bool:
        return True

    def close(self) -> None:
        pass


@dataclass
class Site:
    url: str
    app: Any
    reference: str
    access_code: str
    evaluator: dict[str, str]
    advisor: dict[str, str]

    def login_cookies(self, context: Any, email: str) -> None:
        login = httpx.post(f"{self.url}/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        host = self.url.split("//", 1)[1].split(":")[0]
        context.add_cookies(
            [{"name": n, "value": login.cookies[n], "domain": host, "path": "/"} for n in ("kk_session", "kk_csrf")]
        )


def _bearer(url: str, email: str) -> dict[str, str]:
    login = httpx.post(f"{url}/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def _wait_for_statement(app: Any, reference: str) -> None:
    """The statement is rendered after the response, as a background task. Tests that change the case
    afterwards (test 7 moves the evaluation date and drops the statement) must not race that render."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with app.state.services.db.session() as session:
            issued = session.scalar(
                select(FceStatement.case_id)
                .join(FceCase, FceCase.id == FceStatement.case_id)
                .where(FceCase.reference == reference)
            )
        if issued is not None:
            return
        time.sleep(0.1)
    raise AssertionError(f"the statement of {reference} was not issued within 60 s of the evaluation")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder: Path = tmp_path_factory.mktemp("ui")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'app.db'}",
        knowledge_enabled=False,
        health_components=("database",),
        actions_token=INTERNAL,
    )
    app = create_app(settings)
    services = app.state.services
    knowledge = KnowledgeBase(folder, loader=lambda _: ArticleRetriever())
    knowledge.start()
    knowledge.wait()
    services.guidance.knowledge = knowledge
    # On the built object itself: the chat's records hook reads the services it was built with.
    services.knowledge = knowledge
    rasa = GuidanceRasa()
    rasa.app = app
    services.conversations.rasa = rasa
    # With an issuer key, as `make run` has one: the evaluation issues its credential (the verify and
    # share pages need it). Their links name this base; the tests follow them on the served port.
    install_records(app.state.services, FceSettings(documents_dir=folder / "docs"), folder / "keys", PUBLIC_BASE)
    with services.db.session() as session:
        # Aiko speaks Japanese first: the console must still keep the language she chose (point 10).
        create_user(
            session, email="aiko@example.org", password=PASSWORD, role="advisor", display_name="Aiko", languages=["ja"]
        )
        create_user(session, email="ben@example.org", password=PASSWORD, role="advisor", display_name="Ben Tanaka")
        create_user(session, email="eva@example.org", password=PASSWORD, role="evaluator", display_name="Eva Sato")
        # The staff pages the other roles see (axe, point 13: every page this wave adds).
        create_user(
            session, email="ed@example.org", password=PASSWORD, role="editor", display_name="Ed Ito", languages=["en"]
        )
        create_user(session, email="rita@example.org", password=PASSWORD, role="researcher", display_name="Rita Mori")
    # Office hours that are never open, so "available" is deterministic: nobody, whatever the clock says.
    services.advisors.hours = OfficeHours("mon 00:00-00:00")
    with services.db.session() as session:
        session.add(
            OutboxMessage(
                channel="line",
                destination="U1",
                kind="line_push",
                body={"text": "hi"},
                status=OutboxStatus.FAILED.value,
                attempts=8,
                last_error="LINE unreachable: ClientConnectorDNSError",
            )
        )
    with serve(app) as url:
        evaluator = _bearer(url, "eva@example.org")
        created = httpx.post(f"{url}/api/v1/fce/cases", json=application())
        assert created.status_code == 201, created.text
        reference, code = created.json()["reference"], created.json()["access_code"]
        for step in ("documents_received", "under_evaluation"):
            moved = httpx.post(
                f"{url}/api/v1/evaluator/cases/{reference}/transitions", json={"to": step}, headers=evaluator
            )
            assert moved.status_code == 200, moved.text
        put = httpx.put(f"{url}/api/v1/evaluator/cases/{reference}/evaluation", json=evaluation(), headers=evaluator)
        assert put.status_code == 200, put.text
        done = httpx.post(
            f"{url}/api/v1/evaluator/cases/{reference}/transitions", json={"to": "evaluated"}, headers=evaluator
        )
        assert done.status_code == 200, done.text
        _wait_for_statement(app, reference)
        yield Site(url, app, reference, code, evaluator, _bearer(url, "aiko@example.org"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as instance:
        yield instance
