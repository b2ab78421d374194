"""`python -m api workers`: the channel workers as a process of their own (the production shape), which
starts the inbox and outbox (the inbox alone with --inbox-only) and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from api.core.config import REPO_ROOT


def workers_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'workers.db'}",
        "KNOWLEDGE_ENABLED": "false",
        "REDIS_URL": "",
        "LOG_FORMAT": "json",
        "RECORDS_KEY_DIR": str(tmp_path / "keys"),
        # LINE on (against nothing: no event arrives), so the inbox and outbox actually start.
        "LINE_CHANNEL_SECRET": "workers-test-secret",
        "LINE_CHANNEL_ACCESS_TOKEN": "workers-test-token",
        "LINE_API_BASE": "http://127.0.0.1:9",
    }


@pytest.mark.parametrize(
    ("flags", "started"), [([], "workers: inbox and outbox running"), (["--inbox-only"], "workers: inbox running")]
)
def test_the_workers_process_runs_until_sigterm(tmp_path: Path, flags: list[str], started: str) -> None:
    env = workers_env(tmp_path)
    process = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments from the parametrisation)
        [sys.executable, "-m", "api", "workers", *flags],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.strip() == started, line or process.stderr.read()
        assert process.poll() is None  # running, not a one-shot
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("flags", [["--outbox-only"], ["--inbox-only", "--inbox-only"], ["inbox"]])
def test_an_unknown_workers_flag_is_refused_before_anything_starts(
    flags: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from api.__main__ import main

    assert main(["workers", *flags]) == 2
    # Refused, not started: a started process would run until a signal and this call would not return.
    assert "usage: python -m api workers [--inbox-only]" in capsys.readouterr().err
