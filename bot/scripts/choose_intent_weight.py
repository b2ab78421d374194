"""Choose SentenceIntentClassifier's `weight` and `char_share` on a validation split of the training files
(issue #14).

Runs in .venv-rasa with scripts/env.sh (`make intent-weight`, about 15 minutes on 2 cores):
1. splits each intent's examples in bot/data/nlu/<lang>.yml, seeded: a fifth for validation, the rest
   for training (the held-out sets in bot/tests/nlu_heldout are never read);
2. trains DIET alone (bot/config.yml's pipeline without the component) on the training part, and the
   component's two regressions (sentence vectors, character n-grams) on the same part;
3. prints validation accuracy per language for each pair (weight, char_share) and the pair with the best
   overall accuracy (ties: the smaller weight, then the smaller share). The decision is scored as the
   pipeline makes it and as the held-out evaluation scores it: the FallbackClassifier's thresholds in
   bot/config.yml on DIET's distribution first (an `nlu_fallback` counts as a miss), then the mean for the
   messages it let through. bot/config.yml carries the chosen values; change them only this way.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from knowledge_base.languages import LANGUAGES  # noqa: E402

COMPONENT = "bot.components.sentence_intents.SentenceIntentClassifier"
FALLBACK_INTENT = "nlu_fallback"
WEIGHTS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
CHAR_SHARES = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6)


def split(seed: int, share: float, out: Path) -> list[tuple[str, str, str]]:
    """Write the training part to `out/<lang>.yml`; return the validation part (language, intent, text)."""
    rng = random.Random(seed)  # noqa: S311 (a reproducible split, not a secret)
    validation: list[tuple[str, str, str]] = []
    for language in LANGUAGES:
        data = yaml.safe_load((ROOT / "bot" / "data" / "nlu" / f"{language}.yml").read_text(encoding="utf-8"))
        blocks: list[dict[str, Any]] = []
        for block in data["nlu"]:
            if "intent" not in block:
                blocks.append(block)
                continue
            lines = str(block.get("examples", "")).splitlines()
            examples = [line.strip()[2:].strip() for line in lines if line.strip().startswith("- ")]
            rng.shuffle(examples)
            cut = max(1, int(len(examples) * share + 1e-9))
            validation += [(language, block["intent"], text) for text in examples[:cut]]
            blocks.append({"intent": block["intent"], "examples": "".join(f"- {t}\n" for t in examples[cut:])})
        document = {"version": "3.1", "nlu": blocks}
        (out / f"{language}.yml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return validation


def diet_config(out: Path) -> Path:
    """bot/config.yml's NLU pipeline without the component: DIET and the fallback alone."""
    config = yaml.safe_load((ROOT / "bot" / "config.yml").read_text(encoding="utf-8"))
    config["pipeline"] = [step for step in config["pipeline"] if step["name"] != COMPONENT]
    config.pop("policies", None)
    path = out / "config.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


async def diet_rankings(model: Path, texts: list[str]) -> list[tuple[bool, dict[str, float]]]:
    """Per text: whether the FallbackClassifier found DIET unsure, and DIET's distribution."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    rankings = []
    for text in texts:
        parsed = await agent.parse_message(text)
        unsure = (parsed.get("intent") or {}).get("name") == FALLBACK_INTENT
        ranking = parsed.get("intent_ranking") or []
        rankings.append(
            (unsure, {str(r["name"]): float(r["confidence"]) for r in ranking if r["name"] != FALLBACK_INTENT})
        )
    return rankings


def regression(train_dir: Path) -> Any:
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.importers.importer import TrainingDataImporter

    from bot.components.sentence_intents import SentenceIntentClassifier

    data = TrainingDataImporter.load_from_dict(training_data_paths=[str(train_dir)]).get_nlu_data()
    config = yaml.safe_load((ROOT / "bot" / "config.yml").read_text(encoding="utf-8"))
    step = next(s for s in config["pipeline"] if s["name"] == COMPONENT)
    options = {**SentenceIntentClassifier.get_default_config(), **{k: v for k, v in step.items() if k != "name"}}
    storage = LocalModelStorage(Path(tempfile.mkdtemp()))
    classifier = SentenceIntentClassifier.create(
        options, storage, Resource("sentence_intents"), ExecutionContext(GraphSchema({}), "validation")
    )
    classifier.train(data)
    return classifier


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--share", type=float, default=0.2)
    parser.add_argument("--model", help="a DIET model already trained on this split (skips training)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    work = Path(tempfile.mkdtemp(prefix="intent-weight-"))
    (work / "nlu").mkdir()
    validation = split(args.seed, args.share, work / "nlu")
    print(f"validation: {len(validation)} training examples held back ({args.share:.0%} of each intent)")
    model = Path(args.model) if args.model else work / "models" / "validation.tar.gz"
    if not args.model:
        from rasa.model_training import train_nlu

        train_nlu(str(diet_config(work)), str(work / "nlu"), str(work / "models"), fixed_model_name="validation")
    texts = [text for _, _, text in validation]
    diet = asyncio.run(diet_rankings(model, texts))
    classifier = regression(work / "nlu")
    classifier._config["char_share"] = 0.0
    vectors = classifier.probabilities(texts)
    classifier._config["char_share"] = 1.0
    chars = classifier.probabilities(texts)
    from bot.components.sentence_intents import combine

    best: tuple[float, float, float] | None = None
    for weight in WEIGHTS:
        for share in CHAR_SHARES if weight > 0 else (0.0,):
            right: dict[str, list[bool]] = defaultdict(list)
            sentence = (1.0 - share) * vectors + share * chars
            for (language, intent, _), (unsure, ranking), row in zip(validation, diet, sentence, strict=True):
                mixed = combine(ranking, dict(zip(classifier._intents, map(float, row), strict=True)), weight)
                right[language].append(not unsure and mixed[0][0] == intent)
            overall = float(np.mean([r for rows in right.values() for r in rows]))
            per_language = "  ".join(f"{lang} {np.mean(rows):.3f}" for lang, rows in right.items())
            print(f"weight {weight:.1f} char_share {share:.1f}: {overall:.4f}   {per_language}")
            if best is None or overall > best[2]:
                best = (weight, share, overall)
    assert best is not None
    print(f"chosen: weight {best[0]:.1f}, char_share {best[1]:.1f} (validation accuracy {best[2]:.4f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
