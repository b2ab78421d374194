"""Custom actions. Thin on purpose: the api owns data and rendering; actions relay."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api_client import ApiClient, ApiError

log = logging.getLogger(__name__)


def relay_replies(dispatcher: CollectingDispatcher, replies: list[dict[str, Any]]) -> None:
    """Pass api-rendered replies on; sources travel in the custom payload the api reads back."""
    for reply in replies:
        text = str(reply.get("text") or "")
        buttons = [b for b in reply.get("buttons") or [] if isinstance(b, dict)]
        sources = [s for s in reply.get("sources") or [] if isinstance(s, dict)]
        if sources:
            dispatcher.utter_message(
                json_message={"kakehashi_reply": {"text": text, "buttons": buttons, "sources": sources}}
            )
        else:
            dispatcher.utter_message(text=text, buttons=buttons)


async def ask_api(
    api: ApiClient, dispatcher: CollectingDispatcher, path: str, body: dict[str, Any], fallback: str
) -> None:
    """Call the api and relay its rendered replies; when it fails, the `fallback` response apologises."""
    try:
        answer = await api.post(path, body)
    except ApiError as exc:
        log.error("api call %s failed: %s", path.split("/")[3], exc)
        dispatcher.utter_message(response=fallback)
        return
    relay_replies(dispatcher, [r for r in answer.get("replies") or [] if isinstance(r, dict)])


class ActionAnswerGuidance(Action):
    """ask_guidance and the answer buttons (ask_topic, more_detail, feedback).

    The api searches the knowledge base and renders the answer in the conversation's language.
    """

    def __init__(self, api: ApiClient | None = None) -> None:
        self.api = api or ApiClient()

    def name(self) -> str:
        return "action_answer_guidance"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        message = tracker.latest_message or {}
        intent = message.get("intent") or {}
        # Button payloads (/ask_topic{"topic_id": ...}) arrive as entities; the api validates them.
        entities = {
            str(e.get("entity")): e.get("value")
            for e in message.get("entities") or []
            if isinstance(e, dict) and e.get("entity") in ("topic_id", "answer_id", "value")
        }
        body = {
            "conversation_id": tracker.sender_id,
            "text": message.get("text") or "",
            "intent": intent.get("name") or "ask_guidance",
            "entities": entities,
            "intent_confidence": intent.get("confidence"),
        }
        await ask_api(self.api, dispatcher, "/internal/v1/guidance/answer", body, "utter_guidance_unavailable")
        return []


# The flow slots each form keeps (a points form started from the mode question keeps that answer).
FLOW_OF_FORM: dict[str, str | tuple[str, ...]] = {
    "fce_preview_form": "fce_",
    "fce_application_form": "fce_",
    "case_status_form": "case_",
    # pathway_mode chose the points: forgotten with them.
    "points_form": ("points_", "pathway_mode"),
    "pathway_mode_form": "pathway_",
    "pathway_form": "pathway_",
    "advice_form": "advice_",
    "advice_booking_form": "advice_slot",
}


def clear(tracker: Tracker, prefix: str | tuple[str, ...]) -> list[dict[str, Any]]:
    names = [name for name, value in tracker.slots.items() if name.startswith(prefix) and value is not None]
    return [SlotSet(name, None) for name in names]


def paused_form(tracker: Tracker) -> tuple[str, dict[str, Any]] | None:
    """The form a request for a person left in this very turn, with the answers it had: the api keeps
    them with the handoff, so "Back to the bot" resumes the form at its pending question (#20 defect 2)."""
    stopped = False
    for event in reversed(tracker.events):
        if not isinstance(event, dict) or event.get("event") == "user":
            break
        stopped = stopped or (event.get("event") == "action" and event.get("name") == "action_flow_stop")
    if not stopped:
        return None
    form = next(
        (
            str(event["name"])
            for event in reversed(tracker.events)
            if isinstance(event, dict) and event.get("event") == "active_loop" and event.get("name")
        ),
        None,
    )
    if form not in FLOW_OF_FORM:
        return None
    prefix = FLOW_OF_FORM[form]
    answers = {name: value for name, value in tracker.slots.items() if name.startswith(prefix) and value is not None}
    return form, answers


class ActionRequestHuman(Action):
    """request_human (typed in any language, or the "Talk to an advisor" button).

    The api moves the conversation to the advisors' queue and says what happens next in the
    user's language; the bot stops answering until an advisor hands the conversation back.
    """

    def __init__(self, api: ApiClient | None = None) -> None:
        self.api = api or ApiClient()

    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intents = [
            str(((event.get("parse_data") or {}).get("intent") or {}).get("name"))
            for event in tracker.events
            if isinstance(event, dict) and event.get("event") == "user"
        ]
        body: dict[str, Any] = {"reason": "request_human", "intents": [i for i in intents if i and i != "None"][-5:]}
        paused = paused_form(tracker)
        if paused is not None:
            body.update(form=paused[0], slots=paused[1])
        path = f"/internal/v1/conversations/{tracker.sender_id}/handoff"
        await ask_api(self.api, dispatcher, path, body, "utter_human_unavailable")
        # The answers now live with the handoff; the bot keeps none of them meanwhile.
        return clear(tracker, FLOW_OF_FORM[paused[0]]) if paused is not None else []
