"""The api's fixtures (app on a fresh database), shared with the pathway tests."""

from tests.api.conftest import client, database_url, fake_rasa, settings  # noqa: F401
