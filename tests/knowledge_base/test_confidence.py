"""The confidence model: features of a ranking, a logistic fit on tuning data, the threshold."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.confidence import (
    FEATURES,
    ConfidenceModel,
    calibrate,
    features,
    fit,
    lowest_threshold,
)


def _synthetic(n: int = 400, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Right answers have higher top scores, wider margins and more agreeing signals."""
    rng = np.random.default_rng(seed)
    right = rng.random(n) < 0.8
    top = np.where(right, rng.normal(0.9, 0.08, n), rng.normal(0.7, 0.1, n))
    margin = np.where(right, rng.normal(0.3, 0.1, n), rng.normal(0.1, 0.08, n))
    agreement = np.where(right, rng.normal(0.8, 0.15, n), rng.normal(0.5, 0.2, n))
    dense = rng.normal(0.88, 0.02, n)  # uninformative
    question = rng.normal(0.9, 0.02, n)  # uninformative
    return np.stack([top, margin, agreement, dense, question], axis=1), right


def test_features_of_one_ranking_and_of_many() -> None:
    scores = np.array([0.2, 0.9, 0.5], dtype=np.float32)
    signals = {
        "dense_any": np.array([0.80, 0.86, 0.82], dtype=np.float32),
        "bm25": np.array([0.0, 3.0, 5.0], dtype=np.float32),
        "question_dense": np.array([-np.inf, 0.91, 0.88], dtype=np.float32),
        "question_bm25": np.zeros(3, dtype=np.float32),  # no evidence: no vote
    }
    x = features(scores, signals)
    assert x.shape == (len(FEATURES),)
    top, margin, agreement, dense, question = x.tolist()
    assert top == pytest.approx(0.9) and margin == pytest.approx(0.4)
    assert agreement == pytest.approx(2 / 3)  # dense_any and question_dense agree, BM25 does not
    assert dense == pytest.approx(0.86) and question == pytest.approx(0.91)
    many = features(np.stack([scores, scores[::-1]]), {k: np.stack([v, v[::-1]]) for k, v in signals.items()})
    assert many.shape == (2, len(FEATURES))
    assert many[0].tolist() == pytest.approx(x.tolist())


def test_fit_learns_the_informative_features_and_is_monotone() -> None:
    x, right = _synthetic()
    model = fit(x, right)
    coef = dict(zip(FEATURES, model.coef, strict=True))
    assert coef["top"] > 0 and coef["margin"] > 0 and coef["agreement"] > 0
    base = x.mean(axis=0)
    for name in ("top", "margin", "agreement"):
        column = FEATURES.index(name)
        rows = np.repeat(base[None, :], 5, axis=0)
        rows[:, column] = np.linspace(x[:, column].min(), x[:, column].max(), 5)
        assert np.all(np.diff(model.probability(rows)) > 0), name
    # Better than chance on what it was fitted on.
    predicted = model.probability(x) >= 0.5
    assert np.mean(predicted == right) > 0.85


def test_calibrate_reaches_the_precision_on_its_own_data_and_answers_most() -> None:
    x, right = _synthetic()
    model = calibrate(x, right, target=0.95)
    direct = model.decide(x)
    assert np.mean(right[direct]) >= 0.95
    assert np.mean(direct) > 0.5
    # A stricter target never answers more questions.
    assert np.sum(calibrate(x, right, target=0.99).decide(x)) <= np.sum(direct)


def test_lowest_threshold_keeps_ties_together_and_can_answer_nothing() -> None:
    p = np.array([0.9, 0.8, 0.8, 0.7])
    assert lowest_threshold(p, np.array([True, True, False, True]), 0.9) == pytest.approx(0.9)
    assert lowest_threshold(p, np.array([True, True, True, False]), 0.75) == pytest.approx(0.7)
    assert lowest_threshold(p, np.array([False, False, False, False]), 0.5) > 1.0


def test_default_is_the_top_score_rule_and_json_roundtrips() -> None:
    model = ConfidenceModel.default(0.6)
    rows = np.zeros((2, len(FEATURES)))
    rows[:, 0] = [0.59, 0.61]
    assert model.decide(rows).tolist() == [False, True]
    x, right = _synthetic()
    fitted = calibrate(x, right)
    again = ConfidenceModel.from_json(fitted.to_json())
    assert np.allclose(again.probability(x), fitted.probability(x), atol=1e-5)
    assert again.threshold == pytest.approx(fitted.threshold, abs=1e-6)
    with pytest.raises(ValueError, match="features"):
        ConfidenceModel.from_json({**fitted.to_json(), "features": ["top"]})


def test_fit_with_one_class_stays_finite_and_rejects_mismatched_rows() -> None:
    x, _ = _synthetic(50)
    model = fit(x, np.ones(50, dtype=bool))
    assert np.all(np.isfinite(model.coef)) and np.isfinite(model.bias)
    assert np.all(model.probability(x) > 0.9)
    with pytest.raises(ValueError):
        fit(x, np.ones(10, dtype=bool))
