"""Privacy fixtures: the FCE and api fixtures, plus Rasa's tracker table in a SQLite file of its own."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.core.config import Settings
from api.fce.feature import Fce
from api.privacy.service import PrivacyService
from tests.fce.conftest import (  # noqa: F401
    client,
    database_url,
    every_text_is_in_the_catalogs,
    fake_rasa,
    fce,
    settings,
)

# Rasa 3.6's SQLTrackerStore table, as Rasa creates it.
TRACKER_SCHEMA = """
CREATE TABLE events (
    id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT
)
"""


class Tracker:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"
        with sqlite3.connect(path) as connection:
            connection.execute(TRACKER_SCHEMA)

    def add(self, sender: str, timestamp: float, text: str = "hello") -> None:
        data = json.dumps({"event": "user", "text": text, "timestamp": timestamp})
        with sqlite3.connect(self.path) as connection:
            connection.execute(
                "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, ?)",
                (sender, timestamp, data),
            )

    def senders(self) -> list[str]:
        with sqlite3.connect(self.path) as connection:
            return [row[0] for row in connection.execute("SELECT sender_id FROM events ORDER BY id")]


@pytest.fixture
def tracker(tmp_path: Path) -> Tracker:
    return Tracker(tmp_path / "rasa-tracker.db")


@pytest.fixture
def privacy(client: TestClient, fce: Fce, settings: Settings, tracker: Tracker) -> PrivacyService:  # noqa: F811
    """The privacy service over the test app's database, the FCE's upload folder and the tracker file."""
    app: Any = client.app
    service = PrivacyService(
        app.state.services.db,
        settings.model_copy(update={"rasa_tracker_url": tracker.url}),
        fce.settings.documents_dir,
    )
    app.state.services.privacy = service
    return service
