"""Career advice in the chat (issue #17 item 2): a typed request starts it in five languages, the
advice_form's questions and typed answers, the request made on the web's AdviceService (this chat as
its contact), the learning path, the booking of an advisor's time in the person's zone, and "my
appointment"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.advice.models import AdviceRequest
from api.advice.service import AdviceService
from api.chat_flows.slots import FORMS
from api.conversations import starts
from api.conversations.secrets import ISSUED, MASKED_CODE
from api.core.i18n import Catalogs
from knowledge_base.language import LANGUAGES
from tests.advisors.conftest import make_user
from tests.api.conftest import FakeRasa
from tests.api.test_starts import say, scripted
from tests.chat_flows.answers import ADVICE_ANSWERS

Flows = Callable[..., Any]
ANSWERS = ADVICE_ANSWERS
KEY = {"Idempotency-Key": "chat-advice-test-1"}


def _service(client: TestClient) -> AdviceService:
    service: AdviceService = client.app.state.services.advice  # type: ignore[attr-defined]
    return service


@pytest.fixture
def publish(client: TestClient) -> Callable[..., int]:
    advisor = make_user(client, "aiko@example.org", name="Aiko")

    def slot(hours: float, minutes: int = 45) -> int:
        starts_at = (datetime.now(UTC) + timedelta(hours=hours)).replace(minute=0, second=0, microsecond=0)
        response = client.post(
            "/api/v1/advice/slots",
            json={"starts_at": starts_at.isoformat(), "minutes": minutes},
            headers=advisor["headers"],
        )
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    return slot


def _request(flows: Flows, conversation_id: str, key: str = "k1", **change: Any) -> Any:
    body = {"conversation_id": conversation_id, "slots": {**ANSWERS, **change}}
    return flows("advice/request", body, headers={**INTERNAL, "Idempotency-Key": key})


INTERNAL = {"Authorization": "Bearer test-internal-token"}


# -- starting it ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("I would like career advice", "advice"),
        ("can you advise me on my career in Japan", "advice"),
        ("I want to book a session with an advisor", "advice"),
        ("キャリア相談をしたいです", "advice"),
        ("自分に合う学習経路を知りたい", "advice"),
        ("tôi muốn được tư vấn nghề nghiệp", "advice"),
        ("em muốn đặt lịch tư vấn", "advice"),
        ("मलाई करियर सल्लाह चाहियो", "advice"),
        ("सल्लाहकारसँग परामर्श बुक गर्न चाहन्छु", "advice"),
        ("quero orientação de carreira", "advice"),
        ("quero agendar uma sessão com um orientador", "advice"),
        ("how is my advice request?", "advice_status"),
        ("when is my appointment", "advice_status"),
        ("相談の予約を確認したい", "advice_status"),
        ("lịch hẹn của tôi khi nào?", "advice_status"),
        ("मेरो परामर्श कहिले छ?", "advice_status"),
        ("meu agendamento", "advice_status"),
        # Questions about learning paths and advice stay knowledge questions.
        ("what is a learning path?", None),
        ("what does the JQF ladder for nursing care look like", None),
        ("学習経路とは何ですか", None),
        ("lộ trình học là gì?", None),
        ("सिकाइ मार्ग भनेको के हो?", None),
        ("o que é uma trilha de aprendizagem?", None),
    ],
)
def test_a_typed_request_for_advice(client: TestClient, text: str, check: str | None) -> None:
    catalogs: Catalogs = client.app.state.services.catalogs  # type: ignore[attr-defined]
    assert starts.requested_check(text, catalogs) == check


def test_a_typed_request_starts_the_advice_form(client: TestClient, fake_rasa: FakeRasa) -> None:
    widget = client.post("/api/v1/widget/conversations", json={"locale": "en"}).json()
    widget["auth"] = f"Bearer {widget['token']}"
    sent = scripted(fake_rasa)
    say(client, widget, "I would like career advice")
    say(client, widget, "how is my advice request?")
    assert sent == ["/request_advice", "/advice_status"]


# -- the questions -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_question_in_every_language(flows: Flows, conversation_in: Callable[[str], str], language: str) -> None:
    conversation = conversation_in(language)
    for slot in FORMS["advice_form"]:
        body = {"conversation_id": conversation, "slot": slot, "slots": ANSWERS}
        response = flows("ask", body)
        assert response.status_code == 200, (slot, response.text)
        reply = response.json()["replies"][0]
        assert reply["text"] and "{" not in reply["text"] and "advice.chat" not in reply["text"], slot
        assert reply["buttons"][-1]["payload"] == "/stop", slot  # the way out, always last
        assert all(len(b["title"]) < 80 and "advice." not in b["title"] for b in reply["buttons"]), slot
    current = flows("ask", {"conversation_id": conversation, "slot": "advice_current", "slots": {}}).json()
    values = [b["payload"] for b in current["replies"][0]["buttons"]]
    assert "advice_current:abroad" in values[0] and "advice_current:other" in values[-2]


def test_the_time_zone_is_suggested_and_named(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    nepali = conversation_in("ne")
    in_japan = flows("ask", {"conversation_id": nepali, "slot": "advice_time_zone", "slots": ANSWERS}).json()
    assert "Asia/Tokyo (UTC+09:00)" in in_japan["replies"][0]["text"]
    abroad = {**ANSWERS, "advice_current": "abroad"}
    home = flows("ask", {"conversation_id": nepali, "slot": "advice_time_zone", "slots": abroad}).json()
    assert "Asia/Kathmandu (UTC+05:45)" in home["replies"][0]["text"]
    assert "advice_time_zone:Asia/Kathmandu" in home["replies"][0]["buttons"][0]["payload"]


def _validate(flows: Flows, conversation: str, slot: str, text: str, slots: dict[str, Any] | None = None) -> Any:
    body = {
        "conversation_id": conversation,
        "slots": slots or {},
        "candidates": {slot: text},
        "requested_slot": slot,
        "text": text,
        "intent": "out_of_scope",
        "confidence": 0.4,
    }
    response = flows("validate", body)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    ("language", "slot", "text", "expected"),
    [
        ("ja", "advice_current", "特定技能1号です", "ssw1"),
        ("vi", "advice_current", "tôi đang ở Việt Nam", "abroad"),
        ("ne", "advice_current", "विद्यार्थी", "student"),
        ("pt", "advice_current", "estou no exterior", "abroad"),
        ("en", "advice_current", "SSW 2", "ssw2"),
        ("ja", "advice_japanese", "N3に合格しました", "N3"),
        ("pt", "advice_japanese", "tenho o N2", "N2"),
        ("vi", "advice_japanese", "chưa có", "none"),
        ("en", "advice_japanese", "JFT-Basic", "N4"),
        ("ja", "advice_goal", "介護", "nursing_care"),
        ("vi", "advice_goal", "Kỹ năng đặc định số 2", "ssw2"),
        ("en", "advice_goal", "Highly Skilled Professional", "hsp"),
        ("en", "advice_field", "IT", "it"),
        ("pt", "advice_field", "ainda não decidi", "-"),
        ("vi", "advice_education", "cử nhân", "bachelor"),
        ("ja", "advice_education", "大学院", "master"),
        ("pt", "advice_education", "ensino médio", "upper_secondary"),
        ("ja", "advice_qualification", "介護福祉士", "kaigo_fukushishi"),
        ("en", "advice_qualification", "none", "none"),
        ("vi", "advice_time_zone", "Hà Nội", "Asia/Ho_Chi_Minh"),
        ("ne", "advice_time_zone", "नेपाल", "Asia/Kathmandu"),
        ("pt", "advice_time_zone", "Brasil", "America/Sao_Paulo"),
        ("en", "advice_time_zone", "UTC+7", "Etc/GMT-7"),
        ("ja", "advice_time_zone", "asia/tokyo", "Asia/Tokyo"),
        ("ja", "advice_consent", "はい", True),
        ("pt", "advice_consent", "não", False),
    ],
)
def test_typed_answers_in_every_language(
    flows: Flows, conversation_in: Callable[[str], str], language: str, slot: str, text: str, expected: Any
) -> None:
    verdict = _validate(flows, conversation_in(language), slot, text, {"advice_goal": "nursing_care"})
    assert verdict["valid"], verdict
    assert verdict["slots"][slot] == expected


@pytest.mark.parametrize(
    ("slot", "text"),
    [
        ("advice_current", "<script>alert(1)</script>"),
        ("advice_goal", "Atlantis"),
        ("advice_japanese", "' OR 1=1 --"),
        ("advice_time_zone", "United States"),  # several zones: the city is asked for
        ("advice_time_zone", "Europe/Atlantis"),
        ("advice_time_zone", "x" * 5000),
        ("advice_consent", "👍"),
        ("advice_qualification", "a black belt in karate"),
    ],
)
def test_unclear_or_hostile_answers_are_asked_again(
    flows: Flows, conversation_in: Callable[[str], str], slot: str, text: str
) -> None:
    verdict = _validate(flows, conversation_in("en"), slot, text, {"advice_goal": "nursing_care"})
    assert not verdict["valid"] and verdict["slots"][slot] is None
    assert verdict["replies"] and verdict["replies"][0]["text"]


def test_several_qualifications_typed_and_no_ladder_no_question(
    flows: Flows, conversation_in: Callable[[str], str]
) -> None:
    conversation = conversation_in("en")
    slots = {"advice_goal": "ssw2", "advice_field": "food_service"}
    text = "SSW (i) skills test food service, 調理師"
    verdict = _validate(flows, conversation, "advice_qualification", text, slots)
    assert verdict["valid"] and verdict["slots"]["advice_qualification"] == "ssw1_food_service_test,chorishi"
    # No field chosen and a goal no ladder leads to: the qualifications question is skipped.
    skipped = _validate(flows, conversation, "advice_field", "not decided", {"advice_goal": "hsp"})
    assert skipped["slots"] == {"advice_field": "-", "advice_qualification": "-"}


# -- the request, the path, the booking ------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_request_shows_its_path_and_offers_a_time(
    client: TestClient, flows: Flows, conversation_in: Callable[[str], str], publish: Callable[..., int], language: str
) -> None:
    publish(hours=72)
    conversation = conversation_in(language)
    response = _request(flows, conversation)
    assert response.status_code == 200, response.text
    body = response.json()
    path, created, offer = body["replies"]
    # SSW (i) nursing care → practical training → 介護福祉士 → the Nursing Care status (the web's path).
    assert "1." in path["text"] and "3." in path["text"] and "4." not in path["text"] and "{" not in path["text"]
    assert "JQF" in path["text"]  # each rung with its level
    assert "/nqf?lang=" in path["text"] and "#field-nursing_care" in path["text"]
    assert body["reference"] in created["text"] and MASKED_CODE in created["text"]
    assert [b["payload"] for b in offer["buttons"]] == ["/book_advice", "/deny"]
    # The code is delivered once by the api, never kept in clear.
    code = client.app.state.services.conversations.secrets.take(conversation, ISSUED)  # type: ignore[attr-defined]
    assert code is not None and len(code) == 14
    with client.app.state.services.db.session() as session:  # type: ignore[attr-defined]
        row = session.query(AdviceRequest).filter_by(reference=body["reference"]).one()
        assert (row.conversation_id, row.channel, row.language) == (conversation, "widget", language)
        assert (row.time_zone, row.goal_status, row.qualifications) == (
            "Asia/Ho_Chi_Minh",
            "nursing_care",
            ["upper_secondary", "ssw_care_tests"],
        )
    # A retried submit (same key) is the same request.
    assert _request(flows, conversation).json()["reference"] == body["reference"]


def test_no_free_time_says_so_and_offers_no_button(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    body = _request(flows, conversation_in("vi")).json()
    offer = body["replies"][-1]
    assert body["free_slots"] == 0 and offer.get("buttons", []) == [] and "/advice/status?lang=vi" in offer["text"]


@pytest.mark.parametrize(
    ("change", "slot"),
    [
        ({"advice_goal": None}, "advice_goal"),
        ({"advice_goal": "mars"}, "advice_goal"),
        ({"advice_time_zone": "Europe/Atlantis"}, "advice_time_zone"),
        ({"advice_consent": False}, "advice_consent"),
        ({"advice_qualification": "ssw_care_tests,black_belt"}, "advice_qualification"),
    ],
)
def test_malformed_answers_are_a_422_naming_the_slot(
    flows: Flows, conversation_in: Callable[[str], str], change: dict[str, Any], slot: str
) -> None:
    response = _request(flows, conversation_in("en"), **change)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "slots", slot]


def test_unknown_slots_and_conversations_are_refused(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    unknown_slot = flows("advice/request", {"conversation_id": conversation_in("en"), "slots": {"advice_pet": "cat"}})
    assert unknown_slot.status_code == 422 and "advice_pet" in str(unknown_slot.json()["detail"][0]["loc"])
    assert _request(flows, "no-such-conversation").status_code == 404
    assert flows("advice/request", {"conversation_id": "x", "slots": ANSWERS}, headers={}).status_code == 401


def _ask_slot(flows: Flows, conversation: str) -> dict[str, Any]:
    response = flows("ask", {"conversation_id": conversation, "slot": "advice_slot", "slots": {}})
    assert response.status_code == 200, response.text
    reply: dict[str, Any] = response.json()["replies"][0]
    return reply


def test_a_time_is_offered_in_the_persons_zone_and_booked_once(
    flows: Flows, conversation_in: Callable[[str], str], publish: Callable[..., int]
) -> None:
    first, second = publish(hours=48), publish(hours=96)
    conversation = conversation_in("pt")
    _request(flows, conversation, advice_time_zone="America/Sao_Paulo")
    question = _ask_slot(flows, conversation)
    assert "America/Sao_Paulo (UTC-03:00)" in question["text"]
    assert [b["payload"] for b in question["buttons"][:2]] == [
        f'/choose{{"value": "advice_slot:slot{first}"}}',
        f'/choose{{"value": "advice_slot:slot{second}"}}',
    ]
    # A typed "2" is the second time offered.
    verdict = _validate(flows, conversation, "advice_slot", "2")
    assert verdict["valid"] and verdict["slots"]["advice_slot"] == f"slot{second}"
    booked = flows("advice/book", {"conversation_id": conversation, "slots": {"advice_slot": f"slot{second}"}})
    assert booked.json()["outcome"] == "booked"
    text = booked.json()["replies"][0]["text"]
    assert "Aiko" in text and "America/Sao_Paulo" in text and "24" in text
    status = flows("advice/status", {"conversation_id": conversation, "slots": {}}).json()
    assert status["outcome"] == "booked" and "Aiko" in status["replies"][0]["text"]
    assert [b["payload"] for b in status["replies"][0]["buttons"]] == ["/book_advice"]  # change the time
    # Someone else is too late for that time; a time no longer offered is no answer.
    rival = conversation_in("ja")
    _request(flows, rival, key="k2")
    late = flows("advice/book", {"conversation_id": rival, "slots": {"advice_slot": f"slot{second}"}}).json()
    assert late["outcome"] == "taken" and late["replies"][0]["buttons"][0]["payload"] == "/book_advice"
    assert not _validate(flows, rival, "advice_slot", f"slot{second}")["valid"]


def test_the_last_free_time_taken_leaves_no_button(
    flows: Flows, conversation_in: Callable[[str], str], publish: Callable[..., int]
) -> None:
    only = publish(hours=30)
    winner, loser = conversation_in("en"), conversation_in("vi")
    _request(flows, winner, key="w")
    _request(flows, loser, key="l")
    assert (
        flows("advice/book", {"conversation_id": winner, "slots": {"advice_slot": f"slot{only}"}}).json()["outcome"]
        == "booked"
    )
    late = flows("advice/book", {"conversation_id": loser, "slots": {"advice_slot": f"slot{only}"}}).json()
    assert late["outcome"] == "taken" and late["replies"][0].get("buttons", []) == []
    question = _ask_slot(flows, loser)
    assert [b["payload"] for b in question["buttons"]] == ["/stop"]


@pytest.mark.parametrize("value", [None, "17", "slot0", "slot-1", "slot1; DROP TABLE advice_slots", "slot" + "9" * 12])
def test_a_malformed_time_is_a_422_naming_the_slot(
    flows: Flows, conversation_in: Callable[[str], str], value: str | None
) -> None:
    response = flows("advice/book", {"conversation_id": conversation_in("en"), "slots": {"advice_slot": value}})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "slots", "advice_slot"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_without_a_request_the_status_offers_to_ask(
    flows: Flows, conversation_in: Callable[[str], str], language: str
) -> None:
    conversation = conversation_in(language)
    status = flows("advice/status", {"conversation_id": conversation, "slots": {}}).json()
    assert status["outcome"] == "none"
    assert [b["payload"] for b in status["replies"][0]["buttons"]] == ["/request_advice"]
    booked = flows("advice/book", {"conversation_id": conversation, "slots": {"advice_slot": "slot1"}}).json()
    assert booked["outcome"] == "no_request"


def test_the_reminder_goes_to_the_chat_the_request_came_from(
    client: TestClient, flows: Flows, conversation_in: Callable[[str], str], publish: Callable[..., int]
) -> None:
    slot = publish(hours=5)
    conversation = conversation_in("vi")
    _request(flows, conversation)
    flows("advice/book", {"conversation_id": conversation, "slots": {"advice_slot": f"slot{slot}"}})
    assert _service(client).send_reminders() == {"chat": 1}
    history = client.app.state.services.conversations.history(conversation, limit=20)  # type: ignore[attr-defined]
    assert any("Asia/Ho_Chi_Minh" in str(m["text"]) for m in history if m["role"] == "system")
