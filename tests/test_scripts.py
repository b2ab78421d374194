"""The scripts under scripts/ are not type-checked and `make bench` is not in CI, so they rot unseen:
bench_records.py imported a function that no longer existed for a whole wave. Every script must at
least import against today's code, and the records bench must run end to end on one credential."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.core.config import REPO_ROOT

SCRIPTS = sorted((REPO_ROOT / "scripts").glob("*.py"))


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_every_script_imports(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The stack's addresses, as scripts/e2e.sh exports them; nothing is contacted on import.
    monkeypatch.setenv("E2E_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("E2E_RASA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("LINE_CHANNEL_SECRET", "import-only")
    monkeypatch.syspath_prepend(str(path.parent))
    spec = importlib.util.spec_from_file_location(f"script_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up there
    assert '__name__ == "__main__"' in path.read_text(), f"{path.name} would run on import"
    spec.loader.exec_module(module)  # runs the imports; the work stays behind the __name__ guard


def test_the_records_bench_runs_on_one_credential() -> None:
    done = subprocess.run(
        [sys.executable, "scripts/bench_records.py", "1"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "SESSION_SECRET": "bench-" + "x" * 32},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "issue: 1 credentials" in done.stdout and "verify (status lists cached)" in done.stdout
