"""Language identification accuracy per language on the NLU held-out sets (every line is labelled
by its file's language). Run in .venv: `python scripts/eval_language_id.py`.

Two figures per language: the detector alone on each line, and the conversation policy (a new
conversation with no other hint), which is what users experience on their first message.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.conversations import language_policy
from api.conversations.models import LanguageSource
from knowledge_base.language import LANGUAGES, detect

HELDOUT = Path(__file__).resolve().parents[1] / "bot" / "tests" / "nlu_heldout"


def lines(language: str) -> list[str]:
    data = yaml.safe_load((HELDOUT / f"{language}.yml").read_text(encoding="utf-8"))
    out = []
    for block in data.get("nlu", []):
        out += [ln.strip()[2:].strip() for ln in str(block["examples"]).splitlines() if ln.strip().startswith("- ")]
    return out


def main() -> None:
    total = correct_total = 0
    print("language identification on the NLU held-out sets (target >= 0.98)")
    for language in LANGUAGES:
        texts = lines(language)
        detected = [detect(t).language for t in texts]
        correct = sum(1 for d in detected if d == language)
        first = sum(1 for t in texts if language_policy.decide("en", LanguageSource.DEFAULT, t).language == language)
        # The whole held-out file as one conversation with no hint: how often the sticky policy holds
        # the right language, which is what a user experiences after the first few messages.
        current, source, held = "en", LanguageSource.DEFAULT, 0
        for t in texts:
            decision = language_policy.decide(current, source, t)
            current, source = decision.language, decision.source
            held += current == language
        misses = Counter(str(d) for d in detected if d != language)
        total += len(texts)
        correct_total += correct
        print(
            f"  {language}: detector {correct / len(texts):.3f}, first message {first / len(texts):.3f},"
            f" in conversation {held / len(texts):.3f}"
            f" ({len(texts)} lines; misses {dict(misses.most_common(4))})"
        )
    print(f"  all: detector {correct_total / total:.3f} ({total} lines)")


if __name__ == "__main__":
    main()
