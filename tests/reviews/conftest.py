"""Review fixtures: the api fixtures (SQLite and PostgreSQL) on a small article folder of their own
(two topics in five languages, translations recorded against their English source), so a test can
change the English text and see what the reviewer sees."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth.users import create_user
from api.core.config import REPO_ROOT, Settings
from knowledge_base import translations
from knowledge_base.languages import LANGUAGES

# The api's fixtures (client, conversation, database_url, ...), reused as they are; `settings` is ours.
from tests.api.conftest import *  # noqa: F403
from tests.knowledge_base.conftest import TOPICS, article_text

PASSWORD = "correct horse battery"
TODAY = dt.date(2026, 12, 5)
RULE_DUE = "as_of: 2026-01-10\nreview_due: 2026-07-10\nthreshold: 70\n"  # overdue on TODAY
RULE_FRESH = "as_of: 2026-12-01\nreview_due: 2027-06-01\nthreshold: 70\n"


@pytest.fixture
def knowledge_dirs(tmp_path: Path) -> dict[str, Path]:
    content = tmp_path / "content"
    sources = tmp_path / "sources"
    data = tmp_path / "data"
    data.mkdir()
    (data / "pathways.yml").write_text(RULE_DUE, encoding="utf-8")
    (data / "hsp_points.yml").write_text(RULE_FRESH, encoding="utf-8")
    for topic in TOPICS:
        for lang in LANGUAGES:
            (content / lang).mkdir(parents=True, exist_ok=True)
            overrides = {"review_due": "2026-11-30"} if (topic, lang) == ("visa.fees", "ne") else {}
            (content / lang / f"{topic}.md").write_text(article_text(topic, lang, **overrides), encoding="utf-8")
    for topic in TOPICS:
        for lang in LANGUAGES:
            if lang != "en":
                translations.mark_translated(lang, topic, content, sources)
    return {"content": content, "sources": sources, "data": data}


@pytest.fixture
def settings(database_url: str, knowledge_dirs: dict[str, Path]) -> Settings:
    return Settings(
        database_url=database_url,
        actions_token="test-internal-token",
        rasa_url="http://127.0.0.1:9",
        action_server_url="http://127.0.0.1:9",
        health_components=("database",),
        knowledge_enabled=False,
        locales_dir=REPO_ROOT / "locales",
        domain_file=REPO_ROOT / "bot" / "domain",
        knowledge_content_dir=knowledge_dirs["content"],
        knowledge_sources_dir=knowledge_dirs["sources"],
        knowledge_data_dir=knowledge_dirs["data"],
    )


@pytest.fixture
def fixed_today(client: TestClient) -> None:
    client.app.state.services.reviews.today = lambda: TODAY  # type: ignore[attr-defined]


def login(client: TestClient, email: str, role: str, languages: list[str] | None = None) -> dict[str, Any]:
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        user = create_user(
            session,
            email=email,
            password=PASSWORD,
            role=role,
            display_name=email.split("@")[0].title(),
            languages=languages or ["vi", "en"],
        )
        user_id = user.id
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.cookies.clear()
    return {"id": user_id, "headers": {"Authorization": f"Bearer {response.json()['access_token']}"}}


@pytest.fixture
def editor(client: TestClient) -> dict[str, Any]:
    return login(client, "mai@example.org", "editor", ["vi", "en"])


def rewrite_english(client: TestClient, knowledge_dirs: dict[str, Path], topic: str, old: str, new: str) -> None:
    path = knowledge_dirs["content"] / "en" / f"{topic}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    client.app.state.services.reviews.reload()  # type: ignore[attr-defined]
