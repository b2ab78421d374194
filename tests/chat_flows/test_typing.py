"""Answers as people type them (issue #20): emoji, a language request mid-form, markup in a name, and
questions inside a form that never strand it with an advisor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from api.core import parse
from tests.chat_flows.conftest import FakeGuidance
from tests.chat_flows.test_answers import check

Flows = Callable[..., Any]


@pytest.mark.parametrize(
    ("text", "answer"),
    [("👎", False), ("👎🏽", False), ("👍", True), ("🙏", None), ("yes i agree", True), ("có ạ", True),
     ("はい、お願いします", True), ("no thanks", False), ("ko", False), ("yes no", None)],
)  # fmt: skip
def test_yes_and_no_as_typed(text: str, answer: bool | None) -> None:
    assert parse.yes_no(text) is answer


def test_a_thumbs_down_to_a_yes_no_question_is_a_no(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    # Defect 3: the intent model called "👎" an affirm; 10 points were added for a Japanese degree.
    result = check(flows, conversation_in("en"), "points_jp_degree", True, text="👎", intent="affirm")
    assert result["valid"] and result["slots"] == {"points_jp_degree": False}


@pytest.mark.parametrize("typed", ["👎", "👍", "🙏"])
def test_consent_needs_a_word(flows: Flows, conversation_in: Callable[[str], str], typed: str) -> None:
    # Defect 3: "👎" to the privacy consent submitted the application.
    result = check(flows, conversation_in("en"), "fce_consent", True, text=typed, intent="affirm")
    assert not result["valid"] and result["slots"] == {"fce_consent": None}
    assert "yes or no" in result["replies"][0]["text"]


def test_consent_in_words_and_by_button(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    conversation = conversation_in("ne")
    assert check(flows, conversation, "fce_consent", "सहमत छु")["slots"] == {"fce_consent": True}
    assert check(flows, conversation, "fce_consent", "fce_consent:yes", intent="choose")["slots"] == {
        "fce_consent": True
    }


@pytest.mark.parametrize(
    ("language", "typed", "wanted"),
    [("en", "やっぱり日本語で話してもいいですか", "ja"), ("ja", "can we speak english please", "en"),
     ("vi", "cho mình nói tiếng Việt được không", "vi"), ("pt", "pode falar em português?", "pt")],
)  # fmt: skip
def test_a_language_request_is_never_stored_as_the_answer(
    flows: Flows, conversation_in: Callable[[str], str], language: str, typed: str, wanted: str
) -> None:
    # Defect 7: the request was saved as the applicant's full name.
    result = check(flows, conversation_in(language), "fce_name", typed, intent="ask_guidance", confidence=0.9)
    assert not result["valid"] and result["slots"] == {"fce_name": None}
    buttons = result["replies"][0]["buttons"]
    assert buttons[0]["payload"] == f'/set_language{{"language": "{wanted}"}}'
    assert len(buttons) == 5


@pytest.mark.parametrize("typed", ["<script>alert(1)</script>", "Nguyen Van An 1990", "what do you mean by full name"])
def test_a_name_is_a_name(flows: Flows, conversation_in: Callable[[str], str], typed: str) -> None:
    result = check(flows, conversation_in("en"), "fce_name", typed)
    assert not result["valid"] and result["slots"] == {"fce_name": None}


@pytest.mark.parametrize(
    "typed", ["Nguyễn Văn Minh", "グエン・ヴァン・アン", "Mary-Jane O'Neil", "विशाल थापा", "João da Silva do Carmo"]
)
def test_real_names_pass(flows: Flows, conversation_in: Callable[[str], str], typed: str) -> None:
    assert check(flows, conversation_in("en"), "fce_name", typed)["slots"] == {"fce_name": typed}


def test_a_question_inside_a_form_never_hands_off(
    flows: Flows, conversation_in: Callable[[str], str], guidance: FakeGuidance
) -> None:
    # Defect 1: an unsure answer inside a form handed the conversation to the advisor queue.
    result = check(flows, conversation_in("en"), "points_age", "what if I turn 30 next month?", intent="ask_guidance")
    assert guidance.questions and guidance.hand_off == [False]
    assert not result["valid"]
