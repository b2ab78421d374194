"""Custom actions against rasa-sdk's own Tracker and CollectingDispatcher (runs in .venv-rasa)."""

from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswerGuidance
from tests.actions.conftest import FakeApi, make_tracker


def run(action: ActionAnswerGuidance, dispatcher: CollectingDispatcher, text: str) -> list[dict[str, object]]:
    return asyncio.run(action.run(dispatcher, make_tracker(text), {}))


def test_guidance_asks_the_api_with_the_conversation(dispatcher: CollectingDispatcher) -> None:
    api = FakeApi({"replies": [{"text": "Tóm tắt", "buttons": [{"title": "Thêm", "payload": "/more"}]}]})
    events = run(ActionAnswerGuidance(api), dispatcher, "COE là gì vậy")
    assert events == []
    path, body = api.calls[0]
    assert path == "/internal/v1/guidance/answer"
    assert body["conversation_id"] == "conv123" and body["text"] == "COE là gì vậy"
    assert body["intent_confidence"] == 0.93
    assert dispatcher.messages[0]["text"] == "Tóm tắt"
    assert dispatcher.messages[0]["buttons"] == [{"title": "Thêm", "payload": "/more"}]


def test_sources_travel_in_one_custom_payload(dispatcher: CollectingDispatcher) -> None:
    source = {"topic_id": "visa.coe", "title": "COE", "url": "/kb/vi/visa.coe"}
    api = FakeApi({"replies": [{"text": "Trả lời", "sources": [source]}]})
    run(ActionAnswerGuidance(api), dispatcher, "COE")
    custom = dispatcher.messages[0]["custom"]["kakehashi_reply"]
    assert custom["text"] == "Trả lời" and custom["sources"] == [source]


def test_api_failure_gives_the_polite_response(dispatcher: CollectingDispatcher) -> None:
    run(ActionAnswerGuidance(FakeApi(fail=True)), dispatcher, "COE")
    assert [m["response"] for m in dispatcher.messages] == ["utter_guidance_unavailable"]


def test_malformed_api_answer_is_ignored(dispatcher: CollectingDispatcher) -> None:
    run(ActionAnswerGuidance(FakeApi({"replies": ["not a dict", {"text": "ok", "buttons": ["bad"]}]})), dispatcher, "x")
    assert [m["text"] for m in dispatcher.messages] == ["ok"]
    assert dispatcher.messages[0]["buttons"] == []
