"""The forms' questions and answer checks (issues #4 and #7). Thin: the api renders every question
and owns every rule (/internal/v1/flows/ask and /validate); these actions carry slots to it and back.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, Optional

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecutionRejected, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import relay_replies
from actions.api_client import ApiClient, ApiError
from knowledge_base.languages import LANGUAGES

log = logging.getLogger(__name__)

FLOW_PREFIXES = ("fce_", "case_", "points_", "pathway_", "advice_")
# Messages that are never a form's answer: buttons of other kinds (bot/domain/ excludes them from
# the from_text mappings). A typed "stop" or "a person" is judged by the api with the question.
NOT_ANSWERS = frozenset({
    "choose", "set_language", "ask_topic", "more_detail", "feedback", "request_advice", "advice_status", "book_advice",
})  # fmt: skip


def is_flow_slot(name: str) -> bool:
    return name.startswith(FLOW_PREFIXES)


def flow_slots(tracker: Tracker, leave_out: Any = ()) -> dict[str, Any]:
    return {
        name: value
        for name, value in tracker.slots.items()
        if is_flow_slot(name) and value is not None and name not in leave_out
    }


def flow_body(tracker: Tracker, leave_out: Any = (), **extra: Any) -> dict[str, Any]:
    """What every flow call carries: the conversation, its mirrored language, the flow slots so far."""
    language = tracker.get_slot("language")
    return {
        "conversation_id": tracker.sender_id,
        "language": language if language in LANGUAGES else None,
        "slots": flow_slots(tracker, leave_out),
        **extra,
    }


def latest_intent(tracker: Tracker) -> tuple[Optional[str], Optional[float]]:
    intent = (tracker.latest_message or {}).get("intent") or {}
    confidence = intent.get("confidence")
    return intent.get("name"), float(confidence) if isinstance(confidence, (int, float)) else None


class AskSlot(Action, ABC):
    """action_ask_<slot>: the form's question, rendered by the api (buttons depend on data and channel)."""

    def __init__(self, api: ApiClient | None = None) -> None:
        self.api = api or ApiClient()

    @property
    @abstractmethod
    def slot(self) -> str: ...

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        try:
            answer = await self.api.post("/internal/v1/flows/ask", flow_body(tracker, slot=self.slot))
        except ApiError as exc:
            log.error("flow question failed slot=%s status=%s", self.slot, exc.status)
            dispatcher.utter_message(response="utter_flow_unavailable")
            return []
        relay_replies(dispatcher, [r for r in answer.get("replies") or [] if isinstance(r, dict)])
        return []


ASKED_SLOTS = (
    "fce_country", "fce_credential", "fce_name", "fce_contact", "fce_language", "fce_residence", "fce_nationality",
    "fce_purpose", "fce_cred_country", "fce_cred_id", "fce_cred_name", "fce_institution", "fce_field",
    "fce_start_year", "fce_end_year", "fce_instruction_language", "fce_documents", "fce_consent",
    "case_reference", "case_access_code",
    "points_category", "points_education", "points_experience", "points_salary", "points_age", "points_japanese",
    "points_jp_degree",
    "pathway_mode",
    "pathway_edu_level", "pathway_edu_country", "pathway_edu_field", "pathway_jp_grad", "pathway_age",
    "pathway_experience", "pathway_exp_field", "pathway_japanese", "pathway_ssw_test", "pathway_job_field",
    "pathway_salary",
    "advice_current", "advice_japanese", "advice_goal", "advice_field", "advice_education", "advice_qualification",
    "advice_time_zone", "advice_consent", "advice_slot",
)  # fmt: skip
# One registered action per question; rasa-sdk registers every concrete Action subclass.
ASK_ACTIONS = [type(f"AskSlot_{slot}", (AskSlot,), {"slot": slot, "__module__": __name__}) for slot in ASKED_SLOTS]


