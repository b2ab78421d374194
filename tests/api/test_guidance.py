"""Knowledge answers in chat and the search endpoint, against a small scripted retriever."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth.users import create_user
from api.knowledge.search import KnowledgeBase

TOKEN = {"Authorization": "Bearer test-internal-token"}


def staff_headers(client: TestClient, role: str = "editor") -> dict[str, str]:
    """A logged-in staff member's bearer header: the stats are behind the staff login."""
    email = f"{role}@example.org"
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        create_user(session, email=email, password="correct horse battery", role=role)
    login = client.post("/api/v1/auth/login", json={"email": email, "password": "correct horse battery"})
    client.cookies.clear()
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


@dataclass
class FakeArticle:
    topic_id: str
    language: str
    title: str
    summary: str
    body: str = "## Section\n\nBody **text** <script>alert(1)</script>"
    sources: list[str] = field(default_factory=lambda: ["https://www.moj.go.jp/isa/", "https://www.mofa.go.jp/"])
    last_reviewed: str = "2026-11-24"
    review_status: str = "drafted"
    related: list[str] = field(default_factory=lambda: ["visa.extension"])


@dataclass
class FakeHit:
    topic_id: str
    title: str
    score: float
    url: str
    snippet: str


@dataclass
class FakeResult:
    language: str
    results: list[FakeHit]
    confident: bool
    foreign: str | None = None


class FakeRetriever:
    def __init__(self) -> None:
        self.confident = True
        self.foreign: str | None = None
        self.queries: list[tuple[str, str | None, int]] = []

    def get_article(self, topic_id: str, language: str) -> FakeArticle | None:
        titles = {"visa.coe": "COE", "visa.extension": "Extension"}
        if topic_id not in titles:
            return None
        return FakeArticle(
            topic_id, language, f"{titles[topic_id]} ({language})", f"Summary of {topic_id} in {language}."
        )

    def search(self, query: str, language: str | None = None, top: int = 5) -> FakeResult:
        self.queries.append((query, language, top))
        hits = [
            FakeHit("visa.coe", f"COE ({language})", 0.9, f"/kb/{language}/visa.coe", "snippet"),
            FakeHit("visa.extension", f"Extension ({language})", 0.5, f"/kb/{language}/visa.extension", "snippet"),
        ]
        return FakeResult(language or "en", hits[:top], self.confident, self.foreign)


@pytest.fixture
def retriever(client: TestClient) -> FakeRetriever:
    fake = FakeRetriever()
    knowledge = KnowledgeBase(client.app.state.services.settings.index_dir, loader=lambda _: fake)  # type: ignore[attr-defined]
    knowledge._load()
    client.app.state.services.knowledge = knowledge  # type: ignore[attr-defined]
    client.app.state.services.guidance.knowledge = knowledge  # type: ignore[attr-defined]
    return fake


def ask(
    client: TestClient, conversation_id: str, intent: str = "ask_guidance", text: str = "what is a COE", **entities: Any
) -> Any:
    return client.post(
        "/internal/v1/guidance/answer",
        json={"conversation_id": conversation_id, "text": text, "intent": intent, "entities": entities},
        headers=TOKEN,
    )


def test_confident_answer_has_summary_sources_review_date_and_buttons(
    client: TestClient, conversation: dict[str, str], retriever: FakeRetriever
) -> None:
    response = ask(client, conversation["conversation_id"])
    assert response.status_code == 200
    reply = response.json()["replies"][0]
    assert reply["text"].startswith("Summary of visa.coe in en.")
    assert "Last reviewed: November 24, 2026." in reply["text"]
    assert "Immigration Services Agency" in reply["text"]
    assert reply["sources"][0] == {"topic_id": "visa.coe", "title": "COE (en)", "url": "/kb/en/visa.coe"}
    assert reply["sources"][1]["url"] == "https://www.moj.go.jp/isa/"
    payloads = [b["payload"] for b in reply["buttons"]]
    assert payloads[0] == '/more_detail{"topic_id": "visa.coe"}'
    assert '/ask_topic{"topic_id": "visa.extension"}' in payloads
    assert "/request_human" in payloads
    assert any(p.startswith('/feedback{"answer_id": ') for p in payloads)
    assert retriever.queries[-1][1] == "en"


def test_answer_in_the_conversations_language(client: TestClient, retriever: FakeRetriever) -> None:
    conv = client.post("/api/v1/widget/conversations", json={"locale": "ne"}).json()
    reply = ask(client, conv["conversation_id"]).json()["replies"][0]
    assert reply["text"].startswith("Summary of visa.coe in ne.")
    assert "अन्तिम पटक जाँचिएको" in reply["text"]
    assert reply["buttons"][0]["title"] == "थप विवरण"


def test_unsure_offers_topics_and_a_person(
    client: TestClient, conversation: dict[str, str], retriever: FakeRetriever
) -> None:
    retriever.confident = False
    reply = ask(client, conversation["conversation_id"]).json()["replies"][0]
    assert reply["text"] == "I'm not sure I found the right answer. Did you mean one of these?"
    assert [b["payload"] for b in reply["buttons"]] == [
        '/ask_topic{"topic_id": "visa.coe"}',
        '/ask_topic{"topic_id": "visa.extension"}',
        "/request_human",
    ]
    stats = client.get("/api/v1/knowledge/stats", headers=staff_headers(client)).json()
    assert stats["by_language"]["en"]["unanswered"] == 1
    assert stats["flagged"][0]["reason"] == "unanswered"


