"""python -m api users create: the password is asked for (getpass) or read from stdin, never an argument."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from api.__main__ import main
from api.auth import cli
from api.core.config import get_settings


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    yield None
    get_settings.cache_clear()


def test_create_user_and_refuse_duplicates(
    database: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["users", "create", "--email", "a@example.org", "--role", "admin"]
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough pw\nignored second line\n"))
    assert main(args) == 0
    assert "role=admin" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough pw\n"))
    assert main(args) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["users", "create", "--email", "b@example.org", "--role", "advisor"]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["users", "create", "--email", "c@example.org", "--role", "advisor"]) == 2


def test_a_password_on_the_command_line_is_refused(
    database: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough pw\n"))
    args = ["users", "create", "--email", "a@example.org", "--password", "long enough pw", "--role", "admin"]
    assert main(args) == 2
    assert "not taken on the command line" in capsys.readouterr().err


def test_at_a_terminal_the_password_is_asked_twice_without_echo(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["long enough pw", "long enough pw", "first try here", "second differs"])
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    assert cli.read_password(Terminal(), ask) == "long enough pw"
    with pytest.raises(cli.UserError, match="differ"):
        cli.read_password(Terminal(), ask)
    assert len(asked) == 4
    assert cli.read_password(io.StringIO("from a script\r\n")) == "from a script"
