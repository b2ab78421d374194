"""The privacy feature as one service: the retention purge (on demand and on a schedule) and
access/erasure requests. Built once by the composition root."""

from __future__ import annotations

from pathlib import Path

from api.core.config import Settings
from api.core.periodic import Periodic
from api.db.session import Database
from api.fce.vault import DocumentKeys
from api.privacy.retention import Purger
from api.privacy.subjects import PrivacyRequests
from api.privacy.tracker import TrackerStore


class PrivacyService:
    def __init__(self, db: Database, settings: Settings, documents_dir: Path, keys: DocumentKeys | None = None) -> None:
        self.settings = settings
        self.tracker = TrackerStore(settings.rasa_tracker_url)
        self.purger = Purger(db, settings, documents_dir, self.tracker)
        self.requests = PrivacyRequests(db, documents_dir, self.tracker, keys=keys)
        # Every `purge_interval_seconds` (0: never; tests and one-off deployments).
        self._schedule = Periodic("privacy purge", settings.purge_interval_seconds, lambda: self.purger.run())

    def start(self) -> None:
        self._schedule.start()

    async def stop(self) -> None:
        await self._schedule.stop()
        self.tracker.dispose()
