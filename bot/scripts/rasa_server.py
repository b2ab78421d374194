"""`rasa run` with its admin token from the environment, never on the command line.

Rasa takes the token of its HTTP API only as `--auth-token`. A command line is readable by every local
user (`ps`, /proc/<pid>/cmdline), and this token opens the whole API: any conversation's tracker, the
model. scripts/run.sh, scripts/run-prod.sh and docker-compose.yml therefore start Rasa through this
script with RASA_ADMIN_TOKEN in the environment (readable only by the process's own user); the token
joins the arguments inside the process, after the exec the command line records.

Usage, with the Rasa virtualenv: `python bot/scripts/rasa_server.py run --enable-api ...` (any `rasa`
arguments but `--auth-token`). tests/bot/test_rasa_server.py checks the arguments it builds.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

# The model's pipeline names a component of this repository (bot.components.sentence_intents): Rasa imports
# it by module path, so the repository root must be importable however the script was started (the
# Docker image sets no PYTHONPATH; `python bot/scripts/...` puts only bot/scripts on the path).
REPO_ROOT = Path(__file__).resolve().parents[2]


def rasa_argv(args: list[str], environ: Mapping[str, str]) -> list[str]:
    """What `rasa` sees as sys.argv: the given arguments and the token from RASA_ADMIN_TOKEN."""
    if any(arg == "--auth-token" or arg.startswith("--auth-token=") for arg in args):
        raise SystemExit("rasa_server: give the token in RASA_ADMIN_TOKEN, not on the command line")
    token = environ.get("RASA_ADMIN_TOKEN", "")
    if not token:
        raise SystemExit("rasa_server: RASA_ADMIN_TOKEN is not set")
    return ["rasa", *args, "--auth-token", token]


def main() -> None:
    sys.argv = rasa_argv(sys.argv[1:], os.environ)
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from rasa.__main__ import main as rasa_main  # the Rasa virtualenv's; imported only to run

    rasa_main()


if __name__ == "__main__":
    main()
