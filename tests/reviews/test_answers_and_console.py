"""Answers say "reviewed by a specialist on DATE" only when a specialist reviewed exactly that text; the
console's review and questions pages by role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.core.clock import utcnow
from api.core.i18n import format_date
from api.knowledge.search import KnowledgeBase
from tests.api.test_guidance import FakeRetriever, ask
from tests.reviews.conftest import PASSWORD, login, rewrite_english

BASE = "/api/v1/editor/reviews"
# The overdue counts are taken on a fixed day.
pytestmark = pytest.mark.usefixtures("fixed_today")


@pytest.fixture
def retriever(client: TestClient) -> FakeRetriever:
    fake = FakeRetriever()
    knowledge = KnowledgeBase(client.app.state.services.settings.index_dir, loader=lambda _: fake)  # type: ignore[attr-defined]
    knowledge._load()
    client.app.state.services.knowledge = knowledge  # type: ignore[attr-defined]
    client.app.state.services.guidance.knowledge = knowledge  # type: ignore[attr-defined]
    return fake


def _conversation(client: TestClient, locale: str) -> str:
    response = client.post("/api/v1/widget/conversations", json={"locale": locale})
    assert response.status_code == 201
    conversation_id: str = response.json()["conversation_id"]
    return conversation_id


def _review(client: TestClient, headers: dict[str, str], lang: str, topic: str = "visa.coe") -> None:
    detail = client.get(f"{BASE}/{lang}/{topic}", headers=headers).json()
    body = {"source_hash": detail["source_hash"], "content_hash": detail["content_hash"]}
    assert client.post(f"{BASE}/{lang}/{topic}", json=body, headers=headers).status_code == 201


def test_answers_claim_a_specialist_review_only_when_true(
    client: TestClient, retriever: FakeRetriever, editor: dict[str, Any], knowledge_dirs: dict[str, Path]
) -> None:
    vi = _conversation(client, "vi")
    before = ask(client, vi, "ask_topic", topic_id="visa.coe").json()["replies"][0]["text"]
    assert "chuyên gia kiểm tra ngày" not in before
    assert "Nội dung này chưa được chuyên gia kiểm tra." in before  # the draft notice
    _review(client, editor["headers"], "vi")
    today = format_date(utcnow().date(), "vi")
    after = ask(client, vi, "ask_topic", topic_id="visa.coe").json()["replies"][0]["text"]
    assert f"Đã được chuyên gia kiểm tra ngày {today}." in after
    assert "chưa được chuyên gia kiểm tra" not in after
    # Only that language's text was reviewed: the English answer still says it was not.
    en = ask(client, _conversation(client, "en"), "ask_topic", topic_id="visa.coe").json()["replies"][0]["text"]
    assert "Reviewed by a specialist" not in en and "not yet been checked by a specialist" in en
    # The article page the answer links to says the same.
    page = client.get("/kb/vi/visa.coe").text
    assert f"Đã được chuyên gia kiểm tra ngày {today}." in page
    # Once the English source changes, the review no longer holds for the translation.
    rewrite_english(client, knowledge_dirs, "visa.coe", "one to three months", "one to four months")
    stale = ask(client, vi, "ask_topic", topic_id="visa.coe").json()["replies"][0]["text"]
    assert "chuyên gia kiểm tra ngày" not in stale and "chưa được chuyên gia kiểm tra" in stale


def _console_login(client: TestClient, email: str) -> None:
    client.cookies.clear()
    assert client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}).status_code == 200


def test_console_review_pages_for_editors(client: TestClient, editor: dict[str, Any]) -> None:
    assert client.get("/console/reviews", follow_redirects=False).headers["location"] == "/console/login"
    _console_login(client, "mai@example.org")
    home = client.get("/console?lang=vi", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/console/reviews?lang=vi"
    queue = client.get("/console/reviews?lang=en")
    assert queue.status_code == 200
    assert "Machine-translated" in queue.text and "Past their review date: 2 articles" in queue.text
    assert "<code>ne/visa.fees</code> · 2026-11-30" in queue.text and "<code>pathways.yml</code>" in queue.text
    assert queue.headers["cache-control"] == "no-store"
    page = client.get("/console/reviews/vi/visa.coe?lang=ja")
    assert page.status_code == 200
    assert 'data-testid="source"' in page.text and "Certificate of Eligibility" in page.text
    assert "レビュー済みにする" in page.text  # the button, in the console's language
    assert client.get("/console/reviews/vi/visa.nothing").status_code == 404
    assert client.get("/console/reviews?language=xx").status_code == 422
    # Not the editor's language: no button, a note instead.
    assert 'id="kr-mark"' in page.text
    other = client.get("/console/reviews/ne/visa.coe?lang=en").text
    assert 'id="kr-mark"' not in other and "<p>You review only the languages of your account.</p>" in other


def test_console_pages_by_role(client: TestClient) -> None:
    login(client, "aiko@example.org", "advisor")
    login(client, "eva@example.org", "evaluator")
    _console_login(client, "aiko@example.org")
    assert client.get("/console/reviews").status_code == 403
    knowledge = client.get("/console/knowledge?lang=en")
    assert knowledge.status_code == 200 and "Questions the bot could not answer" in knowledge.text
    _console_login(client, "eva@example.org")
    assert client.get("/console/knowledge").status_code == 403


def test_knowledge_page_by_language_and_topic(client: TestClient, retriever: FakeRetriever) -> None:
    retriever.confident = False
    conversation = _conversation(client, "pt")
    ask(client, conversation, text="quanto custa o visto?")
    login(client, "mai@example.org", "editor")
    _console_login(client, "mai@example.org")
    page = client.get("/console/knowledge?lang=pt")
    assert page.status_code == 200
    assert "quanto custa o visto?" in page.text and "<code>visa.coe</code>" in page.text
    stats = client.get("/api/v1/knowledge/stats").json()
    assert stats["by_topic"] == [{"language": "pt", "topic_id": "visa.coe", "answers": 1, "unanswered": 1, "down": 0}]
