"""Keeping the knowledge true: every article and every rule data file says when its facts were checked
(`as_of`) and when they must be checked again (`review_due`).

Articles carry both in their front matter, rule files (`knowledge_base/data/**/*.yml`) as top-level
keys. `check_dates` is the one rule for both (valid ISO dates, review_due after as_of), used by the
validator; `overdue` lists what is past its review_due for `python -m knowledge_base stale`, which
reports and never fails: a stale fact is work for an editor, not a broken build.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
DATE_KEYS = ("as_of", "review_due")


def _date(value: Any) -> dt.date | None:
    """A YAML value as a date: YAML gives dates for unquoted ISO dates, strings for quoted ones."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def check_dates(meta: dict[str, Any]) -> tuple[dict[str, dt.date], list[str]]:
    """The valid dates among as_of/review_due, and the problems: missing, not a date, due before checked."""
    dates: dict[str, dt.date] = {}
    problems: list[str] = []
    for key in DATE_KEYS:
        raw = meta.get(key)
        if raw in (None, ""):
            problems.append(f"missing '{key}'")
            continue
        parsed = _date(raw)
        if parsed is None:
            problems.append(f"{key} {raw!r} is not a date (YYYY-MM-DD)")
        else:
            dates[key] = parsed
    if len(dates) == 2 and dates["review_due"] <= dates["as_of"]:
        problems.append(f"review_due {dates['review_due']} is not after as_of {dates['as_of']}")
    return dates, problems


def data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    return sorted(data_dir.rglob("*.yml"))


def _load_mapping(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise ValueError("expected a mapping at the top level")
    return loaded


def validate_data(data_dir: Path = DATA_DIR) -> list[str]:
    """One message per problem, naming the rule file."""
    errors: list[str] = []
    for path in data_files(data_dir):
        try:
            meta = _load_mapping(path)
        except (yaml.YAMLError, ValueError) as exc:
            errors.append(f"{path}: cannot be read ({exc})")
            continue
        errors += [f"{path}: {problem}" for problem in check_dates(meta)[1]]
    return errors


@dataclass(frozen=True)
class Due:
    kind: str  # "article" or "data"
    name: str  # "<lang>/<topic_id>" or the rule file's path under the data folder
    as_of: dt.date
    review_due: dt.date

    def days_overdue(self, today: dt.date) -> int:
        return (today - self.review_due).days


def _article_dues(content_dir: Path) -> Iterable[Due]:
    from knowledge_base.articles import load_all

    for article in load_all(content_dir):
        dates, problems = check_dates({"as_of": article.as_of, "review_due": article.review_due})
        if not problems:
            yield Due("article", f"{article.language}/{article.topic_id}", dates["as_of"], dates["review_due"])


def _data_dues(data_dir: Path) -> Iterable[Due]:
    for path in data_files(data_dir):
        try:
            dates, problems = check_dates(_load_mapping(path))
        except (yaml.YAMLError, ValueError):
            continue  # unreadable files are the validator's business
        if not problems:
            yield Due("data", path.relative_to(data_dir).as_posix(), dates["as_of"], dates["review_due"])


def all_dues(content_dir: Path, data_dir: Path = DATA_DIR) -> list[Due]:
    return [*_article_dues(content_dir), *_data_dues(data_dir)]


def overdue(dues: Iterable[Due], today: dt.date) -> list[Due]:
    """Past review_due on `today` (due today is not yet overdue), the longest overdue first."""
    return sorted((d for d in dues if d.review_due < today), key=lambda d: (d.review_due, d.kind, d.name))
