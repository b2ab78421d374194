"""The dev set's split into a tuning part and a test part: disjoint, complete, stratified, fixed."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest

from knowledge_base.dev_set import DevItem, load_dev, parts, split


def _items(per_stratum: int) -> list[DevItem]:
    return [
        DevItem(f"{lang}-{topic}-{n}", lang, topic, f"question {n} about {topic} in {lang}")
        for lang in ("ja", "en", "ne")
        for topic in ("visa.coe", "visa.fees", "visa.ssw1")
        for n in range(per_stratum)
    ]


def test_split_is_disjoint_complete_and_in_input_order() -> None:
    items = _items(4)
    tuning, test = split(items)
    assert {i.id for i in tuning}.isdisjoint({i.id for i in test})
    assert len(tuning) + len(test) == len(items)
    assert [i.id for i in tuning] == [i.id for i in items if i in tuning]


def test_split_is_stratified_by_language_and_topic() -> None:
    tuning, test = split(_items(2))
    for part in (tuning, test):
        assert Counter((i.language, i.topic_id) for i in part) == {
            (lang, topic): 1 for lang in ("ja", "en", "ne") for topic in ("visa.coe", "visa.fees", "visa.ssw1")
        }
    # Odd strata do not all give their extra question to the same part.
    tuning, test = split(_items(3))
    assert 0 < len(test) - 9 < 9 and len(tuning) + len(test) == 27


def test_split_does_not_depend_on_input_order_or_on_other_strata() -> None:
    items = _items(2)
    shuffled = items[:]
    random.Random(7).shuffle(shuffled)
    assert {i.id for i in split(items)[1]} == {i.id for i in split(shuffled)[1]}
    # Adding a question to one stratum moves nothing elsewhere.
    extra = [*items, DevItem("en-visa.coe-new", "en", "visa.coe", "one more")]
    moved = {i.id for i in split(items)[1]} ^ {i.id for i in split(extra)[1]}
    assert all(i.startswith("en-visa.coe-") for i in moved)


def test_the_real_dev_set_splits_in_half_per_language() -> None:
    items = load_dev()
    halves = parts(items)
    assert set(halves) == {"tuning", "test"}
    assert len(halves["tuning"]) + len(halves["test"]) == len(items) >= 400
    for language in {i.language for i in items}:
        counts = [sum(i.language == language for i in p) for p in halves.values()]
        assert abs(counts[0] - counts[1]) <= 5
    assert parts(load_dev())["test"] == halves["test"]  # deterministic across calls


def test_load_dev_rejects_bad_lines_and_duplicate_ids(tmp_path: Path) -> None:
    good = {"id": "a", "language": "en", "topic_id": "visa.coe", "text": "x"}
    (tmp_path / "dev_1.jsonl").write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        load_dev(tmp_path)
    (tmp_path / "dev_1.jsonl").write_text('{"id": "a", "text": "no language"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"dev_1\.jsonl:1"):
        load_dev(tmp_path)
    (tmp_path / "dev_1.jsonl").write_text("not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"dev_1\.jsonl:1"):
        load_dev(tmp_path)
