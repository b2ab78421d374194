"""Custom actions against rasa-sdk's own Tracker and CollectingDispatcher (runs in .venv-rasa)."""

from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswerGuidance, ActionRequestHuman
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


def test_request_human_asks_the_api_to_hand_off(dispatcher: CollectingDispatcher) -> None:
    cancel = [{"title": "Quay lại bot", "payload": "/cancel_handoff"}]
    api = FakeApi({"state": "waiting", "replies": [{"text": "Bạn ở vị trí số 1", "buttons": cancel}]})
    tracker = make_tracker("cho tôi gặp người", intent="request_human")
    events = asyncio.run(ActionRequestHuman(api).run(dispatcher, tracker, {}))
    assert events == []
    path, body = api.calls[0]
    assert path == "/internal/v1/conversations/conv123/handoff"
    assert body == {"reason": "request_human", "intents": ["request_human"]}
    assert dispatcher.messages[0]["text"] == "Bạn ở vị trí số 1"
    assert dispatcher.messages[0]["buttons"] == cancel


def test_request_human_falls_back_when_the_api_fails(dispatcher: CollectingDispatcher) -> None:
    tracker = make_tracker("talk to a person", intent="request_human")
    asyncio.run(ActionRequestHuman(FakeApi(fail=True)).run(dispatcher, tracker, {}))
    assert [m["response"] for m in dispatcher.messages] == ["utter_human_unavailable"]
