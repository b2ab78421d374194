"""ISO 3166-1 alpha-2 country codes and their names in each language, from Babel's CLDR data."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale

# CLDR also names regions and groupings (EU, UN, QO …) and a few deprecated codes; people live in and
# study in countries, so only codes that are current ISO 3166-1 assignments are accepted.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ", "AN", "BU", "CS", "DD", "FX", "NT", "QU"})
_NOT_COUNTRIES |= frozenset({"SU", "TP", "YD", "YU", "ZR", "CP", "DG", "EA", "IC", "TA", "AC", "CQ"})


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    territories = Locale("en").territories
    codes = (str(code) for code in territories)
    return frozenset(code for code in codes if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES)


def is_country(code: str) -> bool:
    return code in country_codes()


@lru_cache(maxsize=8)
def country_names(language: str) -> dict[str, str]:
    territories = Locale.parse(language).territories
    return {code: str(territories.get(code, code)) for code in country_codes()}


def country_name(code: str, language: str) -> str:
    return country_names(language).get(code, code)
