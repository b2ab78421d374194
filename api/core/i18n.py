"""Every fixed string a person sees comes from the gettext catalogs in locales/.

Message ids are stable keys ("utter_greet", "widget.send"), so every language, English included, has
its own translation and a missing one is an error a test catches rather than a silent fallback.
Placeholders use str.format names: "{reference}". Dates and numbers are formatted by Babel per locale.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from gettext import c2py
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as babel_format_decimal

from api.core.clock import in_japan
from knowledge_base.language import LANGUAGES

log = logging.getLogger(__name__)


class Catalogs:
    """All languages' catalogs, loaded once from .po files (no compile step to forget)."""

    def __init__(self, locales_dir: Path) -> None:
        self.locales_dir = locales_dir
        self._messages: dict[str, dict[str, str]] = {}
        # Plural forms ("{years} year" / "{years} years"): the catalog's forms and its Plural-Forms rule.
        self._plurals: dict[str, dict[str, tuple[tuple[str, ...], Callable[[int], int]]]] = {}
        for language in LANGUAGES:
            merged: dict[str, str] = {}
            plurals: dict[str, tuple[tuple[str, ...], Callable[[int], int]]] = {}
            # One catalog file per feature (messages.po, pathways.po, …), merged; a key may live in one only.
            for path in sorted((locales_dir / language / "LC_MESSAGES").glob("*.po")):
                with path.open("rb") as handle:
                    catalog = read_po(handle, locale=language)
                for message in catalog:
                    if not message.id or not message.string or message.fuzzy:
                        continue
                    plural = isinstance(message.id, tuple | list)
                    key = str(message.id[0]) if plural else str(message.id)
                    if key in merged:
                        raise ValueError(f"{path}: key {key!r} is defined in another catalog too")
                    if plural:
                        forms = tuple(str(form) for form in message.string)
                        if not all(forms):
                            continue
                        plurals[key] = (forms, c2py(catalog.plural_expr))
                        merged[key] = forms[-1]
                    else:
                        merged[key] = str(message.string)
            self._messages[language] = merged
            self._plurals[language] = plurals

    def keys(self, language: str) -> set[str]:
        return set(self._messages[language])

    def has(self, key: str, language: str) -> bool:
        return key in self._messages.get(language, {})

    def gettext(self, key: str, language: str, **params: Any) -> str:
        """Translate `key` into `language`, filling named placeholders.

        A key missing from the catalog falls back to English and is logged: a person must never
        see a raw key, but tests assert that no fallback is needed.
        """
        messages = self._messages.get(language) or self._messages["en"]
        template = messages.get(key)
        if template is None:
            log.warning("missing translation key=%s language=%s", key, language)
            template = self._messages["en"].get(key, key)
        if not params:
            return template
        return _SafeFormatter().format(template, **params)

    def has_plural(self, key: str, language: str) -> bool:
        return key in self._plurals.get(language, {})

    def ngettext(self, key: str, count: int, language: str, **params: Any) -> str:
        """The form of `key` for `count` by the language's plural rule (Babel catalogs' Plural-Forms),
        filled with `params` and `count`: "1 year", "3 years", "3 anos"; never "3 year(s)"."""
        entry = self._plurals.get(language, {}).get(key) or self._plurals["en"].get(key)
        if entry is None:
            return self.gettext(key, language, count=count, **params)
        forms, rule = entry
        template = forms[min(max(rule(count), 0), len(forms) - 1)]
        return _SafeFormatter().format(template, count=count, **params)

    def bundle(self, prefix: str, language: str) -> dict[str, str]:
        """All strings whose key starts with `prefix`, for a client (the widget) to use."""
        return {k: v for k, v in self._messages[language].items() if k.startswith(prefix)}


class _SafeFormatter(string.Formatter):
    """A placeholder without a value stays visible as {name} instead of raising mid-reply."""

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, str) and key not in kwargs:
            return "{" + key + "}"
        return super().get_value(key, args, kwargs)


@lru_cache(maxsize=4)
def load_catalogs(locales_dir: Path) -> Catalogs:
    return Catalogs(locales_dir)


def format_date(value: date | datetime, language: str) -> str:
    """A long date. A datetime is an instant: its date is the one in Japan (api.core.clock.JAPAN), so
    the status page, the statement and the console give one event one date."""
    if isinstance(value, datetime):
        value = in_japan(value).date()
    return babel_format_date(value, format="long", locale=language)


def format_moment(value: datetime | str, language: str) -> str:
    """A date and minute in Japan's time, labelled JST (the console's timestamps)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = in_japan(moment)
    return f"{babel_format_date(local.date(), format='medium', locale=language)} {local:%H:%M} JST"


def format_number(value: float | int, language: str) -> str:
    return babel_format_decimal(value, locale=language)


def language_name(code: str, language: str) -> str:
    """The name of language `code` written in `language`, from CLDR ("vi" in Japanese: ベトナム語).
    The catalogs' language.<code> is each language's own name, for switches; running text names a
    language in the text's own language."""
    name = Locale.parse(language).languages.get(code)
    return str(name) if name else code
