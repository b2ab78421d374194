"""Checking a form step's answers, and telling an answer from a question asked in the middle of a form.

Rasa fills the requested slot with whatever was typed: the intent model alone cannot decide, it calls
"Business Administration" a guidance question, "Staff" a request for a person and "đi làm" (to work)
a stop. Here both signals meet, the model's intent and whether the text answers the question:
- a way out (intent stop or request_human, and no answer or plainly such a request): the form is
  rejected, and the rule for that intent leaves it (bot/data/rules/generated.yml);
- a question (a "?" or, when no answer, ask_guidance with confidence): answered from the knowledge
  base, then the form asks its question again;
- anything else is checked as an answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from api.chat_flows import slots as s
from api.chat_flows import words
from api.chat_flows.checks import Outcome, check
from api.chat_flows.context import Ctx
from api.chat_flows.places import own_language_name
from api.conversations.responses import Reply
from api.core import parse
from knowledge_base.language import LANGUAGES

QUESTION_CONFIDENCE = 0.8
# Yes/no questions: Rasa maps affirm/deny to true/false, and its model calls "👎" an affirm. A typed
# answer is read from the text instead (api/chat_flows/parse.py knows yes and no in five languages).
YES_NO_SLOTS = frozenset({"fce_consent", "points_jp_degree", "pathway_jp_grad", "advice_consent"})
# Without a "?", only a sentence counts as a question: four words, or a long unspaced (Japanese) line.
QUESTION_MIN_WORDS, QUESTION_MIN_CHARS_UNSPACED = 4, 10
Answerer = Callable[[str], list[Reply]]
# A suggested topic pressed mid-form: the value of a /choose button of the pending question
# ("topic:visa.student"); it is answered, and the question stays open.
TOPIC_PREFIX = "topic:"


@dataclass
class Verdict:
    slots: dict[str, s.Value] = field(default_factory=dict)
    replies: list[Reply] = field(default_factory=list)
    valid: bool = True
    question: bool = False
    exit: bool = False  # the person wants out of the form (stop, or a person to talk to)


def _unprefixed(ctx: Ctx, slot: str, value: s.Value) -> tuple[s.Value, Outcome | None]:
    """Buttons carry "slot:value"; a button of another question is stale, not an answer to this one."""
    if not isinstance(value, str) or ":" not in value:
        return value, None
    prefix, rest = value.split(":", 1)
    if prefix == slot:
        return rest, None
    if prefix in s.SLOT_NAMES:
        return None, Outcome({slot: None}, ctx.t("flow.error.stale_button"))
    return value, None


_STOP_KEYS = frozenset(parse.compact(phrase) for phrase in words.STOP)
_PERSON_MARKERS = tuple(parse.fold(marker) for marker in words.PERSON)


def is_way_out(text: str, outcome: Outcome, intent: str | None) -> bool:
    """The model says stop (or asks for a person), and the text is no answer to the question, or is
    plainly such a request. "đi làm" (to work) looks like a stop to the model and is a valid purpose."""
    if intent == "stop":
        return parse.compact(text) in _STOP_KEYS or not outcome.valid
    if intent == "request_human":
        folded = parse.fold(text)
        return any(marker in folded for marker in _PERSON_MARKERS) or not outcome.valid
    return False


def _sentence_like(text: str) -> bool:
    """A question without "?" is still a sentence; a one-word wrong answer ("Atlantis") is not."""
    words_ = text.split()
    return len(words_) >= QUESTION_MIN_WORDS or (len(words_) == 1 and len(text) >= QUESTION_MIN_CHARS_UNSPACED)


def is_question(text: str, outcome: Outcome, intent: str | None, confidence: float | None) -> bool:
    guidance = intent == "ask_guidance"
    if parse.has_question_mark(text):
        return guidance or not outcome.valid
    confident = (confidence or 0.0) >= QUESTION_CONFIDENCE
    return guidance and confident and not outcome.valid and _sentence_like(text)


_LANGUAGE_MARKERS = tuple(parse.fold(marker) for marker in words.LANGUAGE_REQUEST)
# Questions whose answer is a language: naming one there is an answer, not a request.
LANGUAGE_SLOTS = frozenset({"fce_language", "fce_instruction_language"})


def requested_language(text: str) -> str | None:
    """The language a typed request asks to switch to ("can we speak English?"), or None."""
    folded = parse.fold(text)
    if not any(marker in folded for marker in _LANGUAGE_MARKERS):
        return None
    named = [code for code, names in words.LANGUAGE_NAMES.items() if any(parse.fold(n) in folded for n in names)]
    return named[0] if len(named) == 1 else None


def language_menu(ctx: Ctx, wanted: str) -> Reply:
    """The language buttons, the one asked for first; pressing one switches and the form goes on."""
    codes = sorted(LANGUAGES, key=lambda code: code != wanted)
    buttons = [
        {"title": own_language_name(code), "payload": f'/set_language{{"language": "{code}"}}'} for code in codes
    ]
    return Reply(text=ctx.t("flow.language_switch"), buttons=buttons)


def validate(
    ctx: Ctx,
    candidates: Mapping[str, s.Value],
    slots: Mapping[str, s.Value],
    text: str | None,
    requested: str | None,
    intent: str | None,
    confidence: float | None,
    answer: Answerer,
) -> Verdict:
    """Check every candidate in the forms' order; later checks see earlier answers (start before end year)."""
    known: dict[str, s.Value] = dict(slots)
    verdict = Verdict()
    order = [name for name in s.ASKED_SLOTS if name in candidates]
    for slot in order:
        value, stale = _unprefixed(ctx, slot, candidates[slot])
        if slot in YES_NO_SLOTS and isinstance(value, bool) and text and slot == requested and intent != "choose":
            value = text
        if slot == requested and intent == "choose" and isinstance(value, str) and value.startswith(TOPIC_PREFIX):
            verdict.question, verdict.valid = True, False
            verdict.replies.extend(answer(value))
            verdict.slots[slot] = None
            continue
        outcome = stale or check(ctx, slot, value, known)
        # Only the requested slot's value, exactly as typed (not a button), can be a question or a way out.
        typed = bool(text) and slot == requested and value == text and intent != "choose"
        wanted = requested_language(text) if typed and text and slot not in LANGUAGE_SLOTS else None
        if wanted is not None and text:
            # Never stored as the answer (a name, an institution): the language buttons instead.
            verdict.valid = False
            verdict.replies.append(language_menu(ctx, wanted))
            outcome = Outcome({slot: None}, None)
        elif typed and text and is_way_out(text, outcome, intent):
            # The form is left by the rule for that intent (bot/data/rules/generated.yml); nothing is said here.
            verdict.exit = True
            verdict.valid = False
            outcome = Outcome({slot: None}, None)
        elif typed and text and is_question(text, outcome, intent, confidence):
            verdict.question = True
            verdict.replies.extend(answer(text))
            outcome = Outcome({slot: None}, None)
            verdict.valid = False
        elif not outcome.valid:
            verdict.valid = False
            verdict.replies.append(Reply(text=outcome.error or ""))
        else:
            verdict.replies.extend(Reply(text=note) for note in outcome.notes)
        known.update(outcome.updates)
        verdict.slots.update(outcome.updates)
    return verdict
