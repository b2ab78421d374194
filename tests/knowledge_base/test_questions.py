"""The example questions (knowledge_base/questions/<lang>.yml): readable, every topic in every
language, marked machine-drafted, and none taken from the dev set."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml

from knowledge_base import articles, questions
from knowledge_base.dev_set import load_dev
from knowledge_base.language import LANGUAGES

# Character-trigram Jaccard similarity at or above which a question counts as a copy of a dev question.
COPY_SIMILARITY = 0.6


def _trigrams(text: str) -> set[str]:
    text = " ".join(text.casefold().split())
    return {text[i : i + 3] for i in range(max(1, len(text) - 2))}


def test_every_language_has_every_topic_and_is_marked_machine_drafted() -> None:
    found, problems = questions.load()
    assert problems == []
    topics = {a.topic_id for a in articles.load_all()}
    per_language: dict[str, set[str]] = defaultdict(set)
    for q in found:
        per_language[q.language].add(q.topic_id)
    assert set(per_language) == set(LANGUAGES)
    for language, covered in per_language.items():
        assert covered == topics, language
    for path in questions.files():
        assert yaml.safe_load(path.read_text(encoding="utf-8"))["machine_drafted"] is True, path


def test_no_example_question_repeats_a_dev_question() -> None:
    found, _ = questions.load()
    dev = [(_trigrams(d.text), d) for d in load_dev()]
    copies = []
    for q in found:
        grams = _trigrams(q.text)
        for dev_grams, item in dev:
            if len(grams & dev_grams) / len(grams | dev_grams) >= COPY_SIMILARITY:
                copies.append(f"{q.language} {q.text!r} ~ {item.id} {item.text!r}")
    assert copies == []


def test_load_reports_bad_entries(tmp_path: Path) -> None:
    (tmp_path / "en.yml").write_text(
        "topics:\n  visa.coe: [ok question, '', OK Question]\n  visa.fees: not a list\n  visa.ssw1: ['"
        + "x" * 400
        + "']\n",
        encoding="utf-8",
    )
    (tmp_path / "ja.yml").write_text("topics: [unclosed\n", encoding="utf-8")
    found, problems = questions.load(tmp_path)
    assert [q.text for q in found] == ["ok question"]
    assert any("repeated question" in p for p in problems)
    assert any("empty or longer" in p for p in problems)
    assert any("not a list" in p for p in problems)
    assert any("ja.yml: not valid YAML" in p for p in problems)
