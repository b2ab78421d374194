"""Consent records say what was agreed, when, where and to which version of the privacy notice; the
/privacy page the notice names exists in the five languages, with that version."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.consent.models import ConsentRecord
from api.consent.record import NOTICE_VERSION
from api.core.config import REPO_ROOT
from api.core.i18n import Catalogs
from api.fce.feature import Fce
from knowledge_base.articles import CONTENT_DIR, load_file
from knowledge_base.language import LANGUAGES
from tests.fce.conftest import INTERNAL, application, create
from tests.privacy.helpers import db

CATALOGS = Catalogs(REPO_ROOT / "locales")


def _consents(client: TestClient) -> list[ConsentRecord]:
    with db(client).session() as session:
        return list(session.scalars(select(ConsentRecord).order_by(ConsentRecord.id)))


def test_notice_version_is_the_articles_review_date() -> None:
    for language in LANGUAGES:
        article, _warnings = load_file(CONTENT_DIR / language / "service.privacy.md")
        assert str(article.last_reviewed) == NOTICE_VERSION, language


def test_web_application_records_consent(client: TestClient, fce: Fce) -> None:
    case = create(client, preferred_language="ne")
    [record] = _consents(client)
    assert (record.subject_kind, record.subject_id) == ("fce_case", case["reference"])
    assert (record.purpose, record.notice_version, record.language, record.source) == (
        "fce_processing",
        NOTICE_VERSION,
        "ne",
        "web",
    )
    assert record.agreed_at is not None


def test_refused_application_records_nothing(client: TestClient, fce: Fce) -> None:
    response = client.post("/api/v1/fce/cases", json=application(consent=False))
    assert response.status_code == 422
    assert _consents(client) == []


def test_chat_application_records_consent_from_the_chat(client: TestClient, fce: Fce) -> None:
    conversation = client.post("/api/v1/widget/conversations", json={"locale": "en"}).json()
    body = {key: value for key, value in application().items() if key != "email"}
    created = client.post(
        "/internal/v1/fce/cases", json={**body, "conversation_id": conversation["conversation_id"]}, headers=INTERNAL
    )
    assert created.status_code == 201, created.text
    [record] = _consents(client)
    assert record.source == "chat" and record.subject_id == created.json()["reference"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_privacy_page_in_each_language(client: TestClient, language: str) -> None:
    response = client.get(f"/privacy?lang={language}")
    assert response.status_code == 200
    article, _warnings = load_file(CONTENT_DIR / language / "service.privacy.md")
    assert f'<html lang="{language}">' in response.text
    assert CATALOGS.gettext("privacy.page.title", language) in response.text
    assert article.title.replace('"', "&#34;") in response.text
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert 'data-testid="version"' in response.text


def test_privacy_page_follows_the_browser_language(client: TestClient) -> None:
    response = client.get("/privacy", headers={"Accept-Language": "pt-BR,pt;q=0.9"})
    assert '<html lang="pt">' in response.text
    unknown = client.get("/privacy?lang=xx", headers={"Accept-Language": "ja"})
    assert unknown.status_code == 200 and '<html lang="ja">' in unknown.text
