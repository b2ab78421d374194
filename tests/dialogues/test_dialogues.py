"""The conversation set (issue #20): every written dialogue, played through the real stack.

Run through scripts/e2e.sh. Each dialogue must reach its outcome with the conversation's language
kept and a way out on every turn. Per-dialogue figures (turns, re-asks) go to var/e2e/dialogues.jsonl;
`python -m tests.dialogues.summary` prints completion, median turns and re-asks per flow and language.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from api.core.config import REPO_ROOT
from api.core.i18n import Catalogs
from tests.dialogues.harness import Player, all_dialogues

API = os.environ.get("E2E_API_URL")
pytestmark = pytest.mark.skipif(not API, reason="end-to-end: run through scripts/e2e.sh (make test-e2e)")
RESULTS = REPO_ROOT / "var" / "e2e" / "dialogues.jsonl"
DIALOGUES = all_dialogues()


def _database() -> Path | None:
    url = os.environ.get("DATABASE_URL", "")
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


@pytest.fixture(scope="module")
def player() -> Player:
    assert API
    return Player(httpx.Client(base_url=API, timeout=60), Catalogs(REPO_ROOT / "locales"), _database())


@pytest.mark.parametrize(
    ("language", "flow", "dialogue"), DIALOGUES, ids=[str(d["id"]) for _lang, _flow, d in DIALOGUES]
)
def test_dialogue(player: Player, language: str, flow: str, dialogue: dict[str, object]) -> None:
    run = player.play(language, flow, dialogue)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(json.dumps(run.as_dict(), ensure_ascii=False) + "\n")
    assert run.completed and not run.problems, "\n".join([*run.problems, "--", *run.transcript[-12:]])
