"""Every copy of the language list agrees with the registry (knowledge_base/languages.py).

Code derives its lists from the registry; what cannot import it (YAML, folders, catalogs, the widget's
JavaScript) is compared here, so adding or removing a language fails until every copy follows.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import get_args

import pytest
import yaml
from babel.core import get_global
from babel.messages.pofile import read_po

from api.channels.widget import widget_strings
from api.conversations.responses import read_domain
from api.core.config import REPO_ROOT
from api.core.i18n import load_catalogs
from api.fce.fonts import PRIMARY_FAMILY
from knowledge_base.languages import (
    BY_CODE,
    DEFAULT_LANGUAGE,
    LANGUAGES,
    REGISTRY,
    Language,
    accept_language,
    normalise_locale,
    page_language,
)

DOMAIN = read_domain(REPO_ROOT / "bot" / "domain")
CODES = set(LANGUAGES)
# Source that may spell out the codes: the registry itself, the language identifier's script rules.
SOURCE_DIRS = ("api", "actions", "bot/scripts", "knowledge_base", "scripts")
ALL_CODES_ON_A_LINE = [re.compile(rf"""["']{code}["']""") for code in LANGUAGES]


def _folders(path: Path) -> set[str]:
    return {child.name for child in path.iterdir() if child.is_dir()}


def _stems(path: Path) -> set[str]:
    return {child.stem for child in path.glob("*.yml")}


def test_registry_is_well_formed() -> None:
    assert len(set(LANGUAGES)) == len(LANGUAGES) == len(REGISTRY)
    assert DEFAULT_LANGUAGE in LANGUAGES
    assert all(re.fullmatch(r"[a-z]{2}", code) for code in LANGUAGES)


def test_the_literal_type_equals_the_registry() -> None:
    assert get_args(Language) == LANGUAGES


def test_the_bot_domain_offers_exactly_the_registry() -> None:
    assert DOMAIN["slots"]["language"]["values"] == list(LANGUAGES)
    buttons = DOMAIN["responses"]["utter_choose_language"][0]["buttons"]
    assert [b["title"] for b in buttons] == [f"language.{code}" for code in LANGUAGES]
    assert [json.loads(b["payload"].removeprefix("/set_language")) for b in buttons] == [
        {"language": code} for code in LANGUAGES
    ]


def test_folders_and_files_per_language() -> None:
    assert _folders(REPO_ROOT / "locales") == CODES
    assert _folders(REPO_ROOT / "knowledge_base" / "content") == CODES
    assert _stems(REPO_ROOT / "bot" / "data" / "nlu") == CODES
    assert _stems(REPO_ROOT / "bot" / "tests" / "nlu_heldout") == CODES


@pytest.mark.parametrize("catalog_language", LANGUAGES)
def test_every_catalog_names_each_language_in_itself(catalog_language: str) -> None:
    """The menus' labels (catalog keys language.<code>) are the registry's native names everywhere."""
    with (REPO_ROOT / "locales" / catalog_language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    names = {str(m.id).removeprefix("language."): m.string for m in catalog if str(m.id).startswith("language.")}
    assert names == {language.code: language.native_name for language in REGISTRY}


def test_cldr_agrees_with_the_scripts_and_home_countries() -> None:
    """Babel formats dates with the bare code; CLDR's likely subtags for it must be what we assume
    (pt → pt_Latn_BR: Brazilian Portuguese; ne → Devanagari, Nepal)."""
    likely = get_global("likely_subtags")
    for language in REGISTRY:
        _code, script, territory = likely[language.code].split("_")
        assert script == language.script, language.code
        if language.home_country:
            assert territory == language.home_country, language.code


def test_derived_tables_cover_every_language() -> None:
    assert list(PRIMARY_FAMILY) == list(LANGUAGES)
    assert list(widget_strings(load_catalogs(REPO_ROOT / "locales"))) == list(LANGUAGES)


def test_the_widget_takes_its_languages_from_the_api() -> None:
    """widget.js builds its menu from /api/v1/widget/i18n's keys; it lists no languages itself."""
    script = (REPO_ROOT / "api" / "static" / "widget.js").read_text(encoding="utf-8")
    assert re.search(r"LANGS = Object\.keys\(data\)", script)
    arrays = re.findall(r"\[[^\[\]]*\]", script)
    assert [a for a in arrays if sum(f'"{code}"' in a for code in LANGUAGES) >= 2] == []


def test_no_other_source_file_lists_the_languages() -> None:
    """A line naming all the codes outside the registry is a copy that will drift."""
    copies = []
    for folder in SOURCE_DIRS:
        for path in sorted((REPO_ROOT / folder).rglob("*")):
            if path.suffix not in {".py", ".js", ".html"} or path.name == "languages.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if all(pattern.search(line) for pattern in ALL_CODES_ON_A_LINE):
                    copies.append(f"{path.relative_to(REPO_ROOT)}:{number}")
    assert copies == []


@pytest.mark.parametrize(
    ("explicit", "preferences", "expected"),
    [
        ("vi", [["ja"]], "vi"),  # an explicit choice we speak wins
        ("xx", [["ko", "ne"]], "ne"),  # one we do not speak is ignored, not an error
        (None, [[], ["pt", "en"]], "pt"),  # preferences in turn (a user's languages, then the browser's)
        (None, [["fr"]], "en"),
        ("", [], "en"),
    ],
)
def test_page_language(explicit: str | None, preferences: list[list[str]], expected: str) -> None:
    assert page_language(explicit, *preferences) == expected


def test_accept_language_keeps_the_written_order() -> None:
    assert accept_language("pt-BR,pt;q=0.9, en-US;q=0.8") == ["pt", "pt", "en"]
    assert accept_language(None) == [""]
    assert page_language(None, accept_language("de-DE,vi;q=0.5")) == "vi"


@pytest.mark.parametrize(("tag", "code"), [("pt-BR", "pt"), ("vi_VN", "vi"), ("NE-np", "ne"), ("ko", None), ("", None)])
def test_normalise_locale(tag: str, code: str | None) -> None:
    assert normalise_locale(tag) == code


def test_lookup_by_code() -> None:
    assert BY_CODE["ne"].script == "Deva" and BY_CODE["ja"].native_name == "日本語"
    # bot/domain/generated.yml writes the codes unquoted: one YAML reads as a boolean ("no") would break it.
    assert yaml.safe_load(f"[{', '.join(LANGUAGES)}]") == list(LANGUAGES)
