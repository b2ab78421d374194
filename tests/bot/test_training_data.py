"""The Rasa project's data: required intents, enough examples per intent and language, held-out
sets kept apart from training, and every response and action wired."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from api.conversations.responses import read_domain
from api.core.config import REPO_ROOT
from knowledge_base.language import LANGUAGES

BOT = REPO_ROOT / "bot"
DOMAIN: dict[str, Any] = read_domain(BOT / "domain")
REQUIRED_INTENTS = {
    "greet", "goodbye", "thank", "affirm", "deny", "request_human", "start_fce", "check_case_status",
    "points_check", "change_language", "bot_challenge", "ask_guidance",
}  # fmt: skip
PAYLOAD_ONLY = {"set_language", "ask_topic", "more_detail", "feedback", "choose"}
# Started by the api from a typed request (api/conversations/starts.py) or by a button: no examples.
PAYLOAD_ONLY |= {"request_advice", "advice_status", "book_advice"}
MIN_TRAINING, MIN_HELDOUT = 25, 5


def examples(path: Path) -> dict[str, list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, list[str]] = {}
    for block in data.get("nlu", []):
        lines = [ln.strip()[2:].strip() for ln in str(block["examples"]).splitlines() if ln.strip().startswith("- ")]
        out.setdefault(block["intent"], []).extend(lines)
    return out


def test_domain_has_the_required_intents() -> None:
    assert set(DOMAIN["intents"]) >= REQUIRED_INTENTS


@pytest.mark.parametrize("language", LANGUAGES)
def test_training_examples_per_intent(language: str) -> None:
    data = examples(BOT / "data" / "nlu" / f"{language}.yml")
    trainable = set(DOMAIN["intents"]) - PAYLOAD_ONLY
    counts = {intent: len(data.get(intent, [])) for intent in trainable}
    assert {i: c for i, c in counts.items() if c < MIN_TRAINING} == {}
    assert set(data) <= trainable, set(data) - trainable


@pytest.mark.parametrize("language", LANGUAGES)
def test_heldout_examples_per_intent(language: str) -> None:
    data = examples(BOT / "tests" / "nlu_heldout" / f"{language}.yml")
    counts = {intent: len(data.get(intent, [])) for intent in REQUIRED_INTENTS}
    assert {i: c for i, c in counts.items() if c < MIN_HELDOUT} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_heldout_never_trained_on(language: str) -> None:
    normalise = str.casefold
    training = {normalise(t) for lines in examples(BOT / "data" / "nlu" / f"{language}.yml").values() for t in lines}
    heldout = [t for lines in examples(BOT / "tests" / "nlu_heldout" / f"{language}.yml").values() for t in lines]
    assert [t for t in heldout if normalise(t) in training] == []


def test_no_example_claimed_by_two_intents() -> None:
    owners: dict[str, set[str]] = {}
    for language in LANGUAGES:
        for intent, lines in examples(BOT / "data" / "nlu" / f"{language}.yml").items():
            for line in lines:
                owners.setdefault(line.casefold(), set()).add(intent)
    assert {t: o for t, o in owners.items() if len(o) > 1} == {}


def test_rules_use_only_declared_intents_and_actions() -> None:
    rules = [
        rule
        for path in sorted((BOT / "data" / "rules").glob("*.yml"))
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]
    ]
    # Forms run as actions too.
    known_actions = set(DOMAIN["responses"]) | set(DOMAIN["actions"]) | set(DOMAIN.get("forms") or {})
    handled = Counter()
    for rule in rules:
        for step in rule["steps"]:
            if "intent" in step:
                assert step["intent"] in set(DOMAIN["intents"]) | {"nlu_fallback"}, rule["rule"]
                handled[step["intent"]] += 1
            if "action" in step:
                assert step["action"] in known_actions, rule["rule"]
    assert set(DOMAIN["intents"]) <= set(handled), set(DOMAIN["intents"]) - set(handled)


def test_every_response_text_is_a_catalog_key_not_prose() -> None:
    for name, variants in DOMAIN["responses"].items():
        for variant in variants:
            assert " " not in variant["text"], name
            for button in variant.get("buttons", []):
                assert " " not in button["title"], name


def test_forms_match_the_api_and_every_question_has_an_ask_action() -> None:
    from api.chat_flows.slots import FORMS

    forms = {name: tuple(form["required_slots"]) for name, form in DOMAIN["forms"].items()}
    assert forms == FORMS
    for name, slots in FORMS.items():
        assert f"validate_{name}" in DOMAIN["actions"]
        for slot in slots:
            assert f"action_ask_{slot}" in DOMAIN["actions"], slot
            assert slot in DOMAIN["slots"], slot


def test_form_slots_take_typed_text_but_never_other_buttons() -> None:
    """Typed text reaches the api whatever its intent (it tells answers from ways out and questions);
    buttons of other kinds never become an answer."""
    for name, slot in DOMAIN["slots"].items():
        for mapping in slot["mappings"]:
            if mapping["type"] == "from_text" and mapping.get("conditions"):
                excluded = set(mapping["not_intent"])
                assert excluded >= PAYLOAD_ONLY, name
                assert not excluded & {"stop", "request_human", "ask_guidance"}, name
