"""The dev questions (eval/dev_*.jsonl) and their fixed split into a tuning part and a test part.

Everything that is fitted — fusion weights, the confidence model and its threshold — sees only the
tuning part; the test part only measures. The split is stratified by (language, topic), so each part
has every topic in every language, and deterministic: inside a stratum the questions are ordered by
the SHA-256 of their id and dealt alternately, starting at a stratum-dependent offset so odd-sized
strata do not all lean the same way. Adding a question moves at most the questions of its stratum.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

DEV_DIR = Path(__file__).resolve().parent / "eval"
PARTS = ("tuning", "test")


@dataclass(frozen=True)
class DevItem:
    id: str
    language: str
    topic_id: str
    text: str


def load_dev(path: Path = DEV_DIR) -> list[DevItem]:
    files = sorted(path.glob("dev_*.jsonl")) if path.is_dir() else [path]
    items = []
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                items.append(DevItem(str(d["id"]), str(d["language"]), str(d["topic_id"]), str(d["text"])))
            except (ValueError, KeyError) as exc:
                raise ValueError(f"{file}:{number}: not a dev question ({exc})") from exc
    ids = [i.id for i in items]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate dev question ids under {path}")
    return items


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split(items: Iterable[DevItem]) -> tuple[list[DevItem], list[DevItem]]:
    """(tuning, test), each in the input order."""
    items = list(items)
    strata: dict[tuple[str, str], list[DevItem]] = defaultdict(list)
    for item in items:
        strata[(item.language, item.topic_id)].append(item)
    test_ids: set[str] = set()
    for (language, topic), group in strata.items():
        ordered = sorted(group, key=lambda i: _digest(i.id))
        offset = int(_digest(f"{language}/{topic}"), 16) % 2
        test_ids.update(item.id for n, item in enumerate(ordered) if (n + offset) % 2 == 1)
    return [i for i in items if i.id not in test_ids], [i for i in items if i.id in test_ids]


def parts(items: Iterable[DevItem]) -> dict[str, list[DevItem]]:
    tuning, test = split(items)
    return {"tuning": tuning, "test": test}
