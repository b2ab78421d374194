from __future__ import annotations

from pathlib import Path

import pytest

from knowledge_base import articles
from knowledge_base.topics import TOPIC_IDS
from tests.knowledge_base.conftest import TOPIC_IDS as SMALL_TOPICS
from tests.knowledge_base.conftest import article_text, write


def test_topic_list_is_the_43_ids_of_issue_3() -> None:
    assert len(TOPIC_IDS) == 43
    assert len(set(TOPIC_IDS)) == 43
    assert {"visa.coe", "service.privacy", "nqf.canada_eca"} <= set(TOPIC_IDS)


def test_valid_content_passes(content_dir: Path) -> None:
    report = articles.validate(content_dir, SMALL_TOPICS)
    assert report.ok, report.errors
    assert len(report.articles) == 10


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"sources": "[]"}, "missing 'sources'"),
        ({"sources": "[not-a-url]"}, "source is not a URL"),
        ({"title": None}, "missing 'title'"),
        ({"summary": '""'}, "missing 'summary'"),
        ({"last_reviewed": "last week"}, "not a date"),
        ({"last_reviewed": None}, "missing 'last_reviewed'"),
        ({"review_status": "approved"}, "review_status 'approved'"),
        ({"related": "[visa.nope]"}, "related id 'visa.nope' does not exist"),
        ({"topic_id": "visa.other"}, "does not match the file name"),
        ({"language": "en"}, "does not match the folder"),
        ({"translation_of": "fr"}, "translation_of 'fr'"),
    ],
)
def test_each_kind_of_broken_front_matter_is_reported(
    content_dir: Path, overrides: dict[str, object], expected: str
) -> None:
    write(content_dir, "vi", "visa.coe", article_text("visa.coe", "vi", **overrides))
    report = articles.validate(content_dir, SMALL_TOPICS)
    assert not report.ok
    assert any(expected in e and "vi/visa.coe.md" in e for e in report.errors), report.errors


def test_missing_language_is_reported(content_dir: Path) -> None:
    (content_dir / "ne" / "visa.fees.md").unlink()
    report = articles.validate(content_dir, SMALL_TOPICS)
    assert report.errors == ["topic visa.fees: missing in ne"]


def test_extra_topic_is_allowed_only_in_all_languages(content_dir: Path) -> None:
    report = articles.validate(content_dir, ["visa.coe"])
    assert report.ok and report.extra_topics == ["visa.fees"]
    (content_dir / "en" / "visa.fees.md").unlink()
    report = articles.validate(content_dir, ["visa.coe"])
    assert "topic visa.fees: missing in en" in report.errors


def test_file_without_front_matter_is_reported(content_dir: Path) -> None:
    write(content_dir, "pt", "visa.coe", "## Só corpo\nsem metadados\n")
    report = articles.validate(content_dir, SMALL_TOPICS)
    assert any("no front matter" in e for e in report.errors)


def test_sections_split_on_level_two_headings() -> None:
    sections = articles.split_sections("intro line\n\n## First\na\nb\n### sub stays inside\n## Second\nc\n")
    assert [s.heading for s in sections] == ["", "First", "Second"]
    assert sections[1].text == "a\nb\n### sub stays inside"
    assert sections[2].text == "c"


def test_parse_normalises_fields() -> None:
    article, problems = articles.parse(article_text("visa.fees", "ja"))
    assert problems == []
    assert article.last_reviewed == "2026-11-24"
    assert article.related == ("visa.coe",)
    assert article.translation_of == "en"
    assert article.url == "/kb/ja/visa.fees"


def test_cli_validate_exit_codes(content_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from knowledge_base.cli import main

    # The real topic list has 43 ids, the tmp folder only two: the CLI must fail and say why.
    assert main(["validate", "--content", str(content_dir)]) == 1
    assert "missing in ja, en, vi, ne, pt" in capsys.readouterr().err


def test_real_content_validates() -> None:
    if not any(articles.CONTENT_DIR.glob("*/*.md")):
        pytest.skip("no articles in knowledge_base/content yet")
    report = articles.validate()
    assert report.ok, "\n".join(report.errors[:20])
