"""Realistic LINE events and Telegram updates (shapes from the platforms' documentation)."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"
LINE_EVENTS: dict[str, dict[str, Any]] = json.loads((FIXTURES / "line_events.json").read_text(encoding="utf-8"))
TELEGRAM_UPDATES: dict[str, dict[str, Any]] = json.loads(
    (FIXTURES / "telegram_updates.json").read_text(encoding="utf-8")
)
LINE_USER = "U4af4980629a1b2c3d4e5f6a7b8c9d0e1"
TELEGRAM_CHAT = 987654321


def line_event(name: str, *, event_id: str | None = None, age_seconds: float = 0.0, **changes: Any) -> dict[str, Any]:
    event = copy.deepcopy(LINE_EVENTS[name])
    event["timestamp"] = int((time.time() - age_seconds) * 1000)
    if event_id is not None:
        event["webhookEventId"] = event_id
    for key, value in changes.items():
        event[key] = value
    return event


def line_text(text: str, event_id: str, **kwargs: Any) -> dict[str, Any]:
    event = line_event("text", event_id=event_id, **kwargs)
    event["message"]["text"] = text
    return event


def line_body(*events: dict[str, Any]) -> dict[str, Any]:
    return {"destination": "Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "events": list(events)}


def telegram_update(name: str, update_id: int | None = None, **message_changes: Any) -> dict[str, Any]:
    update = copy.deepcopy(TELEGRAM_UPDATES[name])
    if update_id is not None:
        update["update_id"] = update_id
    if message_changes:
        update["message"].update(message_changes)
    return update


def telegram_text(text: str, update_id: int) -> dict[str, Any]:
    return telegram_update("text", update_id, text=text)
