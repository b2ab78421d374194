"""Example questions per topic (questions/<lang>.yml), indexed as extra chunks beside the articles.

Users ask in words the articles do not use: informal, romanised ("bhisa renew garna"), without
accents ("gia han visa"), half in English. A few questions per topic written the way people ask
give the dense and BM25 signals something in that register to match. They are kept apart from the
articles (so content edits and these never touch the same file) and from the dev set: they are
never copied from it, and a test checks that none repeats a dev question.

File format: `machine_drafted: true|false`, then `topics: {topic_id: [question, ...]}`.
Questions are embedded as queries (e5's "query: " prefix): they are questions, and a question
matches a question best with the same prefix on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge_base.language import LANGUAGES

QUESTIONS_DIR = Path(__file__).resolve().parent / "questions"
MAX_QUESTION_CHARS = 300


@dataclass(frozen=True)
class Question:
    topic_id: str
    language: str
    text: str


def files(questions_dir: Path = QUESTIONS_DIR) -> list[Path]:
    return [questions_dir / f"{lang}.yml" for lang in LANGUAGES if (questions_dir / f"{lang}.yml").is_file()]


def load(questions_dir: Path = QUESTIONS_DIR) -> tuple[list[Question], list[str]]:
    """Every example question, and the problems found (unknown format, empty or overlong entries)."""
    out: list[Question] = []
    problems: list[str] = []
    for path in files(questions_dir):
        language = path.stem
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            problems.append(f"{path}: not valid YAML ({exc})")
            continue
        topics = data.get("topics") if isinstance(data, dict) else None
        if not isinstance(topics, dict):
            problems.append(f"{path}: no 'topics' mapping")
            continue
        seen: set[str] = set()
        for topic_id, texts in topics.items():
            if not isinstance(texts, list):
                problems.append(f"{path}: {topic_id}: not a list of questions")
                continue
            for text in texts:
                text = " ".join(str(text).split())
                if not text or len(text) > MAX_QUESTION_CHARS:
                    problems.append(f"{path}: {topic_id}: empty or longer than {MAX_QUESTION_CHARS} characters")
                    continue
                if text.casefold() in seen:
                    problems.append(f"{path}: {topic_id}: repeated question {text!r}")
                    continue
                seen.add(text.casefold())
                out.append(Question(str(topic_id), language, text))
    return out, problems
