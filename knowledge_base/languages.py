"""The languages Kakehashi speaks: the one list every other copy derives from.

Dependency-free on purpose (standard library only), so both virtualenvs import it: the api and the
knowledge base in `.venv`, the Rasa actions and bot scripts in `.venv-rasa` (PYTHONPATH = repo root).
Order matters: it is the order of every language menu (widget, pages, the bot's language buttons).

What is not code is checked against this list by tests/test_language_registry.py: bot/domain/ (the
`language` slot's values and the `utter_choose_language` buttons), locales/<code>/, the knowledge
articles under knowledge_base/content/<code>/, bot/data/nlu/<code>.yml, the held-out sets and the
widget (which takes its list from /api/v1/widget/i18n). A `Literal` cannot be built from a tuple for
mypy, so `Language` is written out once, here, and that test checks it equals LANGUAGES.

Babel needs no mapping: every code is a CLDR locale, and CLDR's `pt` is Brazilian Portuguese, the
Portuguese of our users. All five are written left to right.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Language = Literal["ja", "en", "vi", "ne", "pt"]


@dataclass(frozen=True)
class SpokenLanguage:
    code: str  # ISO 639-1; also the catalog folder, the article folder and the NLU file name
    native_name: str  # the menus' label, in the language itself (catalog key language.<code>)
    english_name: str
    script: str  # ISO 15924 code of its main script: picks the statement PDF's primary font
    # ISO 3166 country most of its speakers write from: listed first in country questions.
    # None where that is Japan itself or no one country (English).
    home_country: str | None


REGISTRY: tuple[SpokenLanguage, ...] = (
    SpokenLanguage("ja", "日本語", "Japanese", "Jpan", None),
    SpokenLanguage("en", "English", "English", "Latn", None),
    SpokenLanguage("vi", "Tiếng Việt", "Vietnamese", "Latn", "VN"),
    SpokenLanguage("ne", "नेपाली", "Nepali", "Deva", "NP"),
    SpokenLanguage("pt", "Português", "Portuguese", "Latn", "BR"),
)
LANGUAGES: tuple[str, ...] = tuple(language.code for language in REGISTRY)
BY_CODE: dict[str, SpokenLanguage] = {language.code: language for language in REGISTRY}
DEFAULT_LANGUAGE = "en"


def normalise_locale(value: str | None) -> str | None:
    """Map a locale or language tag ("pt-BR", "vi_VN", "ne-NP", "ja") to one of LANGUAGES."""
    if not value:
        return None
    primary = value.strip().lower().replace("_", "-").split("-", 1)[0]
    return primary if primary in LANGUAGES else None


def accept_language(header: str | None) -> list[str]:
    """The primary language subtags of an Accept-Language header, in the order written (q ignored:
    browsers already list them by preference)."""
    return [part.split(";")[0].strip().lower().split("-")[0] for part in (header or "").split(",")]


def page_language(explicit: str | None, *preferences: Iterable[str]) -> str:
    """The language a page is shown in: an explicit choice (?lang=, a form field) we speak, else the
    first language we speak from each preference in turn (the signed-in person's languages, the
    browser's Accept-Language), else English. Every HTML page resolves its language here."""
    if explicit in LANGUAGES:
        return str(explicit)
    for preference in preferences:
        for code in preference:
            if code in LANGUAGES:
                return code
    return DEFAULT_LANGUAGE
