"""`python -m api users create --role editor` creates a reviewer; an unknown role is refused by the parser."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from api.__main__ import main
from api.core.config import get_settings


def test_cli_creates_an_editor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    # The password comes on stdin, as scripts give it (never as an argument).
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough pw\n"))
    get_settings.cache_clear()
    try:
        args = ["users", "create", "--email", "e@example.org", "--role", "editor"]
        assert main(args) == 0
        assert "role=editor" in capsys.readouterr().out
        with pytest.raises(SystemExit):
            main(["users", "create", "--email", "x@example.org", "--role", "chief"])
    finally:
        get_settings.cache_clear()
