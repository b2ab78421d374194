"""as_of / review_due on every article and rule file: the validator requires them, `stale` lists what is overdue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from knowledge_base import articles, freshness
from knowledge_base.cli import main
from tests.knowledge_base.conftest import TOPIC_IDS as SMALL_TOPICS
from tests.knowledge_base.conftest import article_text, write

RULE = "# a rule file\nas_of: 2026-12-04\nreview_due: 2027-06-04\nthreshold: 70\n"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    (root / "comparability").mkdir(parents=True)
    (root / "pathways.yml").write_text(RULE, encoding="utf-8")
    (root / "comparability" / "VN.yml").write_text(
        "as_of: 2026-11-24\nreview_due: 2027-11-24\ncountry: VN\n", encoding="utf-8"
    )
    return root


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"as_of": None}, "missing 'as_of'"),
        ({"review_due": None}, "missing 'review_due'"),
        ({"as_of": "last week"}, "as_of 'last week' is not a date"),
        ({"review_due": "2027-02-30"}, "not valid YAML (day is out of range for month)"),
        ({"review_due": "'2027-02-30'"}, "review_due '2027-02-30' is not a date"),
        ({"review_due": "2026-11-24"}, "review_due 2026-11-24 is not after as_of 2026-11-24"),
        ({"as_of": "2027-01-01", "review_due": "2026-12-31"}, "is not after as_of"),
    ],
)
def test_article_dates_are_required_and_checked(content_dir: Path, overrides: dict[str, object], expected: str) -> None:
    write(content_dir, "ne", "visa.fees", article_text("visa.fees", "ne", **overrides))
    report = articles.validate(content_dir, SMALL_TOPICS)
    assert any(expected in e and "ne/visa.fees.md" in e for e in report.errors), report.errors


def test_article_dates_are_parsed(content_dir: Path) -> None:
    article, problems = articles.parse(article_text("visa.coe", "pt", as_of="'2026-12-04'", review_due="2027-06-04"))
    assert problems == []
    assert (article.as_of, article.review_due) == ("2026-12-04", "2027-06-04")


def test_valid_rule_files_pass(data_dir: Path) -> None:
    assert freshness.validate_data(data_dir) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("review_due: 2027-06-04\nthreshold: 70\n", "missing 'as_of'"),
        ("as_of: 2026-12-04\nthreshold: 70\n", "missing 'review_due'"),
        ("as_of: 2026-12-04\nreview_due: soon\n", "review_due 'soon' is not a date"),
        ("as_of: 2026-12-04\nreview_due: 2026-06-04\n", "is not after as_of"),
        ("- a list\n- not a mapping\n", "cannot be read"),
        ("as_of: [unclosed\n", "cannot be read"),
    ],
)
def test_each_kind_of_broken_rule_file_is_reported(data_dir: Path, text: str, expected: str) -> None:
    (data_dir / "comparability" / "BR.yml").write_text(text, encoding="utf-8")
    errors = freshness.validate_data(data_dir)
    assert len(errors) == 1 and expected in errors[0] and "comparability/BR.yml" in errors[0], errors


def test_real_rule_files_and_articles_carry_valid_dates() -> None:
    assert freshness.validate_data() == []
    assert len(freshness.data_files()) >= 23
    report = articles.validate()
    assert report.ok, report.errors[:5]
    assert all(a.as_of and a.review_due for a in report.articles)


def test_overdue_is_strictly_after_review_due(content_dir: Path, data_dir: Path) -> None:
    dues = freshness.all_dues(content_dir, data_dir)
    assert len(dues) == 10 + 2  # the 10 fixture articles (review_due 2027-05-24) and the 2 rule files
    assert freshness.overdue(dues, dt.date(2027, 5, 24)) == []
    late = freshness.overdue(dues, dt.date(2027, 5, 25))
    assert [d.kind for d in late] == ["article"] * 10
    assert late[0].days_overdue(dt.date(2027, 5, 25)) == 1
    names = [d.name for d in freshness.overdue(dues, dt.date(2030, 1, 1))]
    assert names[-2:] == ["pathways.yml", "comparability/VN.yml"]  # by review_due: 2027-06-04, then 2027-11-24


def test_stale_cli_lists_overdue_and_exits_0(
    content_dir: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = ["--content", str(content_dir), "--data", str(data_dir)]
    assert main(["stale", "--today", "2027-01-01", *paths]) == 0
    assert capsys.readouterr().out.strip() == "0 of 12 overdue on 2027-01-01"
    assert main(["stale", "--today", "2027-06-05", *paths]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "11 of 12 overdue on 2027-06-05"
    assert any("data" in line and "pathways.yml" in line and "1 days" in line for line in out)
    assert any("article" in line and "vi/visa.coe" in line and "(checked 2026-11-24)" in line for line in out)


def test_stale_cli_rejects_a_bad_date(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["stale", "--today", "2027-13-01"])
    assert exit_info.value.code == 2
    assert "not a date (YYYY-MM-DD): '2027-13-01'" in capsys.readouterr().err


def test_validate_cli_fails_on_a_rule_file_without_dates(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data_dir / "hsp_points.yml").write_text("threshold: 70\n", encoding="utf-8")
    assert main(["validate", "--data", str(data_dir)]) == 1
    captured = capsys.readouterr()
    assert "hsp_points.yml: missing 'as_of'" in captured.err
    assert "3 rule data files: 2 problems" in captured.out
