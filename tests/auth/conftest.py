"""Auth fixtures: the api's (SQLite always, PostgreSQL when TEST_DATABASE_URL is set) and the advisors' staff."""

from __future__ import annotations

from tests.advisors.conftest import *  # noqa: F403
