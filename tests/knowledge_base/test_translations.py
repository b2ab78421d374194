"""Translations name the English revision they were made from (source_hash) and its text is kept as a snapshot,
so a reviewer sees what changed in English since; the validator and `translated` keep that true."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge_base import articles, translations
from knowledge_base.cli import main
from tests.knowledge_base.conftest import article_text, write


def _load(content_dir: Path, lang: str, topic: str) -> articles.Article:
    return articles.load_file(content_dir / lang / f"{topic}.md")[0]


def test_hash_covers_the_text_and_not_the_dates(content_dir: Path) -> None:
    before = translations.content_hash(_load(content_dir, "en", "visa.coe"))
    write(content_dir, "en", "visa.coe", article_text("visa.coe", "en", as_of="2026-12-01", review_due="2027-06-01"))
    assert translations.content_hash(_load(content_dir, "en", "visa.coe")) == before
    text = article_text("visa.coe", "en").replace("one to three months", "two to four months")
    write(content_dir, "en", "visa.coe", text)
    after = translations.content_hash(_load(content_dir, "en", "visa.coe"))
    assert after != before and translations.is_hash(after)


def test_translated_records_the_source_and_its_snapshot(content_dir: Path, tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    revision = translations.mark_translated("vi", "visa.coe", content_dir, sources)
    english = _load(content_dir, "en", "visa.coe")
    vi = _load(content_dir, "vi", "visa.coe")
    assert vi.source_hash == revision == translations.content_hash(english)
    assert translations.read_snapshot("visa.coe", revision, sources) == translations.source_text(english)
    # Again: the line is replaced, not added twice, and the rest of the front matter is untouched.
    assert translations.mark_translated("vi", "visa.coe", content_dir, sources) == revision
    text = (content_dir / "vi" / "visa.coe.md").read_text(encoding="utf-8")
    assert text.count("source_hash:") == 1 and "translation_of: en" in text
    assert articles.load_file(content_dir / "vi" / "visa.coe.md")[1] == []


def test_diff_shows_what_changed_in_english_since(content_dir: Path, tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    translations.mark_translated("ne", "visa.fees", content_dir, sources)
    unchanged = translations.source_change(_load(content_dir, "ne", "visa.fees"), _load(content_dir, "en", "visa.fees"))
    assert not unchanged.changed and unchanged.diff == ()
    write(content_dir, "en", "visa.fees", article_text("visa.fees", "en").replace("8,000 yen", "up to 300,000 yen"))
    change = translations.source_change(
        _load(content_dir, "ne", "visa.fees"), _load(content_dir, "en", "visa.fees"), sources_dir=sources
    )
    assert change.changed
    assert any(line.startswith("-") and "8,000 yen" in line for line in change.diff)
    assert any(line.startswith("+") and "300,000 yen" in line for line in change.diff)


def test_validator_requires_a_known_source_revision(content_dir: Path, tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    errors = translations.validate(content_dir, sources)
    # Every translation (four languages, two topics) lacks its hash; English never needs one.
    assert len(errors) == 8 and all("missing 'source_hash'" in e for e in errors)
    assert not any("/en/" in e for e in errors)
    for lang in ("ja", "vi", "ne", "pt"):
        for topic in ("visa.coe", "visa.fees"):
            translations.mark_translated(lang, topic, content_dir, sources)
    assert translations.validate(content_dir, sources) == []
    write(content_dir, "pt", "visa.coe", article_text("visa.coe", "pt", source_hash="NOT-A-HASH"))
    write(content_dir, "ja", "visa.coe", article_text("visa.coe", "ja", source_hash="0123456789abcdef"))
    errors = translations.validate(content_dir, sources)
    assert any("pt/visa.coe.md" in e and "is not 16 hex digits" in e for e in errors)
    assert any("ja/visa.coe.md" in e and "no snapshot" in e for e in errors)


def test_snapshot_names_cannot_leave_the_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        translations.snapshot_path("../etc", "0123456789abcdef", tmp_path)
    with pytest.raises(ValueError):
        translations.snapshot_path("visa.coe", "../../passwd", tmp_path)
    assert translations.read_snapshot("visa.coe", "../../passwd", tmp_path) is None


def test_cli_translated(content_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sources = str(tmp_path / "sources")
    assert main(["translated", "vi/visa.coe", "pt/visa.fees", "--content", str(content_dir), "--sources", sources]) == 0
    assert "vi/visa.coe: translated from English" in capsys.readouterr().out
    assert main(["translated", "en/visa.coe", "--content", str(content_dir), "--sources", sources]) == 2
    assert "the English article is the source" in capsys.readouterr().err
    assert main(["translated", "vi/visa.nothing", "--content", str(content_dir), "--sources", sources]) == 2


def test_real_translations_name_their_source() -> None:
    """Every translation in the repository carries the English revision it follows, with its snapshot."""
    errors = translations.validate()
    assert errors == [], "\n".join(errors[:10])
    assert sum(1 for a in articles.load_all() if a.translation_of) >= 4 * 40
