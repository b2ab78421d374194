"""Every string a person sees exists in all five languages; no response falls back to English."""

from __future__ import annotations

import re

import pytest

from api.conversations.responses import ResponseTemplates
from api.core.config import REPO_ROOT
from api.core.i18n import Catalogs, format_date, format_number
from knowledge_base.language import LANGUAGES

CATALOGS = Catalogs(REPO_ROOT / "locales")
TEMPLATES = ResponseTemplates(REPO_ROOT / "bot" / "domain")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_domain_key_is_translated(language: str) -> None:
    missing = sorted(key for key in TEMPLATES.catalog_keys() if not CATALOGS.has(key, language))
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_the_same_keys_as_english(language: str) -> None:
    assert CATALOGS.keys(language) == CATALOGS.keys("en")


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_placeholders_match_english(language: str) -> None:
    for key in CATALOGS.keys("en"):
        english = set(PLACEHOLDER.findall(CATALOGS.gettext(key, "en")))
        assert set(PLACEHOLDER.findall(CATALOGS.gettext(key, language))) == english, key


def test_translations_are_not_english_copies() -> None:
    # Language names and the brand are the same everywhere on purpose.
    same_everywhere = {k for k in CATALOGS.keys("en") if k.startswith(("language.", "widget.language_name"))}
    for language in ("ja", "vi", "ne", "pt"):
        copies = {
            key
            for key in CATALOGS.keys("en") - same_everywhere
            if CATALOGS.gettext(key, language) == CATALOGS.gettext(key, "en") and len(CATALOGS.gettext(key, "en")) > 12
        }
        assert copies == set(), (language, copies)


def test_missing_placeholder_stays_visible() -> None:
    from api.core.i18n import _SafeFormatter

    assert _SafeFormatter().format("{a} and {name}", a="x") == "x and {name}"


def test_unknown_key_never_shows_the_raw_key_when_english_has_it() -> None:
    assert CATALOGS.gettext("utter_goodbye", "xx").startswith("Goodbye")


def test_babel_formats_dates_and_numbers_per_locale() -> None:
    import datetime

    day = datetime.date(2026, 11, 24)
    assert format_date(day, "ja") == "2026年11月24日"
    assert format_date(day, "pt") == "24 de novembro de 2026"
    assert format_number(1234567, "en") == "1,234,567"
    assert format_number(1234567, "pt") == "1.234.567"


def test_review_status_is_in_every_header() -> None:
    for language in LANGUAGES:
        for path in (REPO_ROOT / "locales" / language / "LC_MESSAGES").glob("*.po"):
            header = path.read_text(encoding="utf-8")
            assert '"X-Review-Status:' in header, path
            if language != "en":
                assert "machine-drafted" in header, path


def test_every_language_has_the_same_catalog_files() -> None:
    files = {
        language: sorted(p.name for p in (REPO_ROOT / "locales" / language / "LC_MESSAGES").glob("*.po"))
        for language in LANGUAGES
    }
    assert all(names == files["en"] for names in files.values()), files
