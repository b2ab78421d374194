"""Country and language names typed in any of the five languages ("Việt Nam", "ネパール", "Brasil").

LINE shows at most 13 buttons, so a person may type a country instead of choosing it. Names come from
Babel's CLDR data in all five languages, plus the informal names people use (USA, UK, Korea).
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from babel import Locale
from babel.languages import get_official_languages

from api.core.parse import compact, fold
from api.fce.countries import country_codes, country_name
from knowledge_base.language import LANGUAGES

# Informal names and romanisations CLDR does not list (folded before use).
_COUNTRY_ALIASES = {
    "US": ("usa", "us", "america", "united states of america", "アメリカ", "米国", "my", "amerika"),
    "GB": ("uk", "england", "britain", "great britain", "英国", "anh", "inglaterra", "बेलायत"),
    "KR": ("korea", "south korea", "韓国", "hanquoc", "coreia", "कोरिया"),
    "VN": ("viet nam", "betonamu", "vietna", "भियतनाम", "vn", "vietnamese", "nguoi viet", "nuoc viet"),
    "NP": ("nepaaru", "nepal", "nepali", "nepalese", "नेपाली"),
    "MM": ("myanmar", "burma", "miến điện", "birmania", "बर्मा", "म्यानमार"),
    "CN": ("china", "trung quoc", "中国", "chugoku"),
    "JP": ("japan", "nihon", "nippon", "nhat", "日本", "japao", "जापान"),
    "PH": ("philippines", "pilipinas", "firipin", "फिलिपिन्स", "filipino", "filipina", "pinoy", "pinay", "filipinas"),
    "LK": ("sri lanka", "srilanka", "スリランカ", "श्रीलंका"),
    "BD": ("bangladesh", "बंगलादेश"),
    "IN": ("india", "bharat", "インド", "भारत", "indian"),
    "ID": ("indonesia", "インドネシア", "इन्डोनेसिया", "indonesian"),
    "BR": ("brasil", "brazil", "burajiru", "brasileira", "brasileiro", "brazilian"),
}
# Latin-script names are matched as whole words inside a sentence ("I studied in Nepal");
# others (kana, Devanagari) as substrings, since Japanese has no spaces.
_LATIN = re.compile(r"^[a-z0-9 ]+$")


@lru_cache(maxsize=1)
def _country_index() -> tuple[dict[str, str], list[tuple[str, str]]]:
    exact: dict[str, str] = {}
    for code in country_codes():
        names = {country_name(code, language) for language in LANGUAGES}
        # CLDR's short forms drop the bracketed part: "Myanmar (Burma)" → "Myanmar".
        names |= {name.split("(")[0] for name in names}
        names |= set(_COUNTRY_ALIASES.get(code, ()))
        for name in names:
            key = compact(name)
            if len(key) >= 2:
                exact.setdefault(key, code)
    searchable = sorted(
        ((fold(name).strip(), code) for name, code in _named_phrases()),
        key=lambda item: -len(item[0]),
    )
    # Short Latin names are common words or parts of words ("Oman" in "woman"); CJK names are short.
    return exact, [(name, code) for name, code in searchable if len(compact(name)) >= (4 if _LATIN.match(name) else 2)]


def _named_phrases() -> list[tuple[str, str]]:
    phrases = []
    for code in country_codes():
        for language in LANGUAGES:
            name = country_name(code, language)
            phrases.append((name.split("(")[0], code))
        phrases.extend((alias, code) for alias in _COUNTRY_ALIASES.get(code, ()))
    return phrases


def find_country(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code for a typed country name, or None.

    Two-letter codes count only when typed in capitals ("VN"): "no" and "in" are words, not Norway and India.
    """
    stripped = text.strip()
    if len(stripped) == 2 and stripped.isascii() and stripped.isupper() and stripped in country_codes():
        return stripped
    exact, searchable = _country_index()
    key = compact(stripped)
    if key in exact:
        return exact[key]
    folded = fold(stripped)
    for name, code in searchable:
        if _LATIN.match(name):
            if re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", folded):
                return code
        elif name in folded:
            return code
    return _misspelt(key, exact)


# A misspelt Latin name ("philipines", "phillipines") is still that country when it is close to one
# name only; short names are left out, where one letter makes another country (Mali, Bali).
_CLOSE_ENOUGH, _MIN_FUZZY = 0.85, 6


def _misspelt(key: str, exact: dict[str, str]) -> str | None:
    if len(key) < _MIN_FUZZY or not key.isascii() or not key.isalpha():
        return None
    names = [name for name in exact if len(name) >= _MIN_FUZZY and name.isascii()]
    close = difflib.get_close_matches(key, names, n=3, cutoff=_CLOSE_ENOUGH)
    codes = {exact[name] for name in close}
    return codes.pop() if len(codes) == 1 else None


@lru_cache(maxsize=1)
def _language_index() -> dict[str, str]:
    """Every language CLDR names, by its name in any of our five languages (and its own)."""
    index: dict[str, str] = {}
    for display in LANGUAGES:
        for code, name in Locale.parse(display).languages.items():
            if "_" not in code and len(code) <= 3:
                index.setdefault(compact(name), code)
    for code in LANGUAGES:
        index[compact(Locale.parse(code).get_display_name(code) or code)] = code
        index[code] = code
    index.update({compact(word): "en" for word in ("eng", "ingles", "anh", "tienganh", "英語", "えいご")})
    index.update({compact(word): "ja" for word in ("nihongo", "にほんご", "tiengnhat", "nhat")})
    return index


def find_language(text: str) -> str | None:
    """An ISO 639 code for a typed language name ("Tiếng Việt", "ネパール語", "inglês"), or None."""
    return _language_index().get(compact(text))


def language_name(code: str, language: str) -> str:
    name = Locale.parse(language).languages.get(code) or code
    return name[:1].upper() + name[1:]


def own_language_name(code: str) -> str:
    """A language's name in itself, for the preferred-language buttons."""
    return language_name(code, code)


def official_language(country: str) -> str | None:
    """The first official language of a country (for the language-of-instruction button)."""
    languages = get_official_languages(country)
    return str(languages[0]) if languages else None


def named_countries(text: str) -> set[str]:
    """Every country a sentence names (whole Latin words, or names in other scripts)."""
    _exact, searchable = _country_index()
    folded = fold(text)
    found = set()
    for name, code in searchable:
        if _LATIN.match(name):
            if re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", folded):
                found.add(code)
        elif name in folded:
            found.add(code)
    return found
