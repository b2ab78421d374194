"""The failure bench's counters (scripts/bench_failures.py) must see what they claim to count: a figure of
"lost 0, duplicates 0, out of order 0" is only worth something if a loss, a duplicate and an inversion each
show. Fed a made-up conversation with one of each, and a platform that delivered a reply twice."""

from __future__ import annotations

import importlib.util
import json
import sys
from typing import Any

import pytest

from api.core.config import REPO_ROOT


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("LINE_CHANNEL_SECRET", "import-only")
    spec = importlib.util.spec_from_file_location("bench_failures", REPO_ROOT / "scripts" / "bench_failures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_failures", module)  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


class Platform:
    def __init__(self, delivered: list[tuple[str, list[str]]]) -> None:
        self.delivered = delivered
        self.refused_repeats = 0

    def first_reply_at(self) -> dict[str, float]:
        return {}


def counts(output: str) -> dict[str, int]:
    out = {}
    for line in output.splitlines():
        parts = line.rsplit(None, 1)
        if line.startswith("  ") and len(parts) == 2 and parts[1].lstrip("-").isdigit():
            out[parts[0].strip()] = int(parts[1])
    return out


def test_a_loss_a_duplicate_an_inversion_and_a_double_delivery_are_each_counted(
    bench: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    user = bench.User("telegram", "7000000001", sent=[bench.Sent(seq, 0.0) for seq in range(4)])
    text = bench.message_text
    rows = [
        ("user", text(0), "answered"),
        ("bot", "hi", "answered"),
        ("user", text(2), "answered"),  # 1 is lost and 2 overtakes it...
        ("bot", "a", "answered"),
        ("user", text(1), "answered"),  # ...then 1 arrives late: one inversion
        ("user", text(1), "answered"),  # and again: a duplicate, and the first copy was never answered
        ("bot", "b", "answered"),
    ]
    outbox = [("7000000001", "sent", json.dumps({"text": t})) for t in ("hi", "a", "b")]
    db = {user.key: rows, "__outbox__": outbox, "__again__": [("events", "1", "")]}
    platform = Platform([("7000000001", ["hi"]), ("7000000001", ["a"]), ("7000000001", ["a"]), ("7000000001", ["b"])])
    bench.report([user], db, Platform([]), platform, {}, [], {})
    got = counts(capsys.readouterr().out)
    assert got["telegram lost"] == 1  # seq 3 was never stored
    assert got["telegram duplicates"] == 1
    assert got["telegram out of order"] == 1
    assert got["telegram unanswered"] == 1  # the first copy of 1: the person wrote again before any reply
    assert got["telegram replies duplicated"] == 1
    assert got["events handled again (a dead worker's lease lapsed)"] == 1


def test_a_clean_run_counts_nothing(bench: Any, capsys: pytest.CaptureFixture[str]) -> None:
    user = bench.User("telegram", "7000000002", sent=[bench.Sent(seq, 0.0) for seq in range(2)])
    rows = [("user", bench.message_text(0), "answered"), ("bot", "x", "answered")]
    rows += [("user", bench.message_text(1), "answered"), ("bot", "y", "answered")]
    outbox = [("7000000002", "sent", json.dumps({"text": t})) for t in ("x", "y")]
    db = {user.key: rows, "__outbox__": outbox, "__again__": [("events", "0", "")]}
    bench.report([user], db, Platform([]), Platform([("7000000002", ["x"]), ("7000000002", ["y"])]), {}, [], {})
    output = capsys.readouterr().out
    assert "RESULT lost+duplicated+out-of-order = 0" in output
    got = counts(output)
    assert got["telegram written"] == got["telegram replies sent"] == 2
    assert all(value == 0 for key, value in got.items() if not key.endswith(("written", "sent"))), output
