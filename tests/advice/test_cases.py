"""Issue #17 item 2: an advice case after the request. The applicant opens it with reference + access
code, books one of the advisors' published slots in their own time zone (stored in UTC), rebooks or
cancels; two concurrent bookings of one slot cannot both win; one reminder goes out through the
channel the request came from; advisors keep notes, follow-ups and an outcome (audited), which the
insights count under the k-anonymity floor."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.advice.models import AdviceNote, AdviceRequest, AdviceSlot
from api.advice.service import AdviceService, SlotTaken
from api.auth.models import AuditEntry
from api.conversations.models import Message
from api.fce.config import MailSettings
from tests.advice.test_advice import CARE, URL
from tests.advisors.conftest import make_user

SLOTS = "/api/v1/advice/slots"


def _service(client: TestClient) -> AdviceService:
    service: AdviceService = client.app.state.services.advice  # type: ignore[attr-defined]
    return service


def _request(client: TestClient, **change: Any) -> dict[str, Any]:
    response = client.post(URL, json={**CARE, **change})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    body["headers"] = {"X-Access-Code": body["access_code"]}
    return body


def _slot(client: TestClient, advisor: dict[str, Any], hours: float, minutes: int = 45) -> dict[str, Any]:
    starts = (datetime.now(UTC) + timedelta(hours=hours)).replace(microsecond=0)
    response = client.post(
        SLOTS, json={"starts_at": starts.isoformat(), "minutes": minutes}, headers=advisor["headers"]
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def advisor(client: TestClient) -> dict[str, Any]:
    return make_user(client, "aiko@example.org", name="Aiko")


def test_the_applicant_opens_the_case_with_reference_and_code(client: TestClient) -> None:
    case = _request(client, time_zone="Asia/Ho_Chi_Minh")
    url = f"{URL}/{case['reference']}"
    opened = client.get(url, headers=case["headers"])
    assert opened.status_code == 200
    body = opened.json()
    assert body["time_zone"] == "Asia/Ho_Chi_Minh" and body["booking"] is None and body["access_code"] is None
    assert [s["id"] for s in body["suggested_path"]][-1] == "nursing_care"
    assert client.get(url, headers={"X-Access-Code": "AAAA-BBBB-CCCC"}).status_code == 404
    assert client.get(f"{URL}/ADV-NOSUCH00", headers=case["headers"]).status_code == 404
    assert client.get(url).status_code == 422
    # Ten wrong codes lock this client out of the reference; the right code then waits too.
    for _ in range(9):
        assert client.get(url, headers={"X-Access-Code": "WRONG"}).status_code == 404
    assert client.get(url, headers=case["headers"]).status_code == 429


def test_a_retry_gets_the_same_access_code_back(client: TestClient) -> None:
    key = {"Idempotency-Key": "retry-key-0001"}
    first = client.post(URL, json=CARE, headers=key).json()
    again = client.post(URL, json=CARE, headers=key).json()
    assert again["access_code"] == first["access_code"] and again["reference"] == first["reference"]


def test_slots_are_shown_in_the_applicants_zone_and_booked_once(client: TestClient, advisor: dict[str, Any]) -> None:
    slot = _slot(client, advisor, hours=72)
    other = _slot(client, advisor, hours=96)
    case = _request(client, time_zone="America/Sao_Paulo")
    free = client.get(f"{URL}/{case['reference']}/slots", headers=case["headers"]).json()
    assert [s["id"] for s in free] == [slot["id"], other["id"]]
    assert free[0]["local_start"].endswith("-03:00")  # São Paulo, no daylight saving time since 2019
    utc = datetime.fromisoformat(free[0]["starts_at"])
    assert datetime.fromisoformat(free[0]["local_start"]) == utc and utc.utcoffset() == timedelta(0)
    tokyo = client.get(f"{URL}/{case['reference']}/slots?time_zone=Asia/Tokyo", headers=case["headers"]).json()
    assert tokyo[0]["local_start"].endswith("+09:00")
    bad_zone = client.get(f"{URL}/{case['reference']}/slots?time_zone=Nowhere/City", headers=case["headers"])
    assert bad_zone.status_code == 422 and "time_zone" in bad_zone.text

    booking = client.put(f"{URL}/{case['reference']}/booking", json={"slot_id": slot["id"]}, headers=case["headers"])
    assert booking.status_code == 200, booking.text
    assert booking.json()["advisor"] == "Aiko" and booking.json()["local_start"].endswith("-03:00")
    # Someone else cannot take it, and no longer sees it.
    rival = _request(client)
    taken = client.put(f"{URL}/{rival['reference']}/booking", json={"slot_id": slot["id"]}, headers=rival["headers"])
    assert taken.status_code == 409
    assert [s["id"] for s in client.get(f"{URL}/{rival['reference']}/slots", headers=rival["headers"]).json()] == [
        other["id"]
    ]
    # Rebooking moves the booking and frees the first slot; cancelling frees the second.
    moved = client.put(f"{URL}/{case['reference']}/booking", json={"slot_id": other["id"]}, headers=case["headers"])
    assert moved.status_code == 200 and moved.json()["slot_id"] == other["id"]
    assert (
        client.put(
            f"{URL}/{rival['reference']}/booking", json={"slot_id": slot["id"]}, headers=rival["headers"]
        ).status_code
        == 200
    )
    assert client.delete(f"{URL}/{case['reference']}/booking", headers=case["headers"]).status_code == 204
    assert client.delete(f"{URL}/{case['reference']}/booking", headers=case["headers"]).status_code == 404
    status = client.get(f"{URL}/{case['reference']}", headers=case["headers"]).json()
    assert status["booking"] is None and status["state"] == "new"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"slot_id": 0}, "slot_id"),
        ({"slot_id": "one"}, "slot_id"),
        ({"slot_id": 1, "time_zone": "Europe/Atlantis"}, "time_zone"),
        ({"slot_id": 1, "extra": True}, "extra"),
    ],
)
def test_bad_bookings_are_422_naming_the_field(client: TestClient, body: dict[str, Any], field: str) -> None:
    case = _request(client)
    response = client.put(f"{URL}/{case['reference']}/booking", json=body, headers=case["headers"])
    assert response.status_code == 422
    assert field in {str(part) for e in response.json()["detail"] for part in e["loc"]}


def test_two_concurrent_bookings_of_one_slot_cannot_both_win(client: TestClient, advisor: dict[str, Any]) -> None:
    slot = _slot(client, advisor, hours=48)
    service = _service(client)
    ids = []
    for _ in range(2):
        reference = _request(client)["reference"]
        with service.db.session() as session:
            ids.append(session.scalars(select(AdviceRequest.id).where(AdviceRequest.reference == reference)).one())
    barrier = threading.Barrier(2)
    results: list[str] = []

    def book(request_id: int) -> None:
        barrier.wait()
        try:
            service.book(request_id, slot["id"], None)
            results.append("booked")
        except SlotTaken:
            results.append("taken")

    threads = [threading.Thread(target=book, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["booked", "taken"]
    with service.db.session() as session:
        held = session.get(AdviceSlot, slot["id"])
        assert held is not None and held.request_id in ids
        states = sorted(session.scalars(select(AdviceRequest.state).where(AdviceRequest.id.in_(ids))).all())
    assert states == ["booked", "new"]


def test_advisors_publish_and_withdraw_slots(client: TestClient, advisor: dict[str, Any]) -> None:
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    response = client.post(SLOTS, json={"starts_at": past}, headers=advisor["headers"])
    assert response.status_code == 422 and "starts_at" in response.text
    naive = client.post(SLOTS, json={"starts_at": "2031-01-01T10:00:00"}, headers=advisor["headers"])
    assert naive.status_code == 422  # a time without a zone is ambiguous
    assert (
        client.post(
            SLOTS, json={"starts_at": "2031-01-01T10:00:00Z", "minutes": 5}, headers=advisor["headers"]
        ).status_code
        == 422
    )
    slot = _slot(client, advisor, hours=30)
    again = client.post(SLOTS, json={"starts_at": slot["starts_at"]}, headers=advisor["headers"])
    assert again.status_code == 409
    assert client.post(SLOTS, json={"starts_at": slot["starts_at"]}).status_code == 401
    applicant = make_user(client, "rei@example.org", role="researcher")
    assert client.get(SLOTS, headers=applicant["headers"]).status_code == 403
    case = _request(client)
    client.put(f"{URL}/{case['reference']}/booking", json={"slot_id": slot["id"]}, headers=case["headers"])
    listed = client.get(SLOTS, headers=advisor["headers"]).json()
    assert [(s["id"], s["reference"]) for s in listed] == [(slot["id"], case["reference"])]
    assert client.delete(f"{SLOTS}/{slot['id']}", headers=advisor["headers"]).status_code == 409
    free = _slot(client, advisor, hours=40)
    other = make_user(client, "ben@example.org", name="Ben")
    assert client.delete(f"{SLOTS}/{free['id']}", headers=other["headers"]).status_code == 404
    assert client.delete(f"{SLOTS}/{free['id']}", headers=advisor["headers"]).status_code == 204
    with _service(client).db.session() as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.user_id == advisor["id"])).all()
    assert {"advice.slot_published", "advice.slot_withdrawn"} <= set(actions)


def test_notes_follow_ups_and_outcome_are_kept_and_audited(client: TestClient, advisor: dict[str, Any]) -> None:
    case = _request(client, email="lan@example.org")
    url = f"/api/v1/advice/cases/{case['reference']}"
    assert client.get(url).status_code == 401
    note = client.post(
        f"{url}/notes",
        json={"text": "Ask about the 450 hours", "follow_up_on": "2027-01-15"},
        headers=advisor["headers"],
    )
    assert note.status_code == 201 and note.json()["author"] == "Aiko"
    for bad in ({"text": "   "}, {"text": "x" * 4001}, {"text": "ok", "follow_up_on": "soon"}, {}):
        assert client.post(f"{url}/notes", json=bad, headers=advisor["headers"]).status_code == 422
    assert (
        client.put(f"{url}/outcome", json={"outcome": "became_astronaut"}, headers=advisor["headers"]).status_code
        == 422
    )
    done = client.put(f"{url}/outcome", json={"outcome": "enrolled_in_course"}, headers=advisor["headers"])
    assert done.status_code == 200 and done.json()["state"] == "closed"
    opened = client.get(url, headers=advisor["headers"]).json()
    assert opened["email"] == "lan@example.org" and opened["outcome"] == "enrolled_in_course"
    assert [(n["text"], n["follow_up_on"]) for n in opened["notes"]] == [("Ask about the 450 hours", "2027-01-15")]
    assert client.get("/api/v1/advice/cases/ADV-NOSUCH00", headers=advisor["headers"]).status_code == 404
    with _service(client).db.session() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action.like("advice.%"))).all()
        assert {e.action for e in entries} == {"advice.note_added", "advice.outcome_recorded", "advice.case_opened"}
        assert all("450" not in str(e.detail) and "lan@" not in str(e.detail) for e in entries)
        assert session.scalars(select(AdviceNote.follow_up_on)).one() == date(2027, 1, 15)
    page = client.get(f"/console/advice/{case['reference']}", headers=advisor["headers"])
    assert page.status_code == 200 and "Ask about the 450 hours" in page.text and "lan@example.org" in page.text


def test_one_reminder_goes_out_by_the_requests_channel(client: TestClient, advisor: dict[str, Any]) -> None:
    service = _service(client)
    sent: list[tuple[str, str, str]] = []
    chats: list[tuple[str, str, str]] = []
    service.mail = MailSettings(url="smtp://127.0.0.1:2525", SMTP_FROM="advice@example.org")
    service.send = lambda settings, to, subject, body: sent.append((to, subject, body))
    service.to_chat = lambda conversation, language, text: chats.append((conversation, language, text))
    web = _request(client, email="lan@example.org", time_zone="Asia/Ho_Chi_Minh")
    chat = _request(client, language="pt")
    late = _request(client, email="late@example.org")
    soon, later = _slot(client, advisor, hours=20), _slot(client, advisor, hours=30)
    third = _slot(client, advisor, hours=21)
    with service.db.session() as session:
        session.execute(
            AdviceRequest.__table__.update()
            .where(AdviceRequest.reference == chat["reference"])
            .values(channel="line", conversation_id="conv-1")
        )
    for case, slot in ((web, soon), (late, later), (chat, third)):
        client.put(f"{URL}/{case['reference']}/booking", json={"slot_id": slot["id"]}, headers=case["headers"])
    assert service.send_reminders() == {"email": 1, "chat": 1}
    assert service.send_reminders() == {}  # once
    ((to, subject, body),) = sent
    assert to == "lan@example.org" and web["reference"] in subject
    local = datetime.fromisoformat(soon["starts_at"]).astimezone(__import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh"))
    assert f"{local:%Y-%m-%d %H:%M} (Asia/Ho_Chi_Minh" in body and "/advice/status?lang=vi" in body
    assert chats == [("conv-1", "pt", chats[0][2])] and "Lembrete" in chats[0][2]
    # Ten hours on, the later session is within a day: its reminder goes out then, once.
    assert service.send_reminders(datetime.now(UTC) + timedelta(hours=10)) == {"email": 1}
    # A booking moved to a new time is reminded again for the new time.
    client.put(
        f"{URL}/{web['reference']}/booking",
        json={"slot_id": _slot(client, advisor, hours=22)["id"]},
        headers=web["headers"],
    )
    assert service.send_reminders() == {"email": 1}


def test_without_smtp_a_web_reminder_is_claimed_but_not_sent(client: TestClient, advisor: dict[str, Any]) -> None:
    service = _service(client)
    service.mail = MailSettings(url="", SMTP_FROM="")
    case = _request(client, email="lan@example.org")
    client.put(
        f"{URL}/{case['reference']}/booking",
        json={"slot_id": _slot(client, advisor, hours=5)["id"]},
        headers=case["headers"],
    )
    assert service.send_reminders() == {"none": 1}
    assert service.send_reminders() == {}


def test_insights_count_outcomes_by_goal_above_the_floor(client: TestClient, advisor: dict[str, Any]) -> None:
    for index in range(19):
        outcome = "found_job" if index < 10 else "no_follow_up"
        reference = _request(client)["reference"]
        response = client.put(
            f"/api/v1/advice/cases/{reference}/outcome", json={"outcome": outcome}, headers=advisor["headers"]
        )
        assert response.status_code == 200
    researcher = make_user(client, "rei@example.org", role="researcher")
    body = client.get("/api/v1/insights/summary", headers=researcher["headers"]).json()
    table = next(t for t in body["tables"] if t["name"] == "advice_outcomes_by_goal")
    assert [(r["values"], r["count"]) for r in table["rows"]] == [(["nursing_care", "found_job"], 10)]
    assert table["suppressed_cells"] == 1  # nine "no_follow_up": under the floor
    assert "advice_outcomes" not in body["not_recorded"]


def test_a_chat_request_takes_its_conversations_channel_and_is_reminded_there(
    client: TestClient, advisor: dict[str, Any]
) -> None:
    internal = {"Authorization": "Bearer test-internal-token"}
    conversation = client.post("/api/v1/widget/conversations", json={"locale": "ne"}).json()["conversation_id"]
    body = {**CARE, "language": "ne", "conversation_id": conversation}
    assert client.post("/internal/v1/advice/requests", json=body).status_code == 401
    unknown = client.post("/internal/v1/advice/requests", json={**body, "conversation_id": "nope"}, headers=internal)
    assert unknown.status_code == 404
    assert (
        client.post("/internal/v1/advice/requests", json={**body, "consent": False}, headers=internal).status_code
        == 422
    )
    created = client.post("/internal/v1/advice/requests", json=body, headers=internal)
    assert created.status_code == 201, created.text
    case = created.json()
    with _service(client).db.session() as session:
        row = session.scalars(select(AdviceRequest).where(AdviceRequest.reference == case["reference"])).one()
        assert (row.channel, row.conversation_id) == ("widget", conversation)
    slot = _slot(client, advisor, hours=3)
    headers = {"X-Access-Code": case["access_code"]}
    assert (
        client.put(f"{URL}/{case['reference']}/booking", json={"slot_id": slot["id"]}, headers=headers).status_code
        == 200
    )
    assert _service(client).send_reminders() == {"chat": 1}
    with _service(client).db.session() as session:
        texts = session.scalars(select(Message.text).where(Message.conversation_id == conversation)).all()
    assert any(case["reference"] in text and "सम्झना" in text for text in texts)
