"""Which English text a translation was made from, so a reviewer can see what changed in the source since.

Every non-English article names its source language (`translation_of: en`) and the source's revision
at the time it was translated (`source_hash`: the first 16 hex digits of the SHA-256 of the English
article's title, summary and body; dates and sources do not count, so re-checking a date is not a
"change"). The English text at that revision is kept as a snapshot under `knowledge_base/sources/`
(`<topic_id>@<hash>.md`), because the service has no git history at run time and a diff needs the old
text, not only its hash. `python -m knowledge_base translated LANG/TOPIC` records a fresh translation
(sets `source_hash` to the current English revision and writes its snapshot); the validator fails on a
translation without a hash or whose snapshot is missing.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from knowledge_base.articles import CONTENT_DIR, Article, load_all, load_file

SOURCES_DIR = Path(__file__).resolve().parent / "sources"
SOURCE_LANGUAGE = "en"
HASH_CHARS = 16
_HASH = re.compile(rf"^[0-9a-f]{{{HASH_CHARS}}}$")
_FRONT_END = re.compile(r"\A(---[ \t]*\r?\n.*?\r?\n)(---[ \t]*\r?\n)", re.DOTALL)
_SOURCE_HASH_LINE = re.compile(r"^source_hash:.*$", re.MULTILINE)


def source_text(article: Article) -> str:
    """The translatable text of an article: what a translator reads, and what a diff shows."""
    return f"# {article.title}\n\n{article.summary}\n\n{article.body}".strip() + "\n"


def content_hash(article: Article) -> str:
    return hashlib.sha256(source_text(article).encode("utf-8")).hexdigest()[:HASH_CHARS]


def is_hash(value: str) -> bool:
    return bool(_HASH.match(value))


def snapshot_path(topic_id: str, revision: str, sources_dir: Path = SOURCES_DIR) -> Path:
    if not is_hash(revision) or "/" in topic_id or topic_id.startswith("."):
        raise ValueError(f"not a snapshot name: {topic_id}@{revision}")
    return sources_dir / f"{topic_id}@{revision}.md"


def read_snapshot(topic_id: str, revision: str, sources_dir: Path = SOURCES_DIR) -> str | None:
    try:
        return snapshot_path(topic_id, revision, sources_dir).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None


def write_snapshot(source: Article, sources_dir: Path = SOURCES_DIR) -> Path:
    path = snapshot_path(source.topic_id, content_hash(source), sources_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(source_text(source), encoding="utf-8")
    return path


def diff(old: str, new: str) -> list[str]:
    """A unified diff of the English text, line by line (difflib; empty when nothing changed)."""
    return list(
        difflib.unified_diff(old.splitlines(), new.splitlines(), "translated from", "English now", lineterm="", n=2)
    )


@dataclass(frozen=True)
class SourceChange:
    """How a translation stands against its English source."""

    current: str  # the English revision now
    translated_from: str  # the revision the translation was made from ("" when unknown)
    changed: bool
    diff: tuple[str, ...]  # empty when unchanged or when the old text is unknown


def source_change(
    translation: Article,
    source: Article,
    since: str | None = None,
    since_text: str | None = None,
    sources_dir: Path = SOURCES_DIR,
) -> SourceChange:
    """What changed in `source` since `since` (a revision; default: the translation's source_hash).

    `since_text` is the English text at `since` when the caller has it (a review stores it); otherwise
    the snapshot is read.
    """
    current = content_hash(source)
    base = since if since is not None else translation.source_hash
    if not base or base == current:
        return SourceChange(current, base, changed=bool(base) and base != current, diff=())
    old = since_text if since_text is not None else read_snapshot(source.topic_id, base, sources_dir)
    lines = tuple(diff(old, source_text(source))) if old is not None else ()
    return SourceChange(current, base, changed=True, diff=lines)


def validate(content_dir: Path = CONTENT_DIR, sources_dir: Path = SOURCES_DIR) -> list[str]:
    """One message per translation without a well-formed source_hash or without its snapshot."""
    errors: list[str] = []
    for article in load_all(content_dir):
        if article.translation_of is None:
            continue
        where = article.path or f"{article.language}/{article.topic_id}"
        if not article.source_hash:
            errors.append(
                f"{where}: missing 'source_hash' (run: python -m knowledge_base translated "
                f"{article.language}/{article.topic_id})"
            )
        elif not is_hash(article.source_hash):
            errors.append(f"{where}: source_hash {article.source_hash!r} is not {HASH_CHARS} hex digits")
        elif read_snapshot(article.topic_id, article.source_hash, sources_dir) is None:
            errors.append(f"{where}: no snapshot of the English source {article.source_hash} in {sources_dir}")
    return errors


def set_source_hash(path: Path, revision: str) -> None:
    """Write `source_hash: <revision>` into an article's front matter (replacing an older one)."""
    text = path.read_text(encoding="utf-8")
    if _SOURCE_HASH_LINE.search(text.split("\n---", 1)[0]):
        head, sep, rest = text.partition("\n---")
        text = _SOURCE_HASH_LINE.sub(f"source_hash: {revision}", head, count=1) + sep + rest
    else:
        match = _FRONT_END.match(text)
        if match is None:
            raise ValueError(f"{path}: no front matter")
        text = f"{match.group(1)}source_hash: {revision}\n{match.group(2)}{text[match.end() :]}"
    path.write_text(text, encoding="utf-8")


def mark_translated(
    language: str, topic_id: str, content_dir: Path = CONTENT_DIR, sources_dir: Path = SOURCES_DIR
) -> str:
    """Record that the translation now follows the current English text; returns that revision."""
    if language == SOURCE_LANGUAGE:
        raise ValueError("the English article is the source, not a translation")
    source_path = content_dir / SOURCE_LANGUAGE / f"{topic_id}.md"
    target_path = content_dir / language / f"{topic_id}.md"
    if not source_path.is_file() or not target_path.is_file():
        raise ValueError(f"no article {language}/{topic_id} with an English source")
    source = load_file(source_path)[0]
    write_snapshot(source, sources_dir)
    revision = content_hash(source)
    set_source_hash(target_path, revision)
    return revision
