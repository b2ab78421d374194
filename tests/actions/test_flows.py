"""The chat flows' actions against rasa-sdk's own Tracker and CollectingDispatcher (runs in .venv-rasa)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions.api_client import ApiError
from actions.flow_forms import (
    ASK_ACTIONS,
    ValidateCaseStatusForm,
    ValidateFceApplicationForm,
    ValidatePathwayForm,
    ValidatePathwayModeForm,
    ValidatePointsForm,
)
from actions.flow_results import (
    ActionCaseStatus,
    ActionFcePreview,
    ActionFceSubmit,
    ActionFlowStop,
    ActionPathwayResult,
    ActionPointsResult,
    idempotency_key,
)
from tests.actions.conftest import FakeApi, make_tracker
from tests.actions.flows_support import DOMAIN, run, slot_events

APPLICATION = {"conversation_id": "conv123", "name": "An", "documents": "all"}


pytestmark = pytest.mark.usefixtures("no_pause")


def test_every_action_the_domain_names_is_registered() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(DOMAIN["actions"]) <= set(executor.actions)


def test_a_question_is_rendered_by_the_api(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi({"replies": [{"text": "Bạn bao nhiêu tuổi?", "buttons": [{"title": "Hủy", "payload": "/stop"}]}]})
    ask = next(cls for cls in ASK_ACTIONS if cls.slot == "points_age")(api)  # type: ignore[attr-defined]
    assert ask.name() == "action_ask_points_age"
    run(ask, make_tracker("", slots={"points_category": "b", "case_reference": None}), dispatcher)
    path, body = api.calls[0]
    assert path == "/internal/v1/flows/ask"
    assert body == {
        "conversation_id": "conv123",
        "language": "vi",
        "slots": {"points_category": "b"},
        "slot": "points_age",
    }
    assert dispatcher.messages[0]["text"] == "Bạn bao nhiêu tuổi?"
    assert dispatcher.messages[0]["buttons"] == [{"title": "Hủy", "payload": "/stop"}]


def test_a_question_when_the_api_is_down(dispatcher: CollectingDispatcher) -> None:
    ask = next(cls for cls in ASK_ACTIONS if cls.slot == "fce_country")(FakeApi(fail=True))  # type: ignore[attr-defined]
    assert run(ask, make_tracker(""), dispatcher) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_flow_unavailable"]


def test_answers_go_to_the_api_and_its_values_come_back(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi({"slots": {"points_salary": 4_500_000}, "replies": [], "valid": True})
    tracker = make_tracker(
        "450万",
        intent="nlu_fallback",
        slots={"points_age": 30, "requested_slot": "points_salary"},
        active_loop="points_form",
        candidates={"points_salary": "450万"},
    )
    events = run(ValidatePointsForm(api), tracker, dispatcher)
    path, body = api.calls[0]
    assert path == "/internal/v1/flows/validate"
    assert body["candidates"] == {"points_salary": "450万"} and body["slots"] == {"points_age": 30}
    assert body["requested_slot"] == "points_salary" and body["text"] == "450万" and body["intent"] == "nlu_fallback"
    assert slot_events(events) == {"points_salary": 4_500_000}


def test_a_reask_is_relayed_and_the_answer_dropped(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi(
        {"slots": {"points_age": None}, "replies": [{"text": "Idade não pode ser negativa."}], "valid": False}
    )
    tracker = make_tracker(
        "-3", slots={"requested_slot": "points_age"}, active_loop="points_form", candidates={"points_age": "-3"}
    )
    events = run(ValidatePointsForm(api), tracker, dispatcher)
    assert slot_events(events) == {"points_age": None}
    assert dispatcher.messages[0]["text"] == "Idade não pode ser negativa."


def test_a_question_answered_mid_form_keeps_its_sources(dispatcher: CollectingDispatcher) -> None:
    source = {"topic_id": "visa.coe", "title": "COE", "url": "/kb/en/visa.coe"}
    api = FakeApi({"slots": {"fce_name": None}, "replies": [{"text": "A COE is…", "sources": [source]}]})
    tracker = make_tracker(
        "what is a COE?",
        slots={"requested_slot": "fce_name"},
        active_loop="fce_application_form",
        candidates={"fce_name": "what is a COE?"},
    )
    events = run(ValidateFceApplicationForm(api), tracker, dispatcher)
    assert slot_events(events) == {"fce_name": None}
    assert dispatcher.messages[0]["custom"]["kakehashi_reply"]["sources"] == [source]


def test_nothing_is_accepted_unchecked_when_the_api_is_down(dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker("VN", active_loop="fce_application_form", candidates={"fce_residence": "VN"})
    events = run(ValidateFceApplicationForm(FakeApi(fail=True)), tracker, dispatcher)
    assert slot_events(events) == {"fce_residence": None}


def test_slots_of_other_forms_are_not_validated_here(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi()
    tracker = make_tracker("x", active_loop="points_form", candidates={"fce_name": "x"})
    assert run(ValidatePointsForm(api), tracker, dispatcher) == []
    assert api.calls == []


def _code_tracker(text: str, intent: str = "nlu_fallback") -> Any:
    return make_tracker(
        text,
        intent=intent,
        slots={"requested_slot": "case_access_code", "case_reference": "FCE-2026-000001"},
        active_loop="case_status_form",
        candidates={},
    )


def test_the_access_code_is_checked_but_never_kept(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi({"slots": {"case_access_code": "given"}, "replies": []})
    tracker = _code_tracker("ABCD-EFGH-JKMN")
    tracker.events.append({"event": "action", "name": "case_status_form"})
    events = run(ValidateCaseStatusForm(api), tracker, dispatcher)
    assert api.calls[0][1]["candidates"] == {"case_access_code": "ABCD-EFGH-JKMN"}
    assert slot_events(events) == {"case_access_code": "given"}
    assert "ABCD" not in str(events)


def test_another_button_at_the_access_code_is_not_an_answer(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi()
    tracker = _code_tracker('/choose{"value": "points_age:30"}', intent="choose")
    tracker.events.append({"event": "action", "name": "case_status_form"})
    assert run(ValidateCaseStatusForm(api), tracker, dispatcher) == []
    assert api.calls == []  # so the form rejects and the rule for that button runs


def test_preview_sets_what_the_api_prefilled(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi(
        {"replies": [{"text": "Tương đương Cử nhân"}], "slots": {"fce_cred_country": "VN", "fce_country": None}}
    )
    events = run(ActionFcePreview(api), make_tracker("", slots={"fce_country": "VN"}), dispatcher)
    assert slot_events(events) == {"fce_cred_country": "VN", "fce_country": None}
    assert dispatcher.messages[0]["text"] == "Tương đương Cử nhân"


FILLED = {"fce_name": "An", "fce_consent": True, "fce_submission_id": "s1", "fce_documents": "all"}


def test_submit_creates_one_case_and_shows_the_code_once(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi(
        answers={
            "/internal/v1/flows/fce/application": {"application": APPLICATION, "interview": False},
            "/internal/v1/fce/cases": {
                "reference": "FCE-2026-000007",
                "access_code": "ABCD-EFGH-JKMN",
                "status": "submitted",
            },
        }
    )
    events = run(ActionFceSubmit(api), make_tracker("yes", slots=FILLED), dispatcher)
    assert api.paths() == ["/internal/v1/flows/fce/application", "/internal/v1/fce/cases"]
    assert api.calls[1][1] == APPLICATION
    assert api.headers[1] == {"Idempotency-Key": idempotency_key("conv123", "s1")}
    message = dispatcher.messages[0]
    assert message["response"] == "utter_fce_submitted"
    assert message["reference"] == "FCE-2026-000007" and message["access_code"] == "ABCD-EFGH-JKMN"
    assert set(slot_events(events)) == set(FILLED) and not any(slot_events(events).values())


def test_submit_without_documents_says_the_interview_follows(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi(
        answers={
            "/internal/v1/flows/fce/application": {"application": APPLICATION, "interview": True},
            "/internal/v1/fce/cases": {"reference": "FCE-2026-000008", "access_code": "X", "status": "submitted"},
        }
    )
    run(ActionFceSubmit(api), make_tracker("yes", slots=FILLED), dispatcher)
    assert dispatcher.messages[0]["response"] == "utter_fce_submitted_interview"


def test_a_lost_answer_is_retried_with_the_same_key(dispatcher: CollectingDispatcher) -> None:
    created = {"reference": "FCE-2026-000009", "access_code": "C", "status": "submitted"}
    api = FakeApi(
        answers={
            "/internal/v1/flows/fce/application": {"application": APPLICATION},
            "/internal/v1/fce/cases": [ApiError("timeout"), ApiError("bad gateway", 502), created],
        }
    )
    run(ActionFceSubmit(api), make_tracker("yes", slots=FILLED), dispatcher)
    keys = [h["Idempotency-Key"] for h in api.headers if h]
    assert len(keys) == 3 and len(set(keys)) == 1
    assert dispatcher.messages[0]["response"] == "utter_fce_submitted"


def test_submit_failure_keeps_the_answers_for_try_again(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi(
        answers={
            "/internal/v1/flows/fce/application": {"application": APPLICATION},
            "/internal/v1/fce/cases": [ApiError("down"), ApiError("down"), ApiError("down")],
        }
    )
    events = run(ActionFceSubmit(api), make_tracker("yes", slots=FILLED), dispatcher)
    assert [m["response"] for m in dispatcher.messages] == ["utter_fce_submit_failed"]
    assert slot_events(events) == {"fce_submission_id": "s1"}


def test_a_refused_submit_is_not_retried(dispatcher: CollectingDispatcher) -> None:
    refusal = ApiError("422", 422, [{"loc": ["body", "name"], "msg": "x", "type": "value_error"}])
    api = FakeApi(
        answers={
            "/internal/v1/flows/fce/application": {"application": APPLICATION},
            "/internal/v1/fce/cases": [refusal],
        }
    )
    events = run(ActionFceSubmit(api), make_tracker("yes", slots=FILLED), dispatcher)
    assert api.paths().count("/internal/v1/fce/cases") == 1
    assert [m["response"] for m in dispatcher.messages] == ["utter_flow_unavailable"]
    assert not any(slot_events(events).values())


def test_no_consent_submits_nothing(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi()
    events = run(ActionFceSubmit(api), make_tracker("no", slots={**FILLED, "fce_consent": False}), dispatcher)
    assert api.calls == [] and [m["response"] for m in dispatcher.messages] == ["utter_fce_no_consent"]
    assert not any(slot_events(events).values())


def test_yes_with_nothing_pending_is_an_ordinary_turn(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi(answers={"/internal/v1/flows/fce/application": ApiError("incomplete", 422)})
    assert run(ActionFceSubmit(api), make_tracker("yes"), dispatcher) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_how_can_i_help"]


def test_idempotency_key_is_per_conversation_and_application() -> None:
    key = idempotency_key("conv123", "s1")
    assert key == idempotency_key("conv123", "s1") and key.startswith("chat-") and 16 <= len(key) <= 128
    assert key != idempotency_key("conv123", "s2") and key != idempotency_key("conv999", "s1")


def test_case_status_sends_the_code_once_and_forgets_the_case(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi({"outcome": "found", "replies": [{"text": "Hồ sơ FCE-2026-000001: đã tiếp nhận"}]})
    tracker = make_tracker("abcd efgh jkmn", slots={"case_reference": "FCE-2026-000001", "case_access_code": "given"})
    events = run(ActionCaseStatus(api), tracker, dispatcher)
    body = api.calls[0][1]
    assert body["reference"] == "FCE-2026-000001" and body["access_code"] == "abcd efgh jkmn"
    assert slot_events(events) == {"case_reference": None, "case_access_code": None}
    assert dispatcher.messages[0]["text"].startswith("Hồ sơ")


def test_points_result_is_relayed_and_the_answers_cleared(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi({"replies": [{"text": "Your estimate: 75 points"}], "result": {"total": 75}})
    events = run(ActionPointsResult(api), make_tracker("", slots={"points_age": 30, "fce_name": "An"}), dispatcher)
    assert api.calls[0][0] == "/internal/v1/flows/points"
    assert slot_events(events) == {"points_age": None}


def test_stop_leaves_the_form_and_forgets_only_its_answers(dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker("dừng", intent="stop", slots={"points_age": 30, "fce_name": "An"}, active_loop="points_form")
    events = run(ActionFlowStop(), tracker, dispatcher)
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]
    assert slot_events(events) == {"requested_slot": None, "points_age": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_flow_stopped"]


def test_stop_for_a_person_is_silent(dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker("talk to a human", intent="request_human", active_loop="case_status_form")
    run(ActionFlowStop(), tracker, dispatcher)
    assert dispatcher.messages == []


def test_no_typed_text_is_logged(dispatcher: CollectingDispatcher, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="actions")
    secret = "Nguyễn Văn Secret"
    tracker = make_tracker(secret, active_loop="fce_application_form", candidates={"fce_name": secret})
    run(ValidateFceApplicationForm(FakeApi(fail=True)), tracker, dispatcher)
    refusal = ApiError("422", 422, [{"loc": ["body", "name"], "msg": secret, "input": secret}])
    api = FakeApi(
        answers={
            "/internal/v1/flows/fce/application": {"application": APPLICATION},
            "/internal/v1/fce/cases": [refusal],
        }
    )
    run(ActionFceSubmit(api), make_tracker(secret, slots=FILLED), dispatcher)
    assert caplog.records and secret not in caplog.text


def test_a_way_out_rejects_the_form_so_the_rule_leaves_it(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi({"slots": {"fce_name": None}, "replies": [], "valid": False, "exit": True})
    tracker = make_tracker(
        "dừng", intent="stop", slots={"requested_slot": "fce_name"}, active_loop="fce_application_form",
        candidates={"fce_name": "dừng"},
    )  # fmt: skip
    events = run(ValidateFceApplicationForm(api), tracker, dispatcher)
    assert slot_events(events) == {"fce_name": None}
    assert {"event": "action_execution_rejected", "name": "fce_application_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]
    assert dispatcher.messages == []


def test_a_typed_stop_at_the_access_code_goes_to_the_api(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi({"slots": {"case_access_code": None}, "replies": [], "exit": True})
    tracker = _code_tracker("रोक्नुहोस्", intent="stop")
    tracker.events.append({"event": "action", "name": "case_status_form"})
    events = run(ValidateCaseStatusForm(api), tracker, dispatcher)
    assert api.calls[0][1]["candidates"] == {"case_access_code": "रोक्नुहोस्"}
    assert any(e.get("event") == "action_execution_rejected" for e in events)


# -- The pathway self-check (issue #7). --

PATHWAY = {"pathway_mode": "check", "pathway_edu_level": "bachelor", "pathway_age": 29, "points_age": None}


def test_every_pathway_question_has_its_ask_action() -> None:
    slots = {cls.slot for cls in ASK_ACTIONS}  # type: ignore[attr-defined]
    assert {"pathway_mode", *DOMAIN["forms"]["pathway_form"]["required_slots"]} <= slots


def test_the_choice_of_check_goes_to_the_api(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi({"slots": {"pathway_mode": "check"}, "replies": [], "valid": True})
    tracker = make_tracker(
        '/choose{"value": "pathway_mode:check"}',
        intent="choose",
        slots={"requested_slot": "pathway_mode"},
        active_loop="pathway_mode_form",
        candidates={"pathway_mode": "pathway_mode:check"},
    )
    events = run(ValidatePathwayModeForm(api), tracker, dispatcher)
    assert api.calls[0][1]["candidates"] == {"pathway_mode": "pathway_mode:check"}
    assert slot_events(events) == {"pathway_mode": "check"}


def test_a_choice_left_from_an_earlier_offer_is_asked_again(dispatcher: CollectingDispatcher) -> None:
    """points_check after an ignored offer: pathway_mode still says "points", but the question is asked."""
    api = FakeApi()
    tracker = make_tracker(
        "calculate my hsp points",
        intent="points_check",
        active_loop="pathway_mode_form",
        candidates={"pathway_mode": "points"},
    )
    events = run(ValidatePathwayModeForm(api), tracker, dispatcher)
    assert slot_events(events) == {"pathway_mode": None}
    assert api.calls == []


def test_pathway_answers_carry_the_api_s_extra_values(dispatcher: CollectingDispatcher) -> None:
    """ "No job offer" also answers the salary question: the api says so, the action sets both."""
    api = FakeApi({"slots": {"pathway_job_field": "none", "pathway_salary": "-"}, "replies": [], "valid": True})
    tracker = make_tracker(
        "chưa có",
        intent="deny",
        slots={**PATHWAY, "requested_slot": "pathway_job_field"},
        active_loop="pathway_form",
        candidates={"pathway_job_field": "chưa có"},
    )
    events = run(ValidatePathwayForm(api), tracker, dispatcher)
    body = api.calls[0][1]
    assert body["slots"] == {"pathway_mode": "check", "pathway_edu_level": "bachelor", "pathway_age": 29}
    assert body["candidates"] == {"pathway_job_field": "chưa có"} and body["intent"] == "deny"
    assert slot_events(events) == {"pathway_job_field": "none", "pathway_salary": "-"}


def test_pathway_result_is_relayed_and_the_answers_cleared(dispatcher: CollectingDispatcher) -> None:
    result = {"fits": ["engineer_humanities"], "nearly": ["student"], "no": [], "offer_points": False}
    api = FakeApi({"replies": [{"text": "Based on your answers: …"}], "result": result})
    events = run(ActionPathwayResult(api), make_tracker("", slots={**PATHWAY, "fce_name": "An"}), dispatcher)
    assert api.calls[0][0] == "/internal/v1/flows/pathways"
    assert api.calls[0][1]["slots"]["pathway_edu_level"] == "bachelor"
    # Only the self-check's answers are forgotten.
    assert slot_events(events) == {"pathway_mode": None, "pathway_edu_level": None, "pathway_age": None}
    assert dispatcher.messages[0]["text"] == "Based on your answers: …"


def test_pathway_result_offering_the_points_sets_the_mode(dispatcher: CollectingDispatcher) -> None:
    offer = {"text": "HSP nearly fits. Calculate?", "buttons": [{"title": "Calculate", "payload": "/affirm"}]}
    api = FakeApi({"replies": [{"text": "…"}, offer], "result": {"nearly": ["hsp"], "offer_points": True}})
    events = run(ActionPathwayResult(api), make_tracker("", slots=PATHWAY), dispatcher)
    # Cleared first, then set: the rule for the offer's "yes" starts points_form.
    assert [e for e in events if e.get("name") == "pathway_mode"][-1]["value"] == "points"
    assert slot_events(events)["pathway_edu_level"] is None
    assert dispatcher.messages[1]["buttons"] == offer["buttons"]


def test_pathway_result_when_the_api_is_down(dispatcher: CollectingDispatcher) -> None:
    events = run(ActionPathwayResult(FakeApi(fail=True)), make_tracker("", slots=PATHWAY), dispatcher)
    assert [m["response"] for m in dispatcher.messages] == ["utter_flow_unavailable"]
    assert slot_events(events)["pathway_mode"] is None


def test_points_forget_the_choice_of_check(dispatcher: CollectingDispatcher) -> None:
    slots = {"points_age": 30, "pathway_mode": "points"}
    events = run(ActionPointsResult(FakeApi({"replies": []})), make_tracker("", slots=slots), dispatcher)
    assert slot_events(events) == {"points_age": None, "pathway_mode": None}
    stop = make_tracker("やめる", intent="stop", slots=slots, active_loop="points_form")
    assert slot_events(run(ActionFlowStop(), stop, dispatcher)) == {
        "requested_slot": None,
        "points_age": None,
        "pathway_mode": None,
    }


def test_stop_during_the_self_check_forgets_its_answers(dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker("/stop", intent="stop", slots={**PATHWAY, "fce_name": "An"}, active_loop="pathway_form")
    events = run(ActionFlowStop(), tracker, dispatcher)
    assert slot_events(events) == {
        "requested_slot": None,
        "pathway_mode": None,
        "pathway_edu_level": None,
        "pathway_age": None,
    }
    assert [m["response"] for m in dispatcher.messages] == ["utter_flow_stopped"]


def test_a_person_asked_for_mid_form_takes_the_answers_to_the_handoff(dispatcher: CollectingDispatcher) -> None:
    """#20 defect 2: "Back to the bot" dropped the form. The answers so far travel with the handoff
    (the api resumes the form from them) and the bot keeps none of them meanwhile."""
    from actions.actions import ActionRequestHuman

    answers = {"points_category": "b", "points_education": "master", "pathway_mode": "points"}
    tracker = make_tracker("talk to a human", intent="request_human", slots=answers, active_loop="points_form")
    stop_events = run(ActionFlowStop(), tracker, dispatcher)
    assert slot_events(stop_events) == {"requested_slot": None}  # the answers are not dropped yet
    # The tracker as action_request_human sees it: the form was deactivated by action_flow_stop.
    tracker.events = [
        {"event": "active_loop", "name": "points_form"},
        *tracker.events,
        {"event": "action", "name": "action_flow_stop"},
        {"event": "active_loop", "name": None},
    ]
    api = FakeApi({"replies": [{"text": "queued", "buttons": [{"title": "Back", "payload": "/cancel_handoff"}]}]})
    events = run(ActionRequestHuman(api), tracker, dispatcher)
    _path, body = api.calls[0]
    assert body["form"] == "points_form" and body["slots"] == answers
    assert slot_events(events) == dict.fromkeys(answers)


def test_a_person_asked_for_outside_a_form_carries_no_form(dispatcher: CollectingDispatcher) -> None:
    from actions.actions import ActionRequestHuman

    tracker = make_tracker("talk to a human", intent="request_human", slots={"points_age": 30})
    api = FakeApi({"replies": []})
    assert run(ActionRequestHuman(api), tracker, dispatcher) == []
    assert "form" not in api.calls[0][1]


def test_on_activation_the_starting_message_fills_the_form(dispatcher: CollectingDispatcher) -> None:
    """#20: "status of FCE-2026-000123 code ..." asked for the reference again."""
    from actions.flow_forms import ValidateCaseStatusForm

    api = FakeApi({"slots": {"case_reference": "FCE-2026-000123", "case_access_code": "given"}})
    tracker = make_tracker("status of FCE-2026-000123 ABCD-EFGH-JKMN", intent="check_case_status")
    tracker.events.append({"event": "active_loop", "name": "case_status_form"})
    events = asyncio.run(ValidateCaseStatusForm(api).get_validation_events(dispatcher, tracker, DOMAIN))
    path, body = api.calls[0]
    assert path == "/internal/v1/flows/prefill" and body["form"] == "case_status_form"
    assert slot_events(events) == {"case_reference": "FCE-2026-000123", "case_access_code": "given"}


def test_a_payload_that_started_the_form_is_read_by_the_api(dispatcher: CollectingDispatcher) -> None:
    from actions.flow_forms import ValidateCaseStatusForm

    api = FakeApi({"slots": {}})
    tracker = make_tracker("/check_case_status", intent="check_case_status")
    tracker.events.append({"event": "active_loop", "name": "case_status_form"})
    assert asyncio.run(ValidateCaseStatusForm(api).get_validation_events(dispatcher, tracker, DOMAIN)) == []
    assert api.calls[0][1]["text"] == "/check_case_status"


def test_no_prefill_once_the_form_runs(dispatcher: CollectingDispatcher) -> None:
    from actions.flow_forms import ValidateCaseStatusForm

    api = FakeApi({"slots": {"case_reference": "x"}})
    tracker = make_tracker("FCE-2026-000123", active_loop="case_status_form")
    assert asyncio.run(ValidateCaseStatusForm(api).get_validation_events(dispatcher, tracker, DOMAIN)) == []
    assert api.calls == []
