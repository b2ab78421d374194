"""What happens when a form is finished or left: the preview, the submitted application, the case
status, the HSP points, and the way out. Each clears the slots it no longer needs."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import FLOW_OF_FORM, clear, relay_replies
from actions.api_client import ApiClient, ApiError
from actions.flow_forms import flow_body, flow_slots, is_flow_slot, latest_intent

log = logging.getLogger(__name__)
# A lost answer to the submit is retried with the same Idempotency-Key: one case, the same code.
SUBMIT_ATTEMPTS = 3
RETRY_PAUSE_SECONDS = 0.5


class FlowAction(Action, ABC):
    def __init__(self, api: ApiClient | None = None) -> None:
        self.api = api or ApiClient()

    @abstractmethod
    def name(self) -> str: ...  # abstract, so rasa-sdk does not register this base class

    async def relay(self, dispatcher: CollectingDispatcher, path: str, body: dict[str, Any]) -> dict[str, Any] | None:
        try:
            answer = await self.api.post(path, body)
        except ApiError as exc:
            log.error("flow call failed path=%s status=%s", path.rsplit("/", 1)[-1], exc.status)
            dispatcher.utter_message(response="utter_flow_unavailable")
            return None
        relay_replies(dispatcher, [r for r in answer.get("replies") or [] if isinstance(r, dict)])
        return answer


class ActionFcePreview(FlowAction):
    """The instant preview, then the offer to apply; the api prefills the application's slots."""

    def name(self) -> str:
        return "action_fce_preview"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answer = await self.relay(dispatcher, "/internal/v1/flows/fce/preview", flow_body(tracker))
        if answer is None:
            return clear(tracker, "fce_")
        raw = answer.get("slots")
        slots: dict[str, Any] = raw if isinstance(raw, dict) else {}
        return [SlotSet(name, value) for name, value in slots.items() if is_flow_slot(str(name))]


def idempotency_key(conversation_id: str, submission_id: str) -> str:
    """Derived from the conversation and this application's id: a retried submit is the same case.
    Hashed, because the key also seals the replayed access code and must not be guessable."""
    return "chat-" + hashlib.sha256(f"{conversation_id}\x1f{submission_id}".encode()).hexdigest()


class ActionFceSubmit(FlowAction):
    """POST /internal/v1/fce/cases with the application the api assembled from the slots."""

    def name(self) -> str:
        return "action_fce_submit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("fce_consent") is False:
            dispatcher.utter_message(response="utter_fce_no_consent")
            return clear(tracker, "fce_")
        try:
            built = await self.api.post("/internal/v1/flows/fce/application", flow_body(tracker))
        except ApiError as exc:
            if exc.status == 422:
                # Nothing pending (e.g. "yes" after a case was already created): an ordinary turn.
                dispatcher.utter_message(response="utter_how_can_i_help")
                return []
            log.error("application could not be assembled status=%s", exc.status)
            dispatcher.utter_message(response="utter_fce_submit_failed")
            return []
        submission = tracker.get_slot("fce_submission_id")
        if not isinstance(submission, str) or not submission:
            submission = uuid.uuid4().hex  # the preview sets it; never submit without a key
        created = await self._create(built.get("application") or {}, idempotency_key(tracker.sender_id, submission))
        if created is None:
            dispatcher.utter_message(response="utter_fce_submit_failed")
            return [SlotSet("fce_submission_id", submission)]
        if created == {}:
            dispatcher.utter_message(response="utter_flow_unavailable")
            return clear(tracker, "fce_")
        response = "utter_fce_submitted_interview" if built.get("interview") else "utter_fce_submitted"
        dispatcher.utter_message(
            response=response, reference=str(created.get("reference")), access_code=str(created.get("access_code"))
        )
        log.info("evaluation case created from chat interview=%s", bool(built.get("interview")))
        return clear(tracker, "fce_")

    async def _create(self, application: dict[str, Any], key: str) -> dict[str, Any] | None:
        """The created case; None when worth trying again later (unreachable, 5xx); {} when refused (4xx)."""
        for attempt in range(SUBMIT_ATTEMPTS):
            try:
                return await self.api.post(
                    "/internal/v1/fce/cases", application, headers={"Idempotency-Key": key}, expect=(200, 201)
                )
            except ApiError as exc:
                if exc.status is not None and exc.status < 500:
                    log.error("case refused status=%s detail=%s", exc.status, _locations(exc.detail))
                    return {}
                log.warning("case submit attempt=%d failed status=%s", attempt + 1, exc.status)
                await asyncio.sleep(RETRY_PAUSE_SECONDS * (attempt + 1))
        return None


def _locations(detail: Any) -> list[Any]:
    """Which fields a 422 names, without the values (they are personal data)."""
    if not isinstance(detail, list):
        return []
    return [item.get("loc") for item in detail if isinstance(item, dict)]


