"""bot/scripts/rasa_server.py: Rasa gets its admin token from the environment, never from a command line."""

from __future__ import annotations

import importlib.util

import pytest

from api.core.config import REPO_ROOT

_spec = importlib.util.spec_from_file_location("rasa_server", REPO_ROOT / "bot" / "scripts" / "rasa_server.py")
assert _spec is not None and _spec.loader is not None
rasa_server = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rasa_server)


def test_the_token_joins_the_arguments_from_the_environment() -> None:
    argv = rasa_server.rasa_argv(["run", "--enable-api", "--port", "5005"], {"RASA_ADMIN_TOKEN": "s3cret-token"})
    assert argv == ["rasa", "run", "--enable-api", "--port", "5005", "--auth-token", "s3cret-token"]


@pytest.mark.parametrize(
    ("args", "environ", "says"),
    [
        (["run"], {}, "RASA_ADMIN_TOKEN is not set"),
        (["run"], {"RASA_ADMIN_TOKEN": ""}, "RASA_ADMIN_TOKEN is not set"),
        (["run", "--auth-token", "x"], {"RASA_ADMIN_TOKEN": "t"}, "not on the command line"),
        (["run", "--auth-token=x"], {"RASA_ADMIN_TOKEN": "t"}, "not on the command line"),
    ],
)
def test_no_token_or_one_on_the_command_line_stops_it(args: list[str], environ: dict[str, str], says: str) -> None:
    with pytest.raises(SystemExit, match=says):
        rasa_server.rasa_argv(args, environ)
