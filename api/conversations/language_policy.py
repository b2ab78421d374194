"""Which language a conversation speaks: explicit choice > strong evidence > channel hint > weak evidence.

Sticky on purpose: a short "ok" or a romanised word must not flip a Nepali conversation to English.
An explicit choice (language menu, widget locale switch) is never overridden by detection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from api.conversations.models import LanguageSource
from api.core import parse
from knowledge_base.language import DEFAULT_LANGUAGE, Detection, detect, normalise_locale

# Evidence strong enough to change a language that came from detection or a channel hint:
# a script only one of our languages uses, or a longer Latin text the model is sure about.
STRONG_CONFIDENCE = 0.9
STRONG_MIN_WORDS = 5  # Latin script: a sentence, not a phrase (measured by scripts/eval_language_id.py)
# Short katakana on its own is a loanword or a name ("ネパール", "ベトナム", "エンジニア"), which people
# writing any language type into a form; it is not a sentence in Japanese.
KATAKANA_ONLY = re.compile(r"^[\u30a0-\u30ff\u31f0-\u31ff\uff65-\uff9f\s]+$")
SHORT_KATAKANA_CHARS = 10


@dataclass(frozen=True)
class LanguageDecision:
    language: str
    source: LanguageSource
    changed: bool
    detection: Detection | None = None


def is_strong(detection: Detection, text: str) -> bool:
    if detection.language is None:
        return False
    if detection.method == "script" and detection.confidence >= 1.0:
        stripped = text.strip()
        return not (KATAKANA_ONLY.match(stripped) and len(stripped) <= SHORT_KATAKANA_CHARS)
    return detection.confidence >= STRONG_CONFIDENCE and len(text.split()) >= STRONG_MIN_WORDS


def initial_language(explicit: str | None, channel_hint: str | None) -> tuple[str, LanguageSource]:
    """The language of a new conversation before its first message."""
    if chosen := normalise_locale(explicit):
        return chosen, LanguageSource.EXPLICIT
    if hinted := normalise_locale(channel_hint):
        return hinted, LanguageSource.CHANNEL
    return DEFAULT_LANGUAGE, LanguageSource.DEFAULT


def is_bare_answer(detection: Detection, text: str) -> bool:
    """A one-word yes, no or ok in Latin letters ("No", "ok", "sim"): an answer, never evidence of a
    language; the character model calls "No" Japanese. (A one-word greeting such as "oi" still
    sets the language of a new conversation; a stronger rule guards established ones.)"""
    if detection.method.startswith("script") or len(text.split()) > 1:
        return False
    key = parse.compact(text)
    return key in parse.YES or key in parse.NO


def decide(current: str, source: LanguageSource, text: str) -> LanguageDecision:
    """Decide the language after a user message `text` in a conversation speaking `current`."""
    detection = detect(text)
    if source is LanguageSource.EXPLICIT or detection.language is None or is_bare_answer(detection, text):
        return LanguageDecision(current, source, False, detection)
    if detection.language == current:
        if source is LanguageSource.DEFAULT and detection.confidence >= 0.5:
            # The default was right: it is now the person's language, and as sticky as any detected one.
            # (Left as DEFAULT, the next "No" flipped an English conversation to Japanese.)
            return LanguageDecision(current, LanguageSource.DETECTED, True, detection)
        return LanguageDecision(current, source, False, detection)
    if source is LanguageSource.DEFAULT and detection.confidence >= 0.5:
        # Nothing better known yet: the first message with any real signal sets the language.
        return LanguageDecision(detection.language, LanguageSource.DETECTED, True, detection)
    if is_strong(detection, text):
        return LanguageDecision(detection.language, LanguageSource.DETECTED, True, detection)
    return LanguageDecision(current, source, False, detection)


def choose(language: str) -> LanguageDecision:
    """An explicit choice from the language menu."""
    chosen = normalise_locale(language)
    if chosen is None:
        raise ValueError(f"unsupported language: {language!r}")
    return LanguageDecision(chosen, LanguageSource.EXPLICIT, True)
