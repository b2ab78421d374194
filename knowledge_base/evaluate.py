"""Retrieval quality on the dev set, per part (tuning, test) and language: hit@1, hit@3, MRR, the
share of questions the chat answers directly and how often those direct answers are right, and
language identification.

Only the tuning part is ever fitted on: `--tune` searches the fusion weights on it, `--calibrate`
fits the confidence model on it and stores both next to the index (calibration.json). The test part
is measured, never used to choose anything. `--check` (the accuracy guard `make test` runs after
building the index) exits 1 when the test part falls below GUARD, and lists which of issue 14's
TARGETS it misses without failing on them: at 43 questions per language one question is 2.3 points,
so the guard sits below today's figures by a few questions and catches regressions, not noise.

Signals are computed once per question; re-weighting then only re-fuses arrays.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from knowledge_base import confidence as confidence_mod
from knowledge_base.confidence import ConfidenceModel, features
from knowledge_base.dev_set import DevItem, load_dev, parts
from knowledge_base.fusion import FusionWeights
from knowledge_base.language import DEFAULT_LANGUAGE, LANGUAGES, detect
from knowledge_base.retriever import Retriever, cut_query

__all__ = ["DevItem", "load_dev", "run_eval"]

# Issue 14's targets on the test part, per language (direct answers: over all test questions).
TARGETS = {"hit@1": 0.90, "hit@3": 0.97, "direct": 0.75, "precision": 0.95, "langid": 0.99}
# The regression guard's floors: three questions or more below the test part as measured when they
# were last raised (2026-12-06: hit@1 0.93-0.95, hit@3 0.977-1.0, 94 % direct at 96.6 %, language ID
# 1.0 in every language).
GUARD = {"hit@1": 0.86, "hit@3": 0.93, "direct": 0.85, "precision": 0.95, "langid": 0.97}
NOT_FOUND = 10**6


@dataclass
class Prepared:
    items: list[DevItem]
    detected: list[str | None]
    signals: dict[str, np.ndarray]  # name -> (questions, topics)
    targets: np.ndarray  # topic index of each question, -1 when the topic is not in the index


def prepare(retriever: Retriever, items: list[DevItem]) -> Prepared:
    detected: list[str | None] = []
    rows: dict[str, list[np.ndarray]] = defaultdict(list)
    for item in items:
        text = cut_query(item.text)
        language = detect(text).language
        detected.append(language)
        signals, _ = retriever.signals(text, language or DEFAULT_LANGUAGE, language)
        for name, values in signals.items():
            rows[name].append(values)
    n_topics = len(retriever.topics)
    stacked = {name: np.stack(values) if values else np.zeros((0, n_topics)) for name, values in rows.items()}
    index = {t: i for i, t in enumerate(retriever.topics)}
    targets = np.array([index.get(i.topic_id, -1) for i in items], dtype=np.int64)
    return Prepared(items, detected, stacked, targets)


@dataclass
class Outcome:
    ranks: np.ndarray  # rank of the right topic per question (NOT_FOUND when absent)
    features: np.ndarray  # confidence features per question
    direct: np.ndarray  # answered directly (bool)


def outcome(retriever: Retriever, prepared: Prepared, weights: FusionWeights, model: ConfidenceModel) -> Outcome:
    scores = retriever.fuse(prepared.signals, weights) / weights.best_possible
    n = len(prepared.items)
    if n == 0:
        return Outcome(np.zeros(0), np.zeros((0, len(confidence_mod.FEATURES))), np.zeros(0, dtype=bool))
    safe = np.maximum(prepared.targets, 0)
    target_scores = scores[np.arange(n), safe]
    better = (scores > target_scores[:, None]).sum(axis=1)
    # Ties go to the earlier topic, as in the retriever's stable sort.
    tied_before = ((scores == target_scores[:, None]) & (np.arange(scores.shape[1]) < safe[:, None])).sum(axis=1)
    ranks = (better + tied_before + 1).astype(np.float64)
    ranks[(prepared.targets < 0) | (target_scores <= 0)] = NOT_FOUND
    x = features(scores, prepared.signals)
    return Outcome(ranks, x, np.asarray(model.decide(x), dtype=bool))


def table(prepared: Prepared, result: Outcome) -> dict[str, dict[str, float]]:
    """Per language and "all": n, hit@1, hit@3, MRR, direct (share answered directly), precision
    (share of direct answers whose top topic is right), langid."""
    languages = np.array([i.language for i in prepared.items])
    right_language = np.array([d == i.language for d, i in zip(prepared.detected, prepared.items, strict=True)])
    out: dict[str, dict[str, float]] = {}
    present = [lang for lang in [*LANGUAGES, *sorted(set(languages) - set(LANGUAGES))] if (languages == lang).any()]
    for lang in [*present, "all"]:
        mask = np.ones(len(languages), dtype=bool) if lang == "all" else languages == lang
        r = result.ranks[mask]
        direct = result.direct[mask]
        out[lang] = {
            "n": float(mask.sum()),
            "hit@1": float(np.mean(r <= 1)),
            "hit@3": float(np.mean(r <= 3)),
            "mrr": float(np.mean(1.0 / r)),
            "direct": float(np.mean(direct)),
            "precision": float(np.mean(r[direct] <= 1)) if direct.any() else float("nan"),
            "langid": float(np.mean(right_language[mask])),
        }
    return out


def objective(per_language: dict[str, dict[str, float]]) -> float:
    # The target is per language, so the worst language counts as much as the average.
    rows = [v for k, v in per_language.items() if k != "all"]
    hit1 = [v["hit@1"] for v in rows]
    hit3 = [v["hit@3"] for v in rows]
    mrr = [v["mrr"] for v in rows]
    return float(np.mean(hit1) + min(hit1) + 0.5 * np.mean(mrr) + 0.5 * min(hit3))


WEIGHT_GRID = {
    "dense_language": [1.0],
    "dense_any": [0.0, 0.3, 0.6, 1.0],
    "bm25": [0.0, 0.3, 0.6, 1.0],
    "bm25_any": [0.0, 0.3, 0.6, 1.0],
    "question_dense": [0.0, 0.5, 1.0, 1.5, 2.0],
    "question_bm25": [0.0, 0.3, 0.6, 1.0],
    "k": [3.0, 10.0, 30.0],
}


def tune(retriever: Retriever, tuning: Prepared) -> FusionWeights:
    """Grid search of the fusion weights on the tuning part (the test part never reaches here)."""
    best, best_score = retriever.weights, -1.0
    names = list(WEIGHT_GRID)
    model = retriever.confidence
    for values in itertools.product(*WEIGHT_GRID.values()):
        w = FusionWeights(**dict(zip(names, values, strict=True)))
        score = objective(table(tuning, outcome(retriever, tuning, w, model)))
        if score > best_score + 1e-9:
            best, best_score = w, score
    return best


def calibrate(retriever: Retriever, tuning: Prepared, weights: FusionWeights) -> ConfidenceModel:
    result = outcome(retriever, tuning, weights, retriever.confidence)
    return confidence_mod.calibrate(result.features, result.ranks <= 1)


def misses(per_language: dict[str, dict[str, float]], floors: dict[str, float]) -> list[str]:
    """Shortfalls against `floors`: per language for hit@1, hit@3 and language ID, over all
    questions for the direct-answer rate and precision (empty when every floor holds)."""
    out = []
    for lang, m in per_language.items():
        checks = ["hit@1", "hit@3", "langid"] if lang != "all" else ["direct", "precision"]
        out += [f"{lang} {name} {m[name]:.3f} < {floors[name]}" for name in checks if not m[name] >= floors[name]]
    return out


def _print_table(title: str, per_language: dict[str, dict[str, float]]) -> None:
    print(title)
    print(f"  {'lang':5} {'n':>4} {'hit@1':>6} {'hit@3':>6} {'MRR':>6} {'direct':>7} {'prec.':>6} {'langID':>7}")
    for lang, m in per_language.items():
        print(
            f"  {lang:5} {int(m['n']):4d} {m['hit@1']:6.3f} {m['hit@3']:6.3f} {m['mrr']:6.3f} "
            f"{m['direct']:7.3f} {m['precision']:6.3f} {m['langid']:7.3f}"
        )


def run_eval(
    index_dir: Path, dev: Path, calibrate_model: bool = False, tune_weights: bool = False, check: bool = False
) -> int:
    retriever = Retriever.load(index_dir)
    items = load_dev(dev)
    if not items:
        print(f"no dev questions under {dev}")
        return 1
    unknown = sorted({i.topic_id for i in items} - set(retriever.topics))
    if unknown:
        print(f"warning: dev topics missing from the index: {', '.join(unknown)}")
    prepared = {name: prepare(retriever, part) for name, part in parts(items).items()}
    weights = tune(retriever, prepared["tuning"]) if tune_weights else retriever.weights
    model = retriever.confidence
    if calibrate_model or tune_weights:
        model = calibrate(retriever, prepared["tuning"], weights)

    print(f"dev questions: {len(items)} ({', '.join(f'{k} {len(v.items)}' for k, v in prepared.items())})")
    print(f"fusion: {weights}")
    print(f"confidence: {json.dumps(model.to_json())}")
    tables = {name: table(p, outcome(retriever, p, weights, model)) for name, p in prepared.items()}
    for name, per_language in tables.items():
        note = "fitted on" if name == "tuning" else "never fitted on"
        _print_table(f"{name} part ({note}):", per_language)

    if calibrate_model or tune_weights:
        tuning = tables["tuning"]["all"]
        data = {
            "weights": asdict(weights),
            "confidence": model.to_json(),
            "target_precision": confidence_mod.TARGET_PRECISION,
            "tuning_questions": len(prepared["tuning"].items),
            "tuning_direct": round(tuning["direct"], 4),
            "tuning_precision": round(tuning["precision"], 4),
            "content_hash": retriever.manifest["content_hash"],
            "model_hash": retriever.manifest["model_hash"],
        }
        (index_dir / "calibration.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"calibration written to {index_dir / 'calibration.json'}")
    for line in misses(tables["test"], TARGETS):
        print(f"issue 14 target missed on the test part: {line}")
    if check:
        shortfalls = misses(tables["test"], GUARD)
        for line in shortfalls:
            print(f"accuracy guard failed on the test part: {line}")
        if shortfalls:
            return 1
        print("accuracy guard: the test part holds every floor")
    return 0
