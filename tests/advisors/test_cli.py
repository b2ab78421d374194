"""python -m api users create."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.__main__ import main
from api.core.config import get_settings


def test_create_user_and_refuse_duplicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    try:
        args = ["users", "create", "--email", "a@example.org", "--password", "long enough pw", "--role", "admin"]
        assert main(args) == 0
        assert "role=admin" in capsys.readouterr().out
        assert main(args) == 2
        assert main(["users", "create", "--email", "b@example.org", "--password", "short", "--role", "advisor"]) == 2
    finally:
        get_settings.cache_clear()
