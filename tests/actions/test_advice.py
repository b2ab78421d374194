"""Career advice's actions (issue #17): the request, the booking, the status and the booking question's
left-over time, against rasa-sdk's own Tracker and CollectingDispatcher (runs in .venv-rasa)."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.api_client import ApiError
from actions.flow_forms import ASKED_SLOTS, ValidateAdviceBookingForm, ValidateAdviceForm
from actions.flow_results import ActionAdviceBook, ActionAdviceStatus, ActionAdviceSubmit, advice_key
from tests.actions.conftest import FakeApi, make_tracker
from tests.actions.flows_support import DOMAIN, run, slot_events, validate
from tests.chat_flows.answers import ADVICE_ANSWERS

ANSWERS = ADVICE_ANSWERS
REQUEST = "/internal/v1/flows/advice/request"
CREATED = {
    "reference": "ADV-ABCDEFGH",
    "free_slots": 1,
    "replies": [
        {"text": "Your suggested learning path\n1. ..."},
        {"text": "Reference: ADV-ABCDEFGH, access code: ••••-••••-••••"},
        {"text": "Choose a time now?", "buttons": [{"title": "Choose a time", "payload": "/book_advice"}]},
    ],
}


pytestmark = pytest.mark.usefixtures("no_pause")


def test_every_advice_question_has_its_ask_action() -> None:
    forms = ("advice_form", "advice_booking_form")
    asked = {slot for form in forms for slot in DOMAIN["forms"][form]["required_slots"]}
    assert asked <= set(ASKED_SLOTS)


def test_the_request_is_made_once_with_the_answers_and_relayed(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi(answers={REQUEST: CREATED})
    events = run(ActionAdviceSubmit(api), make_tracker("có", intent="affirm", slots=ANSWERS), dispatcher)
    assert api.paths() == [REQUEST]
    body = api.calls[0][1]
    assert body["conversation_id"] == "conv123" and body["slots"] == ANSWERS and body["language"] == "vi"
    key = api.headers[0]["Idempotency-Key"] if api.headers[0] else ""
    assert key.startswith("chat-advice-") and len(key) == len("chat-advice-") + 64
    assert [m["text"] for m in dispatcher.messages] == [r["text"] for r in CREATED["replies"]]
    assert dispatcher.messages[2]["buttons"][0]["payload"] == "/book_advice"
    # The answers are forgotten once the request holds them.
    assert set(slot_events(events)) == set(ANSWERS) and not any(slot_events(events).values())


def test_no_consent_sends_nothing(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi()
    tracker = make_tracker("no", intent="deny", slots={**ANSWERS, "advice_consent": False})
    events = run(ActionAdviceSubmit(api), tracker, dispatcher)
    assert api.calls == []
    assert dispatcher.messages[0]["response"] == "utter_advice_no_consent"
    assert not any(slot_events(events).values())


def test_a_lost_answer_is_retried_with_the_same_key(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi(answers={REQUEST: [ApiError("timeout"), ApiError("bad gateway", 502), CREATED]})
    run(ActionAdviceSubmit(api), make_tracker("yes", slots=ANSWERS), dispatcher)
    assert api.paths() == [REQUEST] * 3
    assert len({str(h) for h in api.headers}) == 1
    assert dispatcher.messages[0]["text"].startswith("Your suggested learning path")


def test_a_refused_request_is_not_retried_and_says_so(dispatcher: CollectingDispatcher) -> None:
    refused = ApiError("422", 422, [{"loc": ["body", "slots", "advice_goal"], "msg": "unknown"}])
    api = FakeApi(answers={REQUEST: [refused]})
    events = run(ActionAdviceSubmit(api), make_tracker("yes", slots=ANSWERS), dispatcher)
    assert api.paths() == [REQUEST]
    assert dispatcher.messages[0]["response"] == "utter_flow_unavailable"
    assert not any(slot_events(events).values())


def test_the_key_differs_per_run_of_the_form() -> None:
    first = make_tracker("yes", slots=ANSWERS)
    first.events.append({"event": "active_loop", "name": "advice_form", "timestamp": 1.0})
    again = make_tracker("yes", slots=ANSWERS)
    again.events.append({"event": "active_loop", "name": "advice_form", "timestamp": 2.0})
    assert advice_key(first) != advice_key(again)
    same = make_tracker("yes", slots=ANSWERS)
    same.events.append({"event": "active_loop", "name": "advice_form", "timestamp": 1.0})
    assert advice_key(first) == advice_key(same)
    other_answers = make_tracker("yes", slots={**ANSWERS, "advice_goal": "ssw2"})
    assert advice_key(make_tracker("yes", slots=ANSWERS)) != advice_key(other_answers)


def test_the_booking_is_relayed_and_the_time_forgotten(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi({"outcome": "booked", "replies": [{"text": "Booked: Aiko, 10:00 (Asia/Tokyo)"}]})
    events = run(ActionAdviceBook(api), make_tracker("2", slots={"advice_slot": "slot7"}), dispatcher)
    assert api.paths() == ["/internal/v1/flows/advice/book"]
    assert api.calls[0][1]["slots"] == {"advice_slot": "slot7"}
    assert dispatcher.messages[0]["text"].startswith("Booked")
    assert slot_events(events) == {"advice_slot": None}


def test_the_booking_when_the_api_is_down(dispatcher: CollectingDispatcher) -> None:
    events = run(ActionAdviceBook(FakeApi(fail=True)), make_tracker("2", slots={"advice_slot": "slot7"}), dispatcher)
    assert dispatcher.messages[0]["response"] == "utter_flow_unavailable"
    assert slot_events(events) == {"advice_slot": None}


def test_the_status_is_relayed(dispatcher: CollectingDispatcher) -> None:
    answer = {"outcome": "booked", "replies": [{"text": "ADV-ABCDEFGH: session booked", "buttons": []}]}
    api = FakeApi(answer)
    assert run(ActionAdviceStatus(api), make_tracker("/advice_status", intent="advice_status"), dispatcher) == []
    assert api.paths() == ["/internal/v1/flows/advice/status"]
    assert dispatcher.messages[0]["text"] == "ADV-ABCDEFGH: session booked"


def test_advice_answers_go_to_the_api(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi({"slots": {"advice_time_zone": "Asia/Kathmandu"}, "replies": [], "valid": True})
    tracker = make_tracker(
        "काठमाडौं",
        slots={"requested_slot": "advice_time_zone"},
        active_loop="advice_form",
        candidates={"advice_time_zone": "काठमाडौं"},
    )
    events = validate(ValidateAdviceForm(api), tracker, dispatcher)
    assert api.paths() == ["/internal/v1/flows/validate"]
    assert api.calls[0][1]["candidates"] == {"advice_time_zone": "काठमाडौं"}
    assert slot_events(events) == {"advice_time_zone": "Asia/Kathmandu"}


def test_a_time_left_from_an_earlier_booking_is_no_answer(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi()
    tracker = make_tracker(
        "/book_advice",
        intent="book_advice",
        slots={"requested_slot": None},
        active_loop="advice_booking_form",
        candidates={"advice_slot": "slot3"},
    )
    assert slot_events(validate(ValidateAdviceBookingForm(api), tracker, dispatcher)) == {"advice_slot": None}
    assert api.calls == []
