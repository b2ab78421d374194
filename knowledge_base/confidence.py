"""Whether the top topic is right often enough to answer with it directly: the one decision behind
the chat's direct answer and the search contract's `"confident"`.

The top fused score alone separates right from wrong answers poorly: a question between two topics
scores high on both. So a small logistic regression reads a few features of the whole ranking — the
top score, its margin over the second topic, how many retrieval signals put the same topic first,
the best raw cosine to an article chunk and to an example question — and the threshold on its
probability is the lowest at which the answers it lets through were right at least TARGET_PRECISION
of the time. Both are fitted on the dev set's tuning part only (`eval --calibrate`), the threshold
on out-of-fold probabilities so it is not chosen on the answers the model was fitted to.

Plain numpy (Newton's method with an L2 penalty on standardised features): five weights do not need
a machine-learning library.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

FEATURES: tuple[str, ...] = ("top", "margin", "agreement", "dense", "question")
TARGET_PRECISION = 0.95
# The threshold is chosen a little above the target: the tuning part has ~200 questions, so a
# threshold chosen exactly at 95 % there lands below it on new questions about half the time.
CHOICE_PRECISION = 0.97
FOLDS = 5
L2 = 1.0


def features(scores: np.ndarray, signals: Mapping[str, np.ndarray]) -> np.ndarray:
    """Feature rows (..., len(FEATURES)) from normalised fused topic scores (..., topics) and the
    per-topic signals they were fused from (same shape each)."""
    ordered = np.sort(scores, axis=-1)
    top = ordered[..., -1]
    margin = top - ordered[..., -2] if scores.shape[-1] > 1 else top
    best = np.argmax(scores, axis=-1)
    votes, voters = np.zeros(top.shape, dtype=np.float64), 0
    for values in signals.values():
        evidence = np.isfinite(values) & (values > 0)
        if not evidence.any():
            continue
        voters += 1
        winner = np.argmax(np.where(evidence, values, -np.inf), axis=-1)
        votes += (winner == best) & evidence.any(axis=-1)
    agreement = votes / max(1, voters)
    dense = _finite_max(signals.get("dense_any"), top.shape)
    question = _finite_max(signals.get("question_dense"), top.shape)
    return np.stack([top, margin, agreement, dense, question], axis=-1).astype(np.float64)


def _finite_max(values: np.ndarray | None, shape: tuple[int, ...]) -> np.ndarray:
    if values is None:
        return np.zeros(shape, dtype=np.float64)
    best = np.max(np.where(np.isfinite(values), values, -np.inf), axis=-1)
    return np.where(np.isfinite(best), best, 0.0)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -40, 40))), dtype=np.float64)


@dataclass(frozen=True)
class ConfidenceModel:
    coef: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float
    features: tuple[str, ...] = FEATURES

    @classmethod
    def default(cls, top_threshold: float = 0.5) -> ConfidenceModel:
        """Without a calibration: confident when the top score reaches `top_threshold` (the old rule)."""
        n = len(FEATURES)
        return cls((10.0,) + (0.0,) * (n - 1), -10.0 * top_threshold, (0.0,) * n, (1.0,) * n, 0.5)

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = (np.asarray(x, dtype=np.float64) - np.array(self.mean)) / np.array(self.scale)
        return _sigmoid(z @ np.array(self.coef) + self.bias)

    def decide(self, x: np.ndarray) -> np.ndarray:
        """True where the chat answers directly (and the search says `"confident": true`)."""
        return np.asarray(self.probability(x) >= self.threshold)

    def with_threshold(self, threshold: float) -> ConfidenceModel:
        return replace(self, threshold=float(threshold))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "coef": [round(c, 6) for c in self.coef],
            "bias": round(self.bias, 6),
            "mean": [round(m, 6) for m in self.mean],
            "scale": [round(s, 6) for s in self.scale],
            "threshold": round(self.threshold, 6),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ConfidenceModel:
        names = tuple(str(f) for f in data["features"])
        if names != FEATURES:
            raise ValueError(f"confidence model features {names} are not this version's {FEATURES}")
        return cls(
            tuple(float(c) for c in data["coef"]),
            float(data["bias"]),
            tuple(float(m) for m in data["mean"]),
            tuple(float(s) for s in data["scale"]),
            float(data["threshold"]),
        )


def fit(x: np.ndarray, correct: Sequence[bool] | np.ndarray, l2: float = L2, threshold: float = 0.5) -> ConfidenceModel:
    """L2-penalised logistic regression of `correct` on the feature rows `x` (Newton's method)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(correct, dtype=np.float64)
    if x.ndim != 2 or len(x) != len(y) or len(y) == 0:
        raise ValueError("fit needs one feature row per label")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    design = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 1e-4  # the intercept is barely shrunk (enough to stay finite when every label is equal)
    w = np.zeros(design.shape[1])
    for _ in range(100):
        p = _sigmoid(design @ w)
        gradient = design.T @ (p - y) + penalty * w
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return ConfidenceModel(tuple(w[:-1].tolist()), float(w[-1]), tuple(mean.tolist()), tuple(scale.tolist()), threshold)


def lowest_threshold(probability: np.ndarray, correct: np.ndarray, target: float) -> float:
    """Lowest threshold at which the answers scored at or above it are right >= target of the time."""
    order = np.argsort(-probability, kind="stable")
    p, ok = probability[order], np.asarray(correct, dtype=np.float64)[order]
    precision = np.cumsum(ok) / np.arange(1, len(ok) + 1)
    chosen = 1.0 + 1e-9  # nothing reaches the target: answer nothing directly
    for i in range(len(p)):
        last_of_tie = i + 1 == len(p) or p[i + 1] < p[i]
        if last_of_tie and precision[i] >= target:
            chosen = float(p[i])
    return chosen


def fold_of(n: int, folds: int = FOLDS) -> np.ndarray:
    """Deterministic fold numbers (round robin over the input order)."""
    return np.arange(n) % folds


def calibrate(x: np.ndarray, correct: Sequence[bool] | np.ndarray, target: float = CHOICE_PRECISION) -> ConfidenceModel:
    """Fit on all rows; choose the threshold on out-of-fold probabilities."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(correct, dtype=bool)
    folds = fold_of(len(y))
    out_of_fold = np.zeros(len(y))
    for k in range(FOLDS):
        held = folds == k
        if held.all() or not held.any():
            continue
        out_of_fold[held] = fit(x[~held], y[~held]).probability(x[held])
    model = fit(x, y)
    return model.with_threshold(lowest_threshold(out_of_fold, y, target))
