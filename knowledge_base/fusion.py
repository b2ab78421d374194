"""Topic-level fusion of dense and BM25 signals (weighted reciprocal-rank fusion).

Chunk scores are first reduced to one score per topic (the best chunk), then each signal ranks the
topics and RRF adds weight / (k + rank). RRF needs no score normalisation, which matters here:
e5 cosines sit in a narrow 0.78-0.90 band while BM25 scores are unbounded.

`ranks` and `rrf` work on the last axis, so evaluation fuses every dev question in one call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class FusionWeights:
    dense_language: float = 1.0  # best chunk in the answer (or query) language
    dense_any: float = 1.0  # best chunk in any language: the cross-language fallback
    bm25: float = 0.3  # BM25 in the answer (or query) language
    bm25_any: float = 1.0  # BM25 in every language, for romanised and mixed-language questions
    # A small k rewards agreement at the top.
    k: float = 3.0
    question_dense: float = 0.0  # best example question of the topic, any language (off by default)
    question_bm25: float = 0.0  # BM25 over every language's example questions (off by default)

    @property
    def best_possible(self) -> float:
        return sum(self.by_signal().values()) / (self.k + 1)

    def by_signal(self) -> dict[str, float]:
        return {
            "dense_language": self.dense_language,
            "dense_any": self.dense_any,
            "bm25": self.bm25,
            "bm25_any": self.bm25_any,
            "question_dense": self.question_dense,
            "question_bm25": self.question_bm25,
        }


# Tuned on the tuning part of the dev set only (`eval --tune`); the index's calibration.json, written
# by `eval --calibrate`, carries the weights actually used.
TUNED = FusionWeights(
    dense_language=1.0, dense_any=0.0, bm25=0.6, bm25_any=0.3, k=3.0, question_dense=1.0, question_bm25=1.0
)


def topic_max(
    chunk_scores: np.ndarray,
    chunk_topics: Sequence[int] | np.ndarray[Any, Any],
    n_topics: int,
    mask: np.ndarray | None = None,
) -> np.ndarray:
    """Best chunk score per topic; topics without a (masked-in) chunk get -inf."""
    out = np.full(n_topics, -np.inf, dtype=np.float32)
    topics = np.asarray(chunk_topics)
    scores = chunk_scores if mask is None else np.where(mask, chunk_scores, -np.inf)
    np.maximum.at(out, topics, scores)
    return out


def topic_slots(chunk_topics: Sequence[int] | np.ndarray[Any, Any], n_topics: int, mask: np.ndarray) -> np.ndarray:
    """(topics, width) matrix of the masked-in chunk ids of each topic, padded with -1."""
    topics = np.asarray(chunk_topics)
    members = [np.flatnonzero(mask & (topics == t)) for t in range(n_topics)]
    width = max([1, *(len(m) for m in members)])
    out = np.full((n_topics, width), -1, dtype=np.int64)
    for t, m in enumerate(members):
        out[t, : len(m)] = m
    return out


def topic_top_mean(chunk_scores: np.ndarray, slots: np.ndarray, k: int) -> np.ndarray:
    """Mean of each topic's best `k` chunk scores (fewer when it has fewer); -inf without chunks.

    For the short example-question chunks one lucky match is noise; several close ones are a topic.
    """
    values = np.where(slots >= 0, chunk_scores[np.maximum(slots, 0)], -np.inf)
    best = -np.sort(-values, axis=1)[:, :k]
    finite = np.isfinite(best)
    count = finite.sum(axis=1)
    total = np.where(finite, best, 0.0).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), -np.inf).astype(np.float32)


def ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of each entry along the last axis (ties: the earlier entry ranks first)."""
    order = np.argsort(-scores, axis=-1, kind="stable")
    out = np.empty(scores.shape, dtype=np.float32)
    positions = np.broadcast_to(np.arange(1, scores.shape[-1] + 1, dtype=np.float32), scores.shape)
    np.put_along_axis(out, order, positions, axis=-1)
    return out


def rrf(signals: Mapping[str, np.ndarray], weights: Mapping[str, float], k: float) -> np.ndarray:
    """Weighted RRF. A signal with no evidence for a topic (-inf, or 0 for BM25) adds nothing."""
    total: np.ndarray | None = None
    for name, scores in signals.items():
        weight = weights.get(name, 0.0)
        if weight == 0.0:
            continue
        part = weight / (k + ranks(scores))
        part = np.where(np.isfinite(scores) & (scores > 0), part, 0.0)
        total = part if total is None else total + part
    if total is None:
        raise ValueError("no fusion signal has a weight")
    return total.astype(np.float32)
