from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.bm25 import BM25
from knowledge_base.fusion import FusionWeights, ranks, rrf, topic_max


def test_topic_max_takes_best_chunk_and_respects_mask() -> None:
    scores = np.array([0.1, 0.9, 0.5, 0.7], dtype=np.float32)
    topics = [0, 0, 1, 1]
    assert topic_max(scores, topics, 2).tolist() == pytest.approx([0.9, 0.7])
    masked = topic_max(scores, topics, 2, np.array([True, False, True, False]))
    assert masked.tolist() == pytest.approx([0.1, 0.5])


def test_rrf_prefers_agreement_and_ignores_missing_evidence() -> None:
    dense = np.array([0.80, 0.82, 0.79], dtype=np.float32)
    bm25 = np.array([5.0, 0.0, 4.0], dtype=np.float32)
    fused = rrf({"dense": dense, "bm25": bm25}, {"dense": 1.0, "bm25": 1.0}, k=3.0)
    # topic 1 wins dense alone, topic 0 is second in dense and first in BM25: agreement wins.
    assert int(np.argmax(fused)) == 0
    # No BM25 evidence adds nothing (rank alone would have given topic 1 a share).
    assert fused[1] == pytest.approx(1.0 / (3.0 + 1))


def test_rrf_weight_zero_turns_a_signal_off() -> None:
    a = np.array([1.0, 0.5], dtype=np.float32)
    b = np.array([0.1, 0.9], dtype=np.float32)
    assert int(np.argmax(rrf({"a": a, "b": b}, {"a": 0.0, "b": 1.0}, k=1.0))) == 1
    with pytest.raises(ValueError):
        rrf({"a": a}, {"a": 0.0}, k=1.0)


def test_ranks_are_one_based() -> None:
    assert ranks(np.array([0.2, 0.9, 0.5])).tolist() == [3.0, 1.0, 2.0]


def test_best_possible_normalises_to_one() -> None:
    w = FusionWeights(dense_language=1, dense_any=1, bm25=1, bm25_any=1, k=3)
    assert w.best_possible == pytest.approx(1.0)


def test_bm25_rewards_rare_terms_and_roundtrips() -> None:
    model = BM25.build([["visa", "fee", "yen"], ["visa", "coe", "months"], ["visa", "student"]])
    scores = model.scores(["coe", "visa"])
    assert int(np.argmax(scores)) == 1
    again = BM25.from_json(model.to_json()).scores(["coe", "visa"])
    assert again.tolist() == pytest.approx(scores.tolist())
    assert model.scores(["unknown"]).sum() == 0


def test_topic_top_mean_averages_each_topics_best_chunks() -> None:
    from knowledge_base.fusion import topic_slots, topic_top_mean

    scores = np.array([0.9, 0.5, 0.7, 0.8, 0.1, 0.6], dtype=np.float32)
    topics = [0, 0, 0, 1, 1, 2]
    mask = np.array([True, True, True, True, True, False])
    slots = topic_slots(topics, 3, mask)
    assert topic_top_mean(scores, slots, 2).tolist() == pytest.approx([0.8, 0.45, float("-inf")])
    assert topic_top_mean(scores, slots, 1).tolist() == pytest.approx([0.9, 0.8, float("-inf")])


def test_rrf_and_ranks_work_on_many_rankings_at_once() -> None:
    a = np.array([[1.0, 0.5, 0.2], [0.1, 0.2, 0.3]], dtype=np.float32)
    b = np.array([[0.0, 2.0, 1.0], [1.0, 0.0, 3.0]], dtype=np.float32)
    assert ranks(a).tolist() == [[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]
    together = rrf({"a": a, "b": b}, {"a": 1.0, "b": 0.5}, k=3.0)
    for row in range(2):
        alone = rrf({"a": a[row], "b": b[row]}, {"a": 1.0, "b": 0.5}, k=3.0)
        assert together[row].tolist() == pytest.approx(alone.tolist())
