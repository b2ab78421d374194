"""`python -m api workers`: the channel workers as a process of their own (the production shape), which
starts the inbox and outbox and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from api.core.config import REPO_ROOT


def test_the_workers_process_runs_until_sigterm(tmp_path: Path) -> None:
    env = {
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
    process = subprocess.Popen(
        [sys.executable, "-m", "api", "workers"],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.strip() == "workers: inbox and outbox running", line or process.stderr.read()
        assert process.poll() is None  # running, not a one-shot
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
