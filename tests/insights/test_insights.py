"""Issue #17 item 4: the insights summary, its CSV and /console/insights on a seeded database.

Who may read (researcher and admin; 401 anonymous, 403 other roles), that a cell under the floor of
ten is missing from the API, the CSV and the page alike, that no personal data or message text leaves
the database, and the figures themselves (counts and median processing days).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.__main__ import main
from api.advisors.models import Handoff
from api.conversations.models import Conversation
from api.core.config import get_settings
from api.fce.models import FceCase, FceCredential
from api.insights.service import K_FLOOR, floor_cells
from api.knowledge.models import Answer
from tests.advisors.conftest import make_user

SECRET_NAME = "Zzyzx Quillfeather"
SECRET_TEXT = "my passport number is TK0099887"
PATHS = ("/api/v1/insights/summary", "/api/v1/insights/summary.csv", "/console/insights")
START = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def _seed(client: TestClient) -> None:
    """12 questions on visa.coe (shown), 9 on visa.fees (suppressed), handoffs, and FCE cases:
    10 from VN evaluated after 10..19 days (shown, median 14.5), 4 from NP (suppressed)."""
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        for index in range(21):
            conversation = Conversation(channel="widget" if index % 3 else "line", language="vi")
            session.add(conversation)
            session.flush()
            topic = "visa.coe" if index < 12 else "visa.fees"
            session.add(
                Answer(
                    conversation_id=conversation.id,
                    question=SECRET_TEXT,
                    language="vi",
                    topic_id=topic,
                    confident=index % 2 == 0,
                    created_at=START + timedelta(days=index),
                )
            )
            if index < 11:
                session.add(
                    Handoff(conversation_id=conversation.id, reason="request_human", language="vi", channel="widget")
                )
        for index in range(14):
            country = "VN" if index < 10 else "NP"
            case = FceCase(
                reference=f"FCE-TEST-{index:04d}",
                access_code_hash="x",
                status="evaluated",
                applicant_name=SECRET_NAME,
                email="zzyzx@example.org",
                language="en",
                residence_country=country,
                purpose="employment",
                documents_available="all",
                consent_at=START,
                clock_started_at=START,
                evaluated_at=START + timedelta(days=10 + index),
            )
            case.credentials = [
                FceCredential(
                    position=0,
                    country=country,
                    credential_id=f"{country.lower()}_bachelor",
                    institution="Secret Institute of Zzyzx",
                    field_of_study="Engineering",
                    start_year=2015,
                    end_year=2019,
                    language_of_instruction="en",
                )
            ]
            session.add(case)


@pytest.fixture
def researcher(client: TestClient) -> dict[str, Any]:
    return make_user(client, "rei@example.org", role="researcher", name="Rei")


def test_anonymous_gets_401_everywhere(client: TestClient) -> None:
    for path in PATHS:
        assert client.get(path).status_code == 401, path


@pytest.mark.parametrize("role", ["advisor", "evaluator"])
def test_other_roles_get_403(client: TestClient, role: str) -> None:
    user = make_user(client, f"{role}@example.org", role=role)
    for path in PATHS:
        assert client.get(path, headers=user["headers"]).status_code == 403, path


@pytest.mark.parametrize("role", ["researcher", "admin"])
def test_researcher_and_admin_may_read(client: TestClient, role: str) -> None:
    user = make_user(client, f"{role}@example.org", role=role)
    for path in PATHS:
        response = client.get(path, headers=user["headers"])
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store"


def _rows(body: dict[str, Any], name: str) -> dict[tuple[str, ...], dict[str, Any]]:
    table = next(t for t in body["tables"] if t["name"] == name)
    return {tuple(row["values"]): row for row in table["rows"]}


def test_summary_shows_cells_at_the_floor_and_suppresses_small_ones(
    client: TestClient, researcher: dict[str, Any]
) -> None:
    _seed(client)
    body = client.get(PATHS[0], headers=researcher["headers"]).json()
    assert body["k_floor"] == K_FLOOR == 10
    topics = _rows(body, "questions_by_topic")
    assert topics[("visa.coe",)]["count"] == 12
    assert ("visa.fees",) not in topics  # 9 questions: under the floor
    table = next(t for t in body["tables"] if t["name"] == "questions_by_topic")
    assert table["suppressed_cells"] == 1
    assert _rows(body, "handoff_reasons")[("request_human", "vi")]["count"] == 11
    assert _rows(body, "fce_cases_by_country_credential_outcome") == {
        ("VN", "vn_bachelor", "evaluated"): {
            "values": ["VN", "vn_bachelor", "evaluated"],
            "count": 10,
            "median_days": None,
        }
    }
    processing = _rows(body, "fce_processing_days_by_country")
    assert processing[("VN",)]["count"] == 10 and processing[("VN",)]["median_days"] == 14.5
    assert ("NP",) not in processing
    # Months: 21 questions from 1 Oct over 21 days, all in 2026-10, all Vietnamese.
    assert _rows(body, "questions_by_language")[("2026-10", "vi")]["count"] == 21
    assert set(body["not_recorded"]) == {"self_check_results"}
    assert _rows(body, "advice_requests_by_goal") == {}


def test_small_cells_and_personal_data_never_leave_in_any_form(client: TestClient, researcher: dict[str, Any]) -> None:
    _seed(client)
    texts = [client.get(path, headers=researcher["headers"]).text for path in PATHS]
    for text in texts:
        assert "visa.fees" not in text and "NP" not in re.findall(r"\b[A-Z]{2}\b", text)
        for secret in (SECRET_NAME, SECRET_TEXT, "zzyzx@example.org", "Secret Institute", "FCE-TEST-"):
            assert secret not in text
    lines = list(csv.reader(io.StringIO(texts[1])))
    assert lines[0] == ["table", "dimensions", "values", "count", "median_days", "suppressed_cells_in_table"]
    assert ["questions_by_topic", "topic", "visa.coe", "12", "", "1"] in lines
    assert all(int(line[3]) >= K_FLOOR for line in lines[1:])
    page = texts[2]
    assert "<svg" in page and "<rect" in page and 'style="' not in page
    assert 'data-suppressed="1"' in page


def test_floor_cells_keeps_ten_and_drops_nine() -> None:
    table = floor_cells("t", ["x"], [(("a",), 10), (("b",), 9), (("c",), 0), (("d",), 400)])
    assert [(row.values, row.count) for row in table.rows] == [(["a"], 10), (["d"], 400)]
    assert table.suppressed_cells == 2


def test_csv_neutralises_formula_values() -> None:
    from api.insights.schemas import InsightsSummary
    from api.insights.service import csv_rows

    summary = InsightsSummary(
        generated_at=START,
        k_floor=10,
        tables=[floor_cells("t", ["reason"], [(("=HYPERLINK(1)",), 12)])],
        not_recorded=[],
    )
    assert csv_rows(summary)[1][2] == "'=HYPERLINK(1)"


def test_cli_creates_a_researcher(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    # The password comes on stdin, as scripts give it (never as an argument).
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough pw\n"))
    get_settings.cache_clear()
    try:
        args = ["users", "create", "--email", "r@example.org", "--role", "researcher"]
        assert main(args) == 0
        assert "role=researcher" in capsys.readouterr().out
    finally:
        get_settings.cache_clear()


def test_researcher_console_redirects_to_insights(client: TestClient, researcher: dict[str, Any]) -> None:
    login = client.post("/api/v1/auth/login", json={"email": "rei@example.org", "password": "correct horse battery"})
    assert login.status_code == 200
    response = client.get("/console", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/insights"
    page = client.get("/console/insights")
    assert page.status_code == 200 and 'href="/console/insights' in page.text and "/console/stats" not in page.text
