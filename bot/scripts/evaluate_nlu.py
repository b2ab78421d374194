"""Intent accuracy per language on the held-out sets (bot/tests/nlu_heldout/<lang>.yml).

Runs in .venv-rasa: `python bot/scripts/evaluate_nlu.py MODEL [--min-accuracy 0.85] [--json OUT]`.
Prints one line per language and a confusion summary of the misses; exits 1 when a language is
below --min-accuracy (a regression guard for `make test`; the target itself is reported, not asserted).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

from knowledge_base.languages import LANGUAGES  # run with PYTHONPATH = repo root (scripts/env.sh)

HELDOUT = Path(__file__).resolve().parents[1] / "tests" / "nlu_heldout"


def load_heldout(language: str) -> list[tuple[str, str]]:
    data = yaml.safe_load((HELDOUT / f"{language}.yml").read_text(encoding="utf-8"))
    pairs = []
    for block in data.get("nlu", []):
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((block["intent"], line[2:].strip()))
    return pairs


async def evaluate(model: str) -> dict[str, dict[str, object]]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    report: dict[str, dict[str, object]] = {}
    for language in LANGUAGES:
        pairs = load_heldout(language)
        misses: Counter[str] = Counter()
        correct = 0
        latencies = []
        for intent, text in pairs:
            start = time.perf_counter()
            parsed = await agent.parse_message(text)
            latencies.append((time.perf_counter() - start) * 1000)
            predicted = (parsed.get("intent") or {}).get("name")
            if predicted == intent:
                correct += 1
            else:
                misses[f"{intent}->{predicted}"] += 1
        report[language] = {
            "examples": len(pairs),
            "accuracy": correct / len(pairs) if pairs else 0.0,
            "parse_ms_median": statistics.median(latencies) if latencies else 0.0,
            "misses": dict(misses.most_common(8)),
        }
    return report


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--min-accuracy", type=float, default=0.0)
    parser.add_argument("--json", dest="json_out")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    report = asyncio.run(evaluate(args.model))
    failed = []
    print("intent accuracy on held-out sets (target >= 0.95 per language, issue #14)")
    for language, row in report.items():
        accuracy = float(row["accuracy"])  # type: ignore[arg-type]
        print(
            f"  {language}: {accuracy:.3f} ({row['examples']} examples, parse median {row['parse_ms_median']:.1f} ms)"
            f"  misses: {row['misses']}"
        )
        if accuracy < args.min_accuracy:
            failed.append(language)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, ensure_ascii=False, indent=2))
    if failed:
        print(f"below {args.min_accuracy}: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
