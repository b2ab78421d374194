"""A checked answer: the slot values it sets, or the re-ask that says what was wrong (api/chat_flows/checks.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from api.chat_flows import slots as s
from api.chat_flows.context import Ctx


@dataclass
class Outcome:
    updates: dict[str, s.Value] = field(default_factory=dict)
    error: str | None = None
    # Said before the next question when an answer was taken in a reading the person should see and
    # can correct ("¥300,000 a month is ¥3,600,000 a year", "2077 BS is 2020").
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.error is None


def ok(slot: str, value: s.Value, **more: s.Value) -> Outcome:
    return Outcome({slot: value, **more})


def bad(ctx: Ctx, slot: str, key: str, **params: Any) -> Outcome:
    return Outcome({slot: None}, ctx.t(key, **params))
