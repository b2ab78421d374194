"""Fixtures for action tests: real rasa-sdk trackers and dispatchers, a scripted api."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import flow_results
from actions.api_client import ApiError


class FakeApi:
    """Answers `answer` to every call, or per path from `answers` (a list is consumed in order; an
    ApiError in it is raised). Records every call with its headers."""

    def __init__(
        self, answer: dict[str, Any] | None = None, fail: bool = False, answers: dict[str, Any] | None = None
    ) -> None:
        self.answer = answer or {"replies": []}
        self.fail = fail
        self.answers = answers or {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.headers: list[dict[str, str] | None] = []

    async def post(
        self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None, expect: Any = (200,)
    ) -> dict[str, Any]:
        self.calls.append((path, body))
        self.headers.append(dict(headers) if headers else None)
        if self.fail:
            raise ApiError("api down")
        scripted = self.answers.get(path, self.answer)
        if isinstance(scripted, list):
            scripted = scripted.pop(0)
        if isinstance(scripted, ApiError):
            raise scripted
        return dict(scripted)

    def paths(self) -> list[str]:
        return [path for path, _body in self.calls]


def make_tracker(
    text: str,
    intent: str = "ask_guidance",
    confidence: float = 0.93,
    language: str = "vi",
    slots: dict[str, Any] | None = None,
    active_loop: str | None = None,
    candidates: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker after one user message. `candidates` are the slot events a form hands its validation
    action (they trail the events, after the form's own action event)."""
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []}
    events: list[dict[str, Any]] = [{"event": "user", "text": text, "parse_data": latest}]
    all_slots = {"language": language, **(slots or {})}
    if candidates:
        events.append({"event": "action", "name": active_loop})
        events += [{"event": "slot", "name": name, "value": value} for name, value in candidates.items()]
        all_slots.update(candidates)
    return Tracker(
        sender_id="conv123",
        slots=all_slots,
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """The flow actions' retry after a failed api call happens at once (tests use it by pytestmark)."""
    monkeypatch.setattr(flow_results, "RETRY_PAUSE_SECONDS", 0)
