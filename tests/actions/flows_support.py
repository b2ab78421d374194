"""What the flow-action tests share: the domain Rasa sends, and running an action or a form's
validation against rasa-sdk's own classes (runs in .venv-rasa)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from rasa.shared.core.domain import Domain
from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

# What Rasa sends the action server: the merged domain, loaded by Rasa itself from bot/domain/.
DOMAIN: dict[str, Any] = Domain.load(Path(__file__).parents[2] / "bot" / "domain").as_dict()


def run(action: Action, tracker: Any, dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return events


def validate(action: FormValidationAction, tracker: Any, dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = asyncio.run(action.get_validation_events(dispatcher, tracker, DOMAIN))
    return events


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
