"""Topic-level fusion of dense and BM25 signals (weighted reciprocal-rank fusion).

Chunk scores are first reduced to one score per topic (the best chunk), then each signal ranks the
topics and RRF adds weight / (k + rank). RRF needs no score normalisation, which matters here:
e5 cosines sit in a narrow 0.78-0.90 band while BM25 scores are unbounded.
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
    # Defaults are the values tuned on the dev set (eval --tune); a small k rewards agreement at the top.
    k: float = 3.0

    @property
    def best_possible(self) -> float:
        return (self.dense_language + self.dense_any + self.bm25 + self.bm25_any) / (self.k + 1)


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


def ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of each entry (ties share the better rank); -inf and zero-evidence rank last."""
    order = np.argsort(-scores, kind="stable")
    out = np.empty(len(scores), dtype=np.float32)
    out[order] = np.arange(1, len(scores) + 1, dtype=np.float32)
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
