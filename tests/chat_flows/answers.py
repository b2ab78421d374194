"""A finished advice_form's answers, shared by the api's tests (tests/chat_flows) and the actions' tests
(tests/actions, .venv-rasa): plain data, importable from both virtualenvs."""

from __future__ import annotations

from typing import Any

ADVICE_ANSWERS: dict[str, Any] = {
    "advice_current": "ssw1",
    "advice_japanese": "N4",
    "advice_goal": "nursing_care",
    "advice_field": "nursing_care",
    "advice_education": "upper_secondary",
    "advice_qualification": "ssw_care_tests",
    "advice_time_zone": "Asia/Ho_Chi_Minh",
    "advice_consent": True,
}