class FlowValidation(FormValidationAction, ABC):
    """validate_<form>: the answers Rasa extracted go to the api, which normalises them ("450万" →
    4500000), re-asks with the reason, or answers a question asked in the middle of the form."""

    def __init__(self, api: ApiClient | None = None) -> None:
        self.api = api or ApiClient()

    @abstractmethod
    def name(self) -> str: ...  # abstract, so rasa-sdk does not register this base class

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        form_slots = set(self.domain_slots(domain))
        candidates = {k: v for k, v in tracker.slots_to_validate().items() if k in form_slots}
        if not candidates and tracker.get_slot("requested_slot") is None and self.activated_now(tracker):
            return await self.prefill(tracker, form_slots)
        if not candidates:
            return []
        intent, confidence = latest_intent(tracker)
        body = flow_body(
            tracker,
            leave_out=candidates,
            candidates=candidates,
            requested_slot=tracker.get_slot("requested_slot"),
            text=str((tracker.latest_message or {}).get("text") or "")[:10_000],
            intent=intent,
            confidence=confidence,
        )
        try:
            answer = await self.api.post("/internal/v1/flows/validate", body)
        except ApiError as exc:
            # Nothing is accepted unchecked; the form asks again (and the question says if the api is down).
            log.error("flow check failed form=%s status=%s", self.form_name(), exc.status)
            return [SlotSet(name, None) for name in candidates]
        if answer.get("exit"):
            # Rejecting the form hands the turn to the rule for the intent (stop, request_human).
            return [SlotSet(name, None) for name in candidates] + [ActionExecutionRejected(self.form_name())]
        relay_replies(dispatcher, [r for r in answer.get("replies") or [] if isinstance(r, dict)])
        raw = answer.get("slots")
        checked: dict[str, Any] = raw if isinstance(raw, dict) else {}
        events = [SlotSet(name, value) for name, value in checked.items() if is_flow_slot(str(name))]
        # A candidate the api did not mention was not checked, so it is not kept.
        events += [SlotSet(name, None) for name in candidates if name not in checked]
        return events

    def activated_now(self, tracker: Tracker) -> bool:
        """The form was activated by the latest message (its active_loop event follows that message)."""
        for event in reversed(tracker.events):
            if not isinstance(event, dict) or event.get("event") == "user":
                return False
            if event.get("event") == "active_loop" and event.get("name") == self.form_name():
                return True
        return False

    async def prefill(self, tracker: Tracker, form_slots: set[str]) -> list[dict[str, Any]]:
        """On activation: what the message that started the form already says fills it (the api reads
        it: a country and a degree, a case reference and its code); nothing when it says nothing."""
        text = str((tracker.latest_message or {}).get("text") or "")
        if not text.strip():
            return []
        # A payload ("/start_fce") is sent as it is: the api reads the message it stands for.
        body = flow_body(tracker, form=self.form_name(), text=text[:10_000])
        try:
            answer = await self.api.post("/internal/v1/flows/prefill", body)
        except ApiError as exc:
            log.error("flow prefill failed form=%s status=%s", self.form_name(), exc.status)
            return []
        raw = answer.get("slots")
        filled: dict[str, Any] = raw if isinstance(raw, dict) else {}
        return [SlotSet(name, value) for name, value in filled.items() if name in form_slots and value is not None]


class ValidateFcePreviewForm(FlowValidation):
    def name(self) -> str:
        return "validate_fce_preview_form"


class ValidateFceApplicationForm(FlowValidation):
    def name(self) -> str:
        return "validate_fce_application_form"


class ValidatePointsForm(FlowValidation):
    def name(self) -> str:
        return "validate_points_form"


class ValidatePathwayModeForm(FlowValidation):
    """Which check: the HSP points or the pathway self-check. A value left from an earlier turn (the
    result's offer of the points) is no answer: on activation the question is always asked."""

    def name(self) -> str:
        return "validate_pathway_mode_form"

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("requested_slot") != "pathway_mode":
            return [SlotSet("pathway_mode", None)]
        return await super().get_validation_events(dispatcher, tracker, domain)


class ValidatePathwayForm(FlowValidation):
    def name(self) -> str:
        return "validate_pathway_form"


class ValidateAdviceForm(FlowValidation):
    def name(self) -> str:
        return "validate_advice_form"


class ValidateAdviceBookingForm(FlowValidation):
    """A session time. A time left from an earlier booking is no answer: the question is always asked
    (the free times change)."""

    def name(self) -> str:
        return "validate_advice_booking_form"

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("requested_slot") != "advice_slot":
            return [SlotSet("advice_slot", None)]
        return await super().get_validation_events(dispatcher, tracker, domain)


class ValidateCaseStatusForm(FlowValidation):
    def name(self) -> str:
        return "validate_case_status_form"

    async def extract_case_access_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        """The code is read here, not mapped from text: the api checks it and the slot only ever holds
        "given" (Rasa keeps slot events in the tracker store; the code must not be among them)."""
        if tracker.active_loop_name != self.form_name() or tracker.get_slot("requested_slot") != "case_access_code":
            return {}
        intent, _confidence = latest_intent(tracker)
        text = str((tracker.latest_message or {}).get("text") or "")
        if intent in NOT_ANSWERS or not text.strip():
            return {}
        return {"case_access_code": text[:10_000]}
