"""Articles: front matter per CONTENT-GUIDE.md, body split into `## ` sections, and the validator."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge_base.freshness import check_dates
from knowledge_base.language import LANGUAGES
from knowledge_base.topics import TOPIC_IDS

CONTENT_DIR = Path(__file__).resolve().parent / "content"
REVIEW_STATUSES = ("drafted", "reviewed")
REQUIRED_KEYS = ("topic_id", "language", "title", "summary", "sources", "last_reviewed", "review_status", "related")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?(.*)\Z", re.DOTALL)
# Absolute URLs, or site-relative paths to Kakehashi's own pages ("/privacy") for the service topics.
_URL = re.compile(r"^(https?://\S+|/\S*)$")


class ArticleError(ValueError):
    """One article cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class Section:
    heading: str
    text: str


@dataclass(frozen=True)
class Article:
    topic_id: str
    language: str
    title: str
    summary: str
    sources: tuple[str, ...]
    last_reviewed: str
    review_status: str
    related: tuple[str, ...]
    translation_of: str | None
    sections: tuple[Section, ...]
    path: Path | None = None
    as_of: str = ""  # the date the facts were checked (freshness.py)
    review_due: str = ""  # the date they must be checked again
    source_hash: str = ""  # translations: the English revision they were made from (translations.py)

    @property
    def url(self) -> str:
        return f"/kb/{self.language}/{self.topic_id}"

    @property
    def body(self) -> str:
        return "\n\n".join(f"## {s.heading}\n{s.text}" if s.heading else s.text for s in self.sections)


def split_sections(body: str) -> tuple[Section, ...]:
    """Split on `## ` headings; text before the first heading becomes a section without heading."""
    sections: list[Section] = []
    heading = ""
    lines: list[str] = []

    def flush() -> None:
        text = "\n".join(lines).strip()
        if text or heading:
            sections.append(Section(heading, text))

    for line in body.splitlines():
        if line.startswith("## "):
            flush()
            heading, lines = line[3:].strip(), []
        else:
            lines.append(line)
    flush()
    return tuple(sections)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value) if isinstance(value, list | tuple) else [value]


def parse(text: str, path: Path | None = None) -> tuple[Article, list[str]]:
    """Parse one article. Returns the article and the problems found in its front matter.

    Raises ArticleError only when nothing usable can be read (no front matter, invalid YAML).
    """
    where = str(path) if path else "<article>"
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        raise ArticleError(f"{where}: no front matter between '---' lines")
    try:
        meta = yaml.safe_load(match.group(1))
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date YAML cannot build (2027-02-30)
        raise ArticleError(f"{where}: front matter is not valid YAML ({exc})") from exc
    if not isinstance(meta, dict):
        raise ArticleError(f"{where}: front matter is not a mapping")

    problems = [f"missing '{key}'" for key in REQUIRED_KEYS if meta.get(key) in (None, "", [])]
    sources = [str(s).strip() for s in _as_list(meta.get("sources"))]
    problems += [f"source is not a URL: {s!r}" for s in sources if not _URL.match(s)]
    status = str(meta.get("review_status") or "")
    if status and status not in REVIEW_STATUSES:
        problems.append(f"review_status {status!r} is not one of {', '.join(REVIEW_STATUSES)}")
    language = str(meta.get("language") or "")
    if language and language not in LANGUAGES:
        problems.append(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    reviewed = meta.get("last_reviewed")
    if isinstance(reviewed, dt.datetime):
        reviewed = reviewed.date()
    if reviewed not in (None, "") and not isinstance(reviewed, dt.date):
        try:
            reviewed = dt.date.fromisoformat(str(reviewed))
        except ValueError:
            problems.append(f"last_reviewed {reviewed!r} is not a date (YYYY-MM-DD)")
    dates, date_problems = check_dates(meta)
    problems += date_problems
    translation_of = meta.get("translation_of")
    if translation_of is not None and str(translation_of) not in LANGUAGES:
        problems.append(f"translation_of {translation_of!r} is not one of {', '.join(LANGUAGES)}")

    sections = split_sections(match.group(2))
    if not any(s.heading for s in sections):
        problems.append("body has no '## ' section")
    article = Article(
        topic_id=str(meta.get("topic_id") or ""),
        language=language,
        title=" ".join(str(meta.get("title") or "").split()),
        summary=" ".join(str(meta.get("summary") or "").split()),
        sources=tuple(sources),
        last_reviewed=reviewed.isoformat() if isinstance(reviewed, dt.date) else str(reviewed or ""),
        review_status=status,
        related=tuple(str(r) for r in _as_list(meta.get("related"))),
        translation_of=str(translation_of) if translation_of is not None else None,
        sections=sections,
        path=path,
        as_of=dates["as_of"].isoformat() if "as_of" in dates else "",
        review_due=dates["review_due"].isoformat() if "review_due" in dates else "",
        source_hash=str(meta.get("source_hash") or ""),
    )
    return article, problems


def load_file(path: Path) -> tuple[Article, list[str]]:
    article, problems = parse(path.read_text(encoding="utf-8"), path)
    if article.topic_id and article.topic_id != path.stem:
        problems.append(f"topic_id {article.topic_id!r} does not match the file name {path.name!r}")
    if article.language and article.language != path.parent.name:
        problems.append(f"language {article.language!r} does not match the folder {path.parent.name!r}")
    return article, problems


@dataclass
class Report:
    articles: list[Article] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    extra_topics: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _files(content_dir: Path) -> Iterable[Path]:
    for language in LANGUAGES:
        folder = content_dir / language
        if folder.is_dir():
            yield from sorted(folder.glob("*.md"))


def validate(content_dir: Path = CONTENT_DIR, topics: Iterable[str] = TOPIC_IDS) -> Report:
    """Check every article, that each required topic exists in all five languages, and related ids."""
    report = Report()
    for path in _files(content_dir):
        try:
            article, problems = load_file(path)
        except ArticleError as exc:
            report.errors.append(str(exc))
            continue
        report.errors += [f"{path}: {p}" for p in problems]
        report.articles.append(article)

    required = list(topics)
    # Topics beyond the fixed list are allowed (content may grow), but like the required ones
    # they must exist in every language, so no user meets a topic that is missing in theirs.
    extra = sorted({a.topic_id for a in report.articles if a.topic_id} - set(required))
    report.extra_topics = extra
    known = set(required) | set(extra)
    present = {(a.language, a.topic_id) for a in report.articles}
    for topic in [*required, *extra]:
        missing = [lang for lang in LANGUAGES if (lang, topic) not in present]
        if missing:
            report.errors.append(f"topic {topic}: missing in {', '.join(missing)}")
    for article in report.articles:
        for rel in article.related:
            if rel not in known:
                report.errors.append(f"{article.path}: related id {rel!r} does not exist")
            elif rel == article.topic_id:
                report.errors.append(f"{article.path}: related lists the article itself")
    return report


def load_all(content_dir: Path = CONTENT_DIR) -> list[Article]:
    """Every readable article, for indexing; problems are the validator's business, not the index's."""
    articles = []
    for path in _files(content_dir):
        try:
            articles.append(load_file(path)[0])
        except ArticleError:
            continue
    return [a for a in articles if a.topic_id and a.language]


@lru_cache(maxsize=1)
def article_titles(content_dir: Path = CONTENT_DIR) -> dict[tuple[str, str], str]:
    """{(topic_id, language): title} of the committed articles, read once: pages name an article by
    its title (never its internal id) without needing the search index."""
    return {(a.topic_id, a.language): a.title for a in load_all(content_dir)}
