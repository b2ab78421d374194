"""Insights fixtures: the api's app fixtures (SQLite, and PostgreSQL when configured) and the staff users."""

from tests.advisors.conftest import make_user  # noqa: F401
from tests.api.conftest import *  # noqa: F403
