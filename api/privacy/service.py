"""The privacy feature as one service: the retention purge (on demand and on a schedule),
access/erasure requests, and the same requests made in chat with their download links. Built once
by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from api.conversations.service import ConversationService
from api.core.config import Settings
from api.core.i18n import Catalogs
from api.core.periodic import Periodic
from api.db.session import Database
from api.fce.vault import DocumentKeys
from api.live.broadcast import Broadcaster
from api.privacy.chat import PrivacyChat
from api.privacy.downloads import ExportLinks
from api.privacy.retention import Purger
from api.privacy.subjects import PrivacyRequests
from api.privacy.tracker import TrackerStore


@dataclass(frozen=True)
class ChatParts:
    """What the chat's requests need besides the privacy service's own parts."""

    catalogs: Catalogs
    conversations: ConversationService
    broadcaster: Broadcaster


class PrivacyService:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        documents_dir: Path,
        keys: DocumentKeys | None = None,
        chat: ChatParts | None = None,
    ) -> None:
        self.settings = settings
        self.tracker = TrackerStore(settings.rasa_tracker_url)
        self.purger = Purger(db, settings, documents_dir, self.tracker)
        self.requests = PrivacyRequests(db, documents_dir, self.tracker, keys=keys)
        self.links = ExportLinks(db, self.requests)
        self.chat = (
            PrivacyChat(
                db, chat.catalogs, self.requests, chat.conversations, chat.broadcaster, settings.public_base_url
            )
            if chat is not None
            else None
        )
        # Every `purge_interval_seconds` (0: never; tests and one-off deployments).
        self._schedule = Periodic("privacy purge", settings.purge_interval_seconds, lambda: self.purger.run())

    def start(self) -> None:
        self._schedule.start()

    async def stop(self) -> None:
        await self._schedule.stop()
        self.tracker.dispose()
