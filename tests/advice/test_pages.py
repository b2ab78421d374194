"""Issue #17 item 2 on the web: /advice (ask, see the learning path with the /nqf field and similar case
studies) and /advice/status (reference + access code: book, rebook, cancel in the chosen time zone),
in the five languages, without JavaScript; bad, oversized and hostile input is refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.advice.models import AdviceRequest
from knowledge_base.languages import LANGUAGES
from tests.advisors.conftest import make_user

FORM = {
    "current_status": "ssw1",
    "qualifications": ["upper_secondary", "ssw_care_tests"],
    "japanese_level": "N4",
    "goal_status": "nursing_care",
    "goal_field": "",
    "time_zone": "America/Sao_Paulo",
    "consent": "yes",
}


def _created(text: str) -> tuple[str, str]:
    reference = re.search(r'data-testid="advice-reference">([^<]+)<', text)
    code = re.search(r'data-testid="advice-access-code">([^<]+)<', text)
    assert reference and code
    return reference.group(1), code.group(1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_form_and_the_path_in_each_language(client: TestClient, language: str) -> None:
    page = client.get(f"/advice?lang={language}")
    assert page.status_code == 200 and f'<html lang="{language}"' in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    created = client.post("/advice", data={**FORM, "lang": language})
    assert created.status_code == 201, created.text
    text = created.text
    assert 'data-step="kaigo_fukushishi"' in text and 'data-step="nursing_care" data-kind="status"' in text
    assert f'href="/nqf?lang={language}#field-nursing_care"' in text
    assert f"/case-studies?lang={language}#case-" in text
    assert created.headers["cache-control"] == "no-store"


def test_bad_form_input_is_a_422_naming_the_field_and_stores_nothing(client: TestClient) -> None:
    hostile = {**FORM, "goal_status": "<script>alert(1)</script>", "consent": "", "lang": "pt"}
    response = client.post("/advice", data=hostile)
    assert response.status_code == 422
    assert "<script>alert(1)" not in response.text
    assert 'data-testid="advice-errors"' in response.text
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        assert session.query(AdviceRequest).count() == 0
    big = client.post("/advice", data={**FORM, "note": "x" * 20_000})
    assert big.status_code == 413


def test_book_rebook_and_cancel_on_the_status_page(client: TestClient) -> None:
    advisor = make_user(client, "aiko@example.org", name="Aiko")
    starts = [
        (datetime.now(UTC) + timedelta(days=d)).replace(hour=12, minute=0, second=0, microsecond=0) for d in (3, 4)
    ]
    slots = [
        client.post("/api/v1/advice/slots", json={"starts_at": s.isoformat()}, headers=advisor["headers"]).json()
        for s in starts
    ]
    reference, code = _created(client.post("/advice", data={**FORM, "lang": "en"}).text)
    base = {"lang": "en", "reference": reference, "access_code": code, "time_zone": "America/Sao_Paulo"}
    opened = client.post("/advice/status", data=base)
    assert opened.status_code == 200 and "09:00 (America/Sao_Paulo, UTC-0300)" in opened.text
    booked = client.post("/advice/status", data={**base, "slot_id": str(slots[0]["id"])})
    assert booked.status_code == 200 and 'data-testid="advice-booking"' in booked.text
    assert f"{starts[0]:%Y-%m-%d} 09:00" in booked.text
    moved = client.post("/advice/status", data={**base, "time_zone": "Asia/Tokyo", "slot_id": str(slots[1]["id"])})
    assert f"{starts[1]:%Y-%m-%d} 21:00 (Asia/Tokyo" in moved.text
    cancelled = client.post("/advice/status", data={**base, "action": "cancel"})
    assert 'data-testid="advice-booking"' not in cancelled.text and 'data-testid="advice-notice"' in cancelled.text
    # The slot went back to the list and a stranger's code opens nothing.
    assert client.post("/advice/status", data={**base, "access_code": "WRONG-CODE"}).status_code == 404
    assert client.post("/advice/status", data={"lang": "en", "reference": reference}).status_code == 422
    unknown_zone = client.post("/advice/status", data={**base, "time_zone": "Nowhere/City"})
    # An unknown zone is said so, and times stay in the zone the applicant chose last (Tokyo, when booking).
    assert unknown_zone.status_code == 200 and "Asia/Tokyo, UTC+0900" in unknown_zone.text
    assert "That time zone is unknown" in unknown_zone.text


def test_a_taken_slot_says_so(client: TestClient) -> None:
    advisor = make_user(client, "aiko@example.org", name="Aiko")
    start = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    slot: dict[str, Any] = client.post(
        "/api/v1/advice/slots", json={"starts_at": start}, headers=advisor["headers"]
    ).json()
    first = _created(client.post("/advice", data={**FORM, "lang": "vi"}).text)
    second = _created(client.post("/advice", data={**FORM, "lang": "vi"}).text)
    for reference, code in (first, second):
        response = client.post(
            "/advice/status",
            data={"lang": "vi", "reference": reference, "access_code": code, "slot_id": str(slot["id"])},
        )
    assert response.status_code == 409 and 'data-testid="advice-error"' in response.text
