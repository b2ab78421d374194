"""Advice fixtures: the api's app fixtures (SQLite, and PostgreSQL when configured)."""

from tests.api.conftest import *  # noqa: F403
