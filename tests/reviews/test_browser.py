"""A real browser (Debian's Chromium via Playwright): an editor logs in at /console, sees the review queue,
opens a Vietnamese translation with its English source beside it and what changed in English since it was
translated, marks it reviewed; the chat's answer and the article page then say "reviewed by a specialist"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.auth.users import create_user
from api.core.clock import utcnow
from api.core.config import REPO_ROOT, Settings
from api.core.i18n import format_date
from api.knowledge.search import KnowledgeBase
from api.main import create_app
from knowledge_base import translations
from knowledge_base.languages import LANGUAGES
from tests.api.conftest import FakeRasa
from tests.api.test_guidance import FakeRetriever
from tests.browser_support import chromium, serve
from tests.knowledge_base.conftest import TOPICS, article_text

PASSWORD = "correct horse battery"
INTERNAL = {"Authorization": "Bearer browser-internal"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    root = tmp_path_factory.mktemp("reviews")
    content, sources, data = root / "content", root / "sources", root / "data"
    data.mkdir()
    (data / "pathways.yml").write_text("as_of: 2026-12-01\nreview_due: 2027-06-01\n", encoding="utf-8")
    for topic in TOPICS:
        for lang in LANGUAGES:
            (content / lang).mkdir(parents=True, exist_ok=True)
            (content / lang / f"{topic}.md").write_text(article_text(topic, lang), encoding="utf-8")
    for topic in TOPICS:
        for lang in LANGUAGES:
            if lang != "en":
                translations.mark_translated(lang, topic, content, sources)
    # The English source moved on after the translation was made: the reviewer must see how.
    english = content / "en" / "visa.coe.md"
    english.write_text(
        english.read_text(encoding="utf-8").replace("one to three months", "one to four months"), encoding="utf-8"
    )
    settings = Settings(
        database_url=f"sqlite:///{root / 'app.db'}",
        knowledge_enabled=False,
        health_components=("database",),
        actions_token="browser-internal",
        locales_dir=REPO_ROOT / "locales",
        knowledge_content_dir=content,
        knowledge_sources_dir=sources,
        knowledge_data_dir=data,
    )
    app = create_app(settings)
    services = app.state.services
    services.conversations.rasa = FakeRasa()
    fake = FakeRetriever()
    knowledge = KnowledgeBase(settings.index_dir, loader=lambda _: fake)
    knowledge._load()
    services.knowledge = knowledge
    services.guidance.knowledge = knowledge
    with services.db.session() as session:
        create_user(
            session, email="mai@example.org", password=PASSWORD, role="editor", display_name="Mai", languages=["vi"]
        )
    with serve(app) as url:
        yield url, app


def test_editor_reviews_a_translation_and_the_answer_says_so(server: tuple[str, Any]) -> None:
    base, _app = server
    created = httpx.post(f"{base}/api/v1/widget/conversations", json={"locale": "vi"}).json()
    question = {
        "conversation_id": created["conversation_id"],
        "intent": "ask_topic",
        "entities": {"topic_id": "visa.coe"},
    }

    def answer() -> str:
        response = httpx.post(f"{base}/internal/v1/guidance/answer", json=question, headers=INTERNAL)
        assert response.status_code == 200, response.text
        text: str = response.json()["replies"][0]["text"]
        return text

    assert "chuyên gia kiểm tra ngày" not in answer()

    with chromium() as browser:
        page = browser.new_context().new_page()
        page.goto(base + "/console/login?lang=en")
        page.fill("input[name=email]", "mai@example.org")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        # An editor's console opens on the review queue.
        page.wait_for_url(base + "/console/reviews?lang=en")
        row = page.locator("[data-testid=reviews-vi] tr[data-topic='visa.coe']")
        assert row.get_attribute("data-status") == "machine_translated"
        assert "English changed since" in row.inner_text()

        row.locator("a").click()
        page.wait_for_url(base + "/console/reviews/vi/visa.coe?lang=en")
        # The English source beside the translation, and what changed in English since.
        assert "Certificate of Eligibility" in page.locator("[data-testid=source]").inner_text()
        assert "Giấy chứng nhận tư cách lưu trú" in page.locator("[data-testid=translation]").inner_text()
        assert page.locator(".kr-diff .kr-del", has_text="one to three months").count() == 1
        assert page.locator(".kr-diff .kr-add", has_text="one to four months").count() == 1
        source_box = page.locator("[data-testid=source]").bounding_box()
        translation_box = page.locator("[data-testid=translation]").bounding_box()
        assert source_box and translation_box and source_box["x"] < translation_box["x"]  # side by side

        page.click("#kr-mark")
        page.locator("[data-testid=review-status]", has_text="Reviewed on").wait_for()
        assert "Mai" in page.locator("[data-testid=review-status]").inner_text()
        assert page.locator("#kr-mark").count() == 0

        today = format_date(utcnow().date(), "vi")
        # The chat's answer, and the article page its source link opens, now say who checked it.
        assert f"Đã được chuyên gia kiểm tra ngày {today}." in answer()
        page.goto(base + "/kb/vi/visa.coe")
        assert page.locator("[data-testid=review]").inner_text() == f"Đã được chuyên gia kiểm tra ngày {today}."

        # Back in the queue the translation is listed as reviewed.
        page.goto(base + "/console/reviews?lang=en&language=vi")
        assert row.get_attribute("data-status") == "reviewed"
