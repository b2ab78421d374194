"""The review workflow's API: the queue with statuses, one article beside its English source with what changed,
"mark reviewed" (who, when, audited, only for the texts the editor saw), and who may do what."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.auth.models import AuditEntry
from api.reviews.models import ArticleReview
from tests.reviews.conftest import PASSWORD, login, rewrite_english

BASE = "/api/v1/editor/reviews"
# The overdue counts are taken on a fixed day.
pytestmark = pytest.mark.usefixtures("fixed_today")


def _queue(client: TestClient, headers: dict[str, str], **params: str) -> dict[str, Any]:
    response = client.get(BASE, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _detail(client: TestClient, headers: dict[str, str], lang: str = "vi", topic: str = "visa.coe") -> dict[str, Any]:
    response = client.get(f"{BASE}/{lang}/{topic}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _mark(client: TestClient, headers: dict[str, str], detail: dict[str, Any]) -> Any:
    return client.post(
        f"{BASE}/{detail['language']}/{detail['topic_id']}",
        json={"source_hash": detail["source_hash"], "content_hash": detail["content_hash"]},
        headers=headers,
    )


def _count(client: TestClient, model: Any) -> int:
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        query = select(func.count()).select_from(model)
        if model is AuditEntry:  # logins are audited too
            query = query.where(AuditEntry.action == "knowledge.reviewed")
        return int(session.scalar(query) or 0)


def test_only_editors_and_admins_work_on_reviews(client: TestClient, editor: dict[str, Any]) -> None:
    assert client.get(BASE).status_code == 401
    for role in ("advisor", "evaluator"):
        other = login(client, f"{role}@example.org", role)
        assert client.get(BASE, headers=other["headers"]).status_code == 403
        assert client.get(f"{BASE}/vi/visa.coe", headers=other["headers"]).status_code == 403
    admin = login(client, "root@example.org", "admin")
    assert client.get(BASE, headers=admin["headers"]).status_code == 200


def test_queue_by_language_with_statuses(client: TestClient, editor: dict[str, Any]) -> None:
    body = _queue(client, editor["headers"])
    statuses = {(i["language"], i["topic_id"]): i["status"] for i in body["items"]}
    assert len(statuses) == 10
    assert statuses[("en", "visa.coe")] == "drafted"  # the English source nobody reviewed
    assert statuses[("vi", "visa.coe")] == "machine_translated"
    assert body["counts"]["vi"] == {"drafted": 0, "machine_translated": 2, "reviewed": 0}
    assert body["counts"]["en"] == {"drafted": 2, "machine_translated": 0, "reviewed": 0}
    # One article (ne/visa.fees) and one rule file (pathways.yml) are past their review date.
    assert body["overdue"] == 2
    only_vi = _queue(client, editor["headers"], lang="vi", status="machine_translated")
    assert {i["language"] for i in only_vi["items"]} == {"vi"} and len(only_vi["items"]) == 2
    bad = client.get(BASE, params={"lang": "xx"}, headers=editor["headers"])
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "lang"]
    bad = client.get(BASE, params={"status": "done"}, headers=editor["headers"])
    assert bad.status_code == 422 and "status" in bad.json()["detail"][0]["loc"]


def test_detail_shows_the_english_source_and_what_changed_since(
    client: TestClient, editor: dict[str, Any], knowledge_dirs: dict[str, Path]
) -> None:
    detail = _detail(client, editor["headers"])
    assert "Giấy chứng nhận" in detail["text"] and "Certificate of Eligibility" in detail["source_text"]
    assert detail["source_changed"] is False and detail["diff"] == []
    rewrite_english(client, knowledge_dirs, "visa.coe", "one to three months", "one to four months")
    detail = _detail(client, editor["headers"])
    assert detail["source_changed"] is True and detail["diff_known"] is True
    assert any(line.startswith("-") and "one to three months" in line for line in detail["diff"])
    assert any(line.startswith("+") and "one to four months" in line for line in detail["diff"])
    # English itself has no "source" to differ from.
    assert _detail(client, editor["headers"], "en")["source_changed"] is False
    assert client.get(f"{BASE}/vi/visa.nothing", headers=editor["headers"]).status_code == 404


def test_mark_reviewed_records_who_and_when_and_audits(client: TestClient, editor: dict[str, Any]) -> None:
    detail = _detail(client, editor["headers"])
    response = _mark(client, editor["headers"], detail)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "reviewed"
    assert body["review"]["reviewed_by"] == "Mai" and body["review"]["reviewed_at"]
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "knowledge.reviewed")).one()
        assert entry.user_id == editor["id"]
        assert entry.detail == {
            "topic_id": "visa.coe",
            "language": "vi",
            "source_hash": detail["source_hash"],
            "content_hash": detail["content_hash"],
            "previous_status": "machine_translated",
        }
    # A second click on the same texts adds nothing.
    again = _mark(client, editor["headers"], detail)
    assert again.status_code == 200 and again.json()["review"] == body["review"]
    assert _count(client, ArticleReview) == 1 and _count(client, AuditEntry) == 1
    queue = _queue(client, editor["headers"], lang="vi")
    assert queue["counts"]["vi"]["reviewed"] == 1


def test_a_change_in_english_or_in_the_article_makes_the_review_stale(
    client: TestClient, editor: dict[str, Any], knowledge_dirs: dict[str, Path]
) -> None:
    assert _mark(client, editor["headers"], _detail(client, editor["headers"])).status_code == 201
    rewrite_english(client, knowledge_dirs, "visa.coe", "one to three months", "two to five months")
    detail = _detail(client, editor["headers"])
    assert detail["status"] == "machine_translated" and detail["source_changed"] is True
    assert detail["review"] is None and detail["last_review"]["reviewed_by"] == "Mai"
    # The diff runs from the English text the last review saw (kept with the review).
    assert any("two to five months" in line for line in detail["diff"])
    assert _mark(client, editor["headers"], detail).status_code == 201
    assert _detail(client, editor["headers"])["status"] == "reviewed"
    path = knowledge_dirs["content"] / "vi" / "visa.coe.md"
    path.write_text(path.read_text(encoding="utf-8").replace("1 đến 3 tháng", "1 đến 5 tháng"), encoding="utf-8")
    client.app.state.services.reviews.reload()  # type: ignore[attr-defined]
    assert _detail(client, editor["headers"])["status"] == "machine_translated"


def test_mark_reviewed_refuses_what_the_editor_did_not_see(
    client: TestClient, editor: dict[str, Any], knowledge_dirs: dict[str, Path]
) -> None:
    seen = _detail(client, editor["headers"])
    rewrite_english(client, knowledge_dirs, "visa.coe", "one to three months", "one to six months")
    stale = _mark(client, editor["headers"], seen)
    assert stale.status_code == 409 and "changed since you opened it" in stale.json()["detail"]
    bad = client.post(
        f"{BASE}/vi/visa.coe",
        json={"source_hash": "x" * 16, "content_hash": seen["content_hash"]},
        headers=editor["headers"],
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "source_hash"]
    missing = client.post(f"{BASE}/vi/visa.coe", json={"source_hash": seen["source_hash"]}, headers=editor["headers"])
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "content_hash"]
    # Over the route's body cap (api/core/limits.py): refused before it is read whole.
    huge = client.post(f"{BASE}/vi/visa.coe", content=b"{" + b" " * 2_000_000, headers=editor["headers"])
    assert huge.status_code == 413
    hostile = client.post(
        f"{BASE}/vi/..%2F..%2Fetc", json={"source_hash": "0" * 16, "content_hash": "0" * 16}, headers=editor["headers"]
    )
    assert hostile.status_code == 404
    unknown_lang = client.post(
        f"{BASE}/xx/visa.coe", json={"source_hash": "0" * 16, "content_hash": "0" * 16}, headers=editor["headers"]
    )
    assert unknown_lang.status_code == 422 and unknown_lang.json()["detail"][0]["loc"] == ["path", "language"]
    assert _count(client, ArticleReview) == 0 and _count(client, AuditEntry) == 0


def test_editors_review_only_their_languages(client: TestClient, editor: dict[str, Any]) -> None:
    nepali = _detail(client, editor["headers"], "ne")
    response = _mark(client, editor["headers"], nepali)
    assert response.status_code == 403 and "language" in response.json()["detail"]
    admin = login(client, "root@example.org", "admin", ["en"])
    assert _mark(client, admin["headers"], nepali).status_code == 201


def test_console_changes_need_the_csrf_token(client: TestClient, editor: dict[str, Any]) -> None:
    detail = _detail(client, editor["headers"])
    assert client.post("/api/v1/auth/login", json={"email": "mai@example.org", "password": PASSWORD}).status_code == 200
    body = {"source_hash": detail["source_hash"], "content_hash": detail["content_hash"]}
    assert client.post(f"{BASE}/vi/visa.coe", json=body).status_code == 403
    csrf = client.cookies.get("kk_csrf") or ""
    assert client.post(f"{BASE}/vi/visa.coe", json=body, headers={"X-CSRF-Token": csrf}).status_code == 201


def test_reviewed_in_the_files_is_the_seed(
    client: TestClient, editor: dict[str, Any], knowledge_dirs: dict[str, Path]
) -> None:
    for lang in ("en", "pt"):
        path = knowledge_dirs["content"] / lang / "visa.fees.md"
        path.write_text(
            path.read_text(encoding="utf-8").replace("review_status: drafted", "review_status: reviewed"),
            encoding="utf-8",
        )
    client.app.state.services.reviews.reload()  # type: ignore[attr-defined]
    pt = _detail(client, editor["headers"], "pt", "visa.fees")
    assert pt["status"] == "reviewed" and pt["review"]["reviewed_by"] is None
    assert pt["review"]["reviewed_on"] == "2026-11-24"  # the files' last_reviewed
    # A file review of a translation counts only while its English source is the one it follows.
    rewrite_english(client, knowledge_dirs, "visa.fees", "8,000 yen", "up to 300,000 yen")
    assert _detail(client, editor["headers"], "pt", "visa.fees")["status"] == "machine_translated"


@pytest.mark.parametrize("role", ["editor", "advisor", "admin"])
def test_knowledge_stats_are_for_staff(client: TestClient, role: str) -> None:
    staff = login(client, f"{role}@example.org", role)
    response = client.get("/api/v1/knowledge/stats", headers=staff["headers"])
    assert response.status_code == 200
    assert set(response.json()) == {"by_language", "by_topic", "flagged"}


def test_knowledge_stats_refuse_anonymous_and_evaluators(client: TestClient) -> None:
    assert client.get("/api/v1/knowledge/stats").status_code == 401
    evaluator = login(client, "eva@example.org", "evaluator")
    assert client.get("/api/v1/knowledge/stats", headers=evaluator["headers"]).status_code == 403


def test_healthz_counts_what_is_overdue(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and "database" in body["components"]
    assert body["knowledge_overdue"] == 2