def test_foreign_language_question_gets_a_note(
    client: TestClient, conversation: dict[str, str], retriever: FakeRetriever
) -> None:
    retriever.foreign = "zh"
    replies = ask(client, conversation["conversation_id"], text="签证怎么续签").json()["replies"]
    assert replies[0]["text"].startswith("I can answer in Japanese, English, Vietnamese, Nepali and Portuguese.")
    assert replies[1]["text"].startswith("Summary of visa.coe")


def test_more_detail_is_plain_text(client: TestClient, conversation: dict[str, str], retriever: FakeRetriever) -> None:
    reply = ask(client, conversation["conversation_id"], "more_detail", topic_id="visa.coe").json()["replies"][0]
    assert reply["text"].startswith("Section") and "**" not in reply["text"]


def test_feedback_recorded_only_for_own_answers(
    client: TestClient, conversation: dict[str, str], retriever: FakeRetriever
) -> None:
    answer = ask(client, conversation["conversation_id"]).json()["replies"][0]
    feedback = next(b["payload"] for b in answer["buttons"] if '"value": "down"' in b["payload"])
    answer_id = int(feedback.split('"answer_id": ')[1].split(",")[0])
    other = client.post("/api/v1/widget/conversations").json()["conversation_id"]
    ask(client, other, "feedback", answer_id=answer_id, value="down")
    editor = staff_headers(client)
    assert client.get("/api/v1/knowledge/stats", headers=editor).json()["by_language"]["en"]["down"] == 0
    thanks = ask(client, conversation["conversation_id"], "feedback", answer_id=answer_id, value="down").json()
    assert thanks["replies"][0]["text"].startswith("Thank you. I'm sorry")
    stats = client.get("/api/v1/knowledge/stats", headers=editor).json()
    assert stats["by_language"]["en"]["down"] == 1 and stats["flagged"][0]["reason"] == "down_voted"


def test_unknown_topic_and_conversation(
    client: TestClient, conversation: dict[str, str], retriever: FakeRetriever
) -> None:
    reply = ask(client, conversation["conversation_id"], "ask_topic", topic_id="nope").json()["replies"][0]
    assert reply["text"] == "I couldn't find an answer to that in my articles."
    assert ask(client, "0" * 32).status_code == 404


def test_internal_endpoints_need_the_token(
    client: TestClient, conversation: dict[str, str], retriever: FakeRetriever
) -> None:
    body = {"conversation_id": conversation["conversation_id"], "text": "x"}
    assert client.post("/internal/v1/guidance/answer", json=body).status_code == 401
    assert (
        client.post("/internal/v1/guidance/answer", json=body, headers={"Authorization": "Bearer x"}).status_code == 401
    )
    assert client.get("/api/v1/knowledge/stats").status_code == 401
    # The stats moved behind the staff login: the action server's token no longer reads them.
    assert client.get("/api/v1/knowledge/stats", headers=TOKEN).status_code == 401


def test_search_endpoint_contract(client: TestClient, retriever: FakeRetriever) -> None:
    body = client.get("/api/v1/knowledge/search", params={"q": "coe", "lang": "vi", "top": 1}).json()
    assert body == {
        "language": "vi",
        "confident": True,
        "results": [
            {"topic_id": "visa.coe", "title": "COE (vi)", "score": 0.9, "url": "/kb/vi/visa.coe", "snippet": "snippet"}
        ],
    }


def test_search_confident_is_the_chats_direct_answer_decision(
    client: TestClient, conversation: dict[str, str], retriever: FakeRetriever
) -> None:
    for confident in (True, False):
        retriever.confident = confident
        body = client.get("/api/v1/knowledge/search", params={"q": "what is a COE"}).json()
        reply = ask(client, conversation["conversation_id"]).json()["replies"][0]
        answered_directly = reply["text"].startswith("Summary of visa.coe")
        assert body["confident"] is confident is answered_directly


def test_search_bad_input(client: TestClient, retriever: FakeRetriever) -> None:
    for params in ({"q": ""}, {"q": "   "}, {}, {"q": "x", "top": 0}, {"q": "x", "top": 999}, {"q": "x", "lang": "zh"}):
        response = client.get("/api/v1/knowledge/search", params=params)
        assert response.status_code == 422, params
    long = client.get("/api/v1/knowledge/search", params={"q": "visa" * 1500})
    assert long.status_code == 200
    assert len(retriever.queries[-1][0]) == 5000


def test_article_page_escapes_html(client: TestClient, retriever: FakeRetriever) -> None:
    page = client.get("/kb/ja/visa.coe")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    assert "この文章は、まだ専門家による確認を受けていません。" in page.text
    assert "最終確認日：2026年11月24日" in page.text
    assert client.get("/kb/ja/nope").status_code == 404
    assert client.get("/kb/xx/visa.coe").status_code == 404


def test_search_is_rate_limited_per_client(client: TestClient, retriever: FakeRetriever) -> None:
    # The defaults (KNOWLEDGE_SEARCH_BURST=20, 60 a minute): on main every search was served.
    for _ in range(20):
        assert client.get("/api/v1/knowledge/search", params={"q": "coe"}).status_code == 200
    limited = client.get("/api/v1/knowledge/search", params={"q": "coe"})
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 2
    assert len(retriever.queries) == 20  # a refused search costs no embedding
