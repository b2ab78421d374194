"""Issue #17 item 2: POST /api/v1/advice/requests, the suggested learning path on the JQF ladders, and
the advisors' view (API and /console/advice). Booking, reminders and notes: test_cases.py."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.advice.models import AdviceRequest
from tests.advisors.conftest import make_user

URL = "/api/v1/advice/requests"
CARE = {
    "language": "vi",
    "current_status": "ssw1",
    "qualifications": ["upper_secondary", "ssw_care_tests"],
    "japanese_level": "N4",
    "goal_status": "nursing_care",
    "consent": True,
}


def _count(client: TestClient) -> int:
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        return session.query(AdviceRequest).count()


def _path(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(s["id"], s["kind"]) for s in body["suggested_path"]]


def test_a_request_is_stored_with_a_path_up_the_care_ladder(client: TestClient) -> None:
    response = client.post(URL, json=CARE)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["reference"].startswith("ADV-") and body["state"] == "new"
    assert response.headers["cache-control"] == "no-store" and len(body["access_code"]) == 14
    # SSW (i) nursing care → practical training → 介護福祉士 → the Nursing Care status.
    assert [(s["id"], s["level"]) for s in body["suggested_path"]] == [
        ("jitsumusha_kenshu", 4),
        ("kaigo_fukushishi", 5),
        ("nursing_care", 5),
    ]
    steps = body["suggested_path"]
    assert steps[1]["name"] == "Chứng chỉ quốc gia điều dưỡng viên (介護福祉士)"
    assert steps[2]["kind"] == "status" and steps[1]["via"]  # how to get there, from the ladder's paths
    assert body["field"] == "nursing_care" and body["nqf_url"] == "/nqf?lang=vi#field-nursing_care"
    assert body["case_studies"] and all(
        c["url"].startswith("/case-studies?lang=vi#case-") for c in body["case_studies"]
    )
    assert _count(client) == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # SSW (i) → (ii) in food service: the ladder's path, whose text says family may join.
        (
            {"current_status": "ssw1", "goal_status": "ssw2", "goal_field": "food_service", "qualifications": []},
            [("ssw2_food_service_test", "ssw2_test"), ("ssw2", "status")],
        ),
        # 専門士 already held → Engineer/Specialist in Humanities needs no further rung.
        (
            {"current_status": "student", "goal_status": "engineer_humanities", "qualifications": ["senmonshi"]},
            [("engineer_humanities", "status")],
        ),
        # No tertiary education and no field: the academic ladder's lowest rung the status accepts.
        (
            {"current_status": "abroad", "goal_status": "engineer_humanities", "qualifications": ["upper_secondary"]},
            [("senmonshi", "academic"), ("engineer_humanities", "status")],
        ),
        # In a field, the vocational college title (専門士) of that ladder, entered directly.
        (
            {"goal_status": "engineer_humanities", "goal_field": "accommodation", "qualifications": []},
            [("senmonshi_hospitality", "vocational_title"), ("engineer_humanities", "status")],
        ),
        # From abroad with nothing yet: the SSW (i) test anyone may sit, and the Japanese SSW (i) asks for.
        (
            {"current_status": "abroad", "goal_status": "ssw1", "goal_field": "construction", "japanese_level": "none"},
            [("ssw1_construction_test", "ssw1_test"), ("jlpt_N4", "japanese"), ("ssw1", "status")],
        ),
        (
            {"current_status": "abroad", "goal_status": "ssw1", "goal_field": "construction", "japanese_level": "N3"},
            [("ssw1_construction_test", "ssw1_test"), ("ssw1", "status")],
        ),
        # Construction SSW (ii) climbs through the trade skills test grade 2 first.
        (
            {"current_status": "ssw1", "goal_status": "ssw2", "goal_field": "construction", "qualifications": []},
            [
                ("ginou_kentei_construction_2", "national_qualification"),
                ("ssw2_construction_test", "ssw2_test"),
                ("ssw2", "status"),
            ],
        ),
        # A goal the ladders do not lead to gets no path rather than a wrong one.
        ({"goal_status": "hsp"}, []),
    ],
)
def test_the_path_follows_the_ladders_paths(client: TestClient, change: dict[str, Any], expected: list[Any]) -> None:
    body = client.post(URL, json={**CARE, "language": "en", **change}).json()
    assert _path(body) == expected


def test_the_path_says_how_and_in_the_applicants_language(client: TestClient) -> None:
    change = {"current_status": "ssw1", "goal_status": "ssw2", "goal_field": "food_service", "qualifications": []}
    english = client.post(URL, json={**CARE, "language": "en", **change}).json()["suggested_path"]
    assert "family" in english[0]["via"] and english[1]["name"].startswith("Specified Skilled Worker (ii)")
    japanese = client.post(URL, json={**CARE, "language": "ja", **change}).json()["suggested_path"]
    assert japanese[0]["name"] != english[0]["name"] and "家族" in japanese[0]["via"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"goal_status": "astronaut"}, "goal_status"),
        ({"current_status": "<script>"}, "current_status"),
        ({"goal_field": "magic"}, "goal_field"),
        ({"qualifications": ["phd_in_everything"]}, "qualifications"),
        ({"qualifications": ["bachelor"] * 21}, "qualifications"),
        ({"japanese_level": "N0"}, "japanese_level"),
        ({"consent": False}, "consent"),
        ({"consent": "yes"}, "consent"),
        ({"note": "x" * 1001}, "note"),
        ({"email": "not-an-address"}, "email"),
        ({"language": "fr"}, "language"),
        ({"extra": 1}, "extra"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"time_zone": "x" * 65}, "time_zone"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_stores_nothing(
    client: TestClient, change: dict[str, Any], field: str
) -> None:
    response = client.post(URL, json={**CARE, **change})
    assert response.status_code == 422
    assert field in {str(part) for e in response.json()["detail"] for part in e["loc"]}
    assert _count(client) == 0


def test_malformed_json_is_refused(client: TestClient) -> None:
    response = client.post(URL, content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and _count(client) == 0


def test_a_retry_with_the_same_idempotency_key_returns_the_first_request(client: TestClient) -> None:
    first = client.post(URL, json=CARE, headers={"Idempotency-Key": "k-123"})
    again = client.post(URL, json=CARE, headers={"Idempotency-Key": "k-123"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["reference"] == first.json()["reference"]
    other = client.post(URL, json=CARE, headers={"Idempotency-Key": "k-456"})
    assert other.status_code == 201 and other.json()["reference"] != first.json()["reference"]
    assert _count(client) == 2


def test_advisors_see_requests_and_others_do_not(client: TestClient) -> None:
    hostile = "<script>alert(1)</script> please help"
    reference = client.post(URL, json={**CARE, "note": hostile}).json()["reference"]
    assert client.get(URL).status_code == 401
    assert client.get("/console/advice").status_code == 401
    researcher = make_user(client, "rei@example.org", role="researcher")
    assert client.get(URL, headers=researcher["headers"]).status_code == 403
    advisor = make_user(client, "aiko@example.org")
    listed = client.get(URL, headers=advisor["headers"]).json()
    assert [r["reference"] for r in listed] == [reference] and listed[0]["note"] == hostile
    assert "email" not in listed[0]
    page = client.get("/console/advice", headers=advisor["headers"])
    assert page.status_code == 200 and reference in page.text
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)" in page.text
