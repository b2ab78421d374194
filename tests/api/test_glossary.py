"""The catalogs follow locales/glossary.yml (issue #20): one term per concept, one digit system, and in
Vietnamese the bot calls itself "mình" throughout."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from api.core.i18n import Catalogs
from knowledge_base.language import LANGUAGES

LOCALES = Path(__file__).parents[2] / "locales"
GLOSSARY: dict[str, Any] = yaml.safe_load((LOCALES / "glossary.yml").read_text(encoding="utf-8"))


QUOTED = re.compile(r"“[^”]*”")


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs(LOCALES)


def test_every_language_has_a_glossary() -> None:
    assert set(GLOSSARY) == set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_avoided_term(catalogs: Catalogs, language: str) -> None:
    avoided = [word for term in GLOSSARY[language]["terms"] for word in term.get("avoid") or []]
    found = [
        (key, word) for key in catalogs.keys(language) for word in avoided if word in catalogs.gettext(key, language)
    ]
    assert found == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_digit_system(catalogs: Catalogs, language: str) -> None:
    assert GLOSSARY[language]["digits"] == "latin"
    found = [
        key
        for key in catalogs.keys(language)
        if any(ch.isdecimal() and not ch.isascii() for ch in catalogs.gettext(key, language))
    ]
    assert found == []


def test_the_vietnamese_bot_says_minh(catalogs: Catalogs) -> None:
    user_voice = tuple(GLOSSARY["vi"]["user_voice_keys"])
    tôi = re.compile(r"(?<![Cc]húng )\b[Tt]ôi\b")
    found = [
        key
        for key in catalogs.keys("vi")
        # A button's label quoted in a sentence (“Tôi đồng ý”) is the user's voice.
        if not key.startswith(user_voice) and tôi.search(QUOTED.sub("", catalogs.gettext(key, "vi")))
    ]
    assert found == []


JAPANESE = "[\u3040-\u30ff\u3400-\u9fff]"  # kana and kanji
HALF_WIDTH_BESIDE_JAPANESE = re.compile(f"{JAPANESE}[()!:]|[()!:]{JAPANESE}")


def test_japanese_punctuation_is_full_width(catalogs: Catalogs) -> None:
    """Japanese text brackets, exclaims and introduces with （）！： as the rest of the catalogs do
    (issue #18's additions had mixed in "評価(助言)" and "こんにちは!"); Latin text inside may keep its own."""
    found = [key for key in catalogs.keys("ja") if HALF_WIDTH_BESIDE_JAPANESE.search(catalogs.gettext(key, "ja"))]
    assert found == []