class ActionCaseStatus(FlowAction):
    """The status of a case. The access code is the message just typed; it is sent once and not kept."""

    def name(self) -> str:
        return "action_case_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        # The code typed alone, or inside the message that started the form (the api finds it there).
        code = str((tracker.latest_message or {}).get("text") or "")[:500]
        reference = str(tracker.get_slot("case_reference") or "")[:64]
        if tracker.get_slot("case_access_code") and code and reference:
            body = flow_body(tracker, reference=reference, access_code=code)
            answer = await self.relay(dispatcher, "/internal/v1/flows/case-status", body)
            if answer is not None:
                log.info("case status checked outcome=%s", answer.get("outcome"))
        else:
            dispatcher.utter_message(response="utter_flow_unavailable")
        return clear(tracker, "case_")


class ActionPointsResult(FlowAction):
    def name(self) -> str:
        return "action_points_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        await self.relay(dispatcher, "/internal/v1/flows/points", flow_body(tracker))
        return clear(tracker, FLOW_OF_FORM["points_form"])


class ActionPathwayResult(FlowAction):
    """The pathway self-check's result. When HSP nearly fits the api adds the offer to calculate the
    points, and pathway_mode is set to "points": the rule for the offer's "yes" starts points_form."""

    def name(self) -> str:
        return "action_pathway_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answer = await self.relay(dispatcher, "/internal/v1/flows/pathways", flow_body(tracker))
        events = clear(tracker, "pathway_")
        result = (answer or {}).get("result")
        if isinstance(result, dict) and result.get("offer_points") is True:
            events.append(SlotSet("pathway_mode", "points"))
        return events


class ActionFlowStop(Action):
    """Leaves the running form politely and forgets its answers. Silent when the way out was a request
    for a person: the handoff that follows speaks for itself, and takes the answers with it so that
    "Back to the bot" can resume the form (action_request_human clears them once they are handed over)."""

    def name(self) -> str:
        return "action_flow_stop"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent, _confidence = latest_intent(tracker)
        if intent != "request_human":
            dispatcher.utter_message(response="utter_flow_stopped")
        prefix = FLOW_OF_FORM.get(tracker.active_loop_name or "", "")
        events = [ActiveLoop(None), SlotSet("requested_slot", None)]
        if intent == "request_human":
            return events
        return events + (clear(tracker, prefix) if prefix else [])


def advice_key(tracker: Tracker) -> str:
    """The advice request's Idempotency-Key: this conversation, this run of the form (when it was
    activated) and its answers. A retried submit is the same request; a new run is a new one."""
    started = next(
        (
            str(event.get("timestamp"))
            for event in reversed(tracker.events)
            if isinstance(event, dict) and event.get("event") == "active_loop" and event.get("name") == "advice_form"
        ),
        "",
    )
    answers = json.dumps(flow_slots(tracker), sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(f"{tracker.sender_id}\x1f{started}\x1f{answers}".encode()).hexdigest()
    return f"chat-advice-{digest}"


class ActionAdviceSubmit(FlowAction):
    """The finished advice_form becomes a request (POST /internal/v1/flows/advice/request, the web's
    AdviceService): the api shows the learning path, the reference and the offer to choose a time."""

    def name(self) -> str:
        return "action_advice_submit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("advice_consent") is False:
            dispatcher.utter_message(response="utter_advice_no_consent")
            return clear(tracker, "advice_")
        key = advice_key(tracker)
        for attempt in range(SUBMIT_ATTEMPTS):
            try:
                answer = await self.api.post(
                    "/internal/v1/flows/advice/request", flow_body(tracker), headers={"Idempotency-Key": key}
                )
            except ApiError as exc:
                if exc.status is not None and exc.status < 500:
                    log.error("advice request refused status=%s detail=%s", exc.status, _locations(exc.detail))
                    break
                log.warning("advice request attempt=%d failed status=%s", attempt + 1, exc.status)
                await asyncio.sleep(RETRY_PAUSE_SECONDS * (attempt + 1))
                continue
            relay_replies(dispatcher, [r for r in answer.get("replies") or [] if isinstance(r, dict)])
            log.info("advice request created from chat")
            return clear(tracker, "advice_")
        dispatcher.utter_message(response="utter_flow_unavailable")
        return clear(tracker, "advice_")


class ActionAdviceBook(FlowAction):
    """Book the time the advice_booking_form chose; the api confirms it, or says it was just taken."""

    def name(self) -> str:
        return "action_advice_book"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answer = await self.relay(dispatcher, "/internal/v1/flows/advice/book", flow_body(tracker))
        if answer is not None:
            log.info("advice booking outcome=%s", answer.get("outcome"))
        return clear(tracker, "advice_slot")


class ActionAdviceStatus(FlowAction):
    """ "How is my advice request?": this conversation's latest request, its session and path."""

    def name(self) -> str:
        return "action_advice_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        await self.relay(dispatcher, "/internal/v1/flows/advice/status", flow_body(tracker))
        return []
