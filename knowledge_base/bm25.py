"""Okapi BM25 over chunks, stored as per-token postings with the weights precomputed at build time.

A query then costs one dictionary look-up and a few additions per token; the whole index is a JSON
file (no pickle), small at this corpus size.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

K1 = 1.2
B = 0.75


class BM25:
    def __init__(self, size: int, postings: dict[str, list[list[float]]]) -> None:
        self.size = size
        self.postings = postings

    @classmethod
    def build(cls, documents: Sequence[list[str]]) -> BM25:
        """`documents[i]` is the token list of document i."""
        n = len(documents)
        lengths = [len(d) for d in documents]
        average = (sum(lengths) / n) if n else 0.0
        frequency: Counter[str] = Counter()
        for doc in documents:
            frequency.update(set(doc))
        postings: dict[str, list[list[float]]] = {}
        for i, doc in enumerate(documents):
            norm = K1 * (1 - B + B * lengths[i] / average) if average else K1
            for token, tf in Counter(doc).items():
                # The "+1" idf of Lucene keeps weights positive for tokens in most documents.
                idf = math.log(1 + (n - frequency[token] + 0.5) / (frequency[token] + 0.5))
                weight = idf * tf * (K1 + 1) / (tf + norm)
                postings.setdefault(token, []).append([i, round(weight, 5)])
        return cls(n, dict(sorted(postings.items())))

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        out = np.zeros(self.size, dtype=np.float32)
        # Each distinct query token counts once: repeating a word in a question should not double it.
        for token in dict.fromkeys(query_tokens):
            for doc, weight in self.postings.get(token, ()):
                out[int(doc)] += weight
        return out

    def to_json(self) -> dict[str, Any]:
        return {"size": self.size, "k1": K1, "b": B, "postings": self.postings}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BM25:
        return cls(int(data["size"]), data["postings"])
