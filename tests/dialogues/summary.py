"""Figures of a dialogue run: completion rate, median turns and re-asks per flow and language.

Usage: python -m tests.dialogues.summary [var/e2e/dialogues.jsonl]
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path


def main(path: Path) -> None:
    runs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    by: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for run in runs:
        by[(str(run["flow"]), str(run["language"]))].append(run)
    done = sum(1 for r in runs if r["completed"])
    print(f"dialogues {len(runs)}  completed {done} ({100 * done / max(1, len(runs)):.0f}%)")
    print(f"{'flow':12} {'lang':4} {'n':>3} {'done':>5} {'median turns':>13} {'re-asks':>8}")
    for (flow, language), group in sorted(by.items()):
        finished = [r for r in group if r["completed"]]
        turns = statistics.median([int(str(r["turns"])) for r in finished]) if finished else float("nan")
        reasks = sum(int(str(r["reasks"])) for r in group)
        print(f"{flow:12} {language:4} {len(group):>3} {len(finished):>5} {turns:>13} {reasks:>8}")
    for flow in sorted({f for f, _ in by}):
        group = [r for (f, _), rs in by.items() if f == flow for r in rs]
        finished = [r for r in group if r["completed"]]
        turns = statistics.median([int(str(r["turns"])) for r in finished]) if finished else float("nan")
        reasks = sum(int(str(r["reasks"])) for r in group)
        print(f"{flow:12} all  {len(group):>3} {len(finished):>5} {turns:>13} {reasks:>8}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/e2e/dialogues.jsonl"))
