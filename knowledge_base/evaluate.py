"""Retrieval quality on the dev set: hit@1, hit@3 and MRR per language, language-ID accuracy.

Signals are computed once per question; tuning the fusion weights then only re-fuses numbers.
Calibration stores, next to the index, the score threshold above which the top answer was right
at least TARGET_PRECISION of the time on the dev set (below it the bot offers topic buttons).
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from knowledge_base.fusion import FusionWeights
from knowledge_base.language import DEFAULT_LANGUAGE, LANGUAGES, detect
from knowledge_base.retriever import Retriever, cut_query

TARGET_PRECISION = 0.95


@dataclass(frozen=True)
class DevItem:
    id: str
    language: str
    topic_id: str
    text: str


@dataclass
class Prepared:
    item: DevItem
    detected: str | None
    signals: dict[str, np.ndarray]


def load_dev(path: Path) -> list[DevItem]:
    files = sorted(path.glob("dev_*.jsonl")) if path.is_dir() else [path]
    items = []
    for file in files:
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                items.append(DevItem(str(d["id"]), d["language"], d["topic_id"], d["text"]))
    return items


def prepare(retriever: Retriever, items: list[DevItem]) -> list[Prepared]:
    out = []
    for item in items:
        text = cut_query(item.text)
        detected = detect(text).language
        signals, _ = retriever.signals(text, detected or DEFAULT_LANGUAGE, detected)
        out.append(Prepared(item, detected, signals))
    return out


def metrics(retriever: Retriever, prepared: list[Prepared], weights: FusionWeights) -> dict[str, Any]:
    """Per-language hit@1/hit@3/MRR plus each question's top score and correctness (for calibration)."""
    per_lang: dict[str, list[float]] = defaultdict(list)
    rows = []
    norm = weights.best_possible
    for p in prepared:
        scores = retriever.fuse(p.signals, weights)
        order = list(np.argsort(-scores, kind="stable"))
        target = retriever.topics.index(p.item.topic_id) if p.item.topic_id in retriever.topics else -1
        rank = order.index(target) + 1 if target >= 0 and scores[target] > 0 else 10**6
        per_lang[p.item.language].append(rank)
        rows.append((float(scores[order[0]]) / norm, rank == 1))
    table = {}
    for lang in [*LANGUAGES, *sorted(set(per_lang) - set(LANGUAGES))]:
        r = np.array(per_lang.get(lang, []), dtype=np.float64)
        if len(r):
            table[lang] = {
                "n": len(r),
                "hit@1": float(np.mean(r <= 1)),
                "hit@3": float(np.mean(r <= 3)),
                "mrr": float(np.mean(1.0 / r)),
            }
    return {"languages": table, "rows": rows}


def objective(table: dict[str, dict[str, float]]) -> float:
    # The target is per language, so the worst language counts as much as the average.
    hit1 = [v["hit@1"] for v in table.values()]
    mrr = [v["mrr"] for v in table.values()]
    return float(np.mean(hit1) + min(hit1) + 0.5 * np.mean(mrr))


def tune(retriever: Retriever, prepared: list[Prepared]) -> FusionWeights:
    best, best_score = retriever.weights, -1.0
    grid = itertools.product(
        [1.0], [0.0, 0.3, 0.6, 1.0], [0.0, 0.3, 0.6, 1.0, 1.5], [0.0, 0.3, 0.6, 1.0], [3.0, 10.0, 30.0]
    )
    for dl, da, b, ba, k in grid:
        w = FusionWeights(dense_language=dl, dense_any=da, bm25=b, bm25_any=ba, k=k)
        score = objective(metrics(retriever, prepared, w)["languages"])
        if score > best_score + 1e-9:
            best, best_score = w, score
    return best


def calibrate_threshold(rows: list[tuple[float, bool]], target: float = TARGET_PRECISION) -> dict[str, float]:
    """Lowest threshold at which answers scored at or above it are right >= target of the time."""
    ordered = sorted(rows, key=lambda r: -r[0])
    chosen = ordered[0][0] if ordered else 1.0
    correct = 0
    for i, (score, ok) in enumerate(ordered, start=1):
        correct += ok
        if correct / i >= target and (i == len(ordered) or ordered[i][0] < score):
            chosen = score
    covered = [ok for s, ok in rows if s >= chosen]
    return {
        "threshold": round(chosen, 4),
        "coverage": len(covered) / max(1, len(rows)),
        "precision": sum(covered) / max(1, len(covered)),
    }


def language_id(items: list[DevItem]) -> dict[str, float]:
    per: dict[str, list[bool]] = defaultdict(list)
    for item in items:
        per[item.language].append(detect(item.text).language == item.language)
    out = {lang: float(np.mean(v)) for lang, v in per.items()}
    out["all"] = float(np.mean([x for v in per.values() for x in v])) if per else 0.0
    return out


def run_eval(index_dir: Path, dev: Path, calibrate: bool = False, tune_weights: bool = False) -> int:
    retriever = Retriever.load(index_dir)
    items = load_dev(dev)
    if not items:
        print(f"no dev questions under {dev}")
        return 1
    unknown = sorted({i.topic_id for i in items} - set(retriever.topics))
    if unknown:
        print(f"warning: dev topics missing from the index: {', '.join(unknown)}")
    prepared = prepare(retriever, items)
    weights = tune(retriever, prepared) if tune_weights else retriever.weights
    result = metrics(retriever, prepared, weights)
    lid = language_id(items)

    print(f"dev questions: {len(items)}   fusion: {weights}")
    print(f"{'lang':5} {'n':>4} {'hit@1':>6} {'hit@3':>6} {'MRR':>6} {'langID':>7}")
    for lang, m in result["languages"].items():
        print(f"{lang:5} {m['n']:4d} {m['hit@1']:6.3f} {m['hit@3']:6.3f} {m['mrr']:6.3f} {lid.get(lang, 0.0):7.3f}")
    print(f"language identification accuracy (all): {lid['all']:.3f}")
    cal = calibrate_threshold(result["rows"])
    print(
        f"confidence threshold {cal['threshold']:.3f}: {cal['coverage']:.0%} of questions answered confidently, "
        f"{cal['precision']:.1%} of those right at rank 1"
    )
    if calibrate or tune_weights:
        data = {
            "threshold": cal["threshold"],
            "target_precision": TARGET_PRECISION,
            "coverage": round(cal["coverage"], 4),
            "precision": round(cal["precision"], 4),
            "weights": asdict(weights),
            "dev_questions": len(items),
            "content_hash": retriever.manifest["content_hash"],
            "model_hash": retriever.manifest["model_hash"],
        }
        (index_dir / "calibration.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"calibration written to {index_dir / 'calibration.json'}")
    return 0
