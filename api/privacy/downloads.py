"""Export links from the chat (api/privacy/chat.py): one use, LINK_HOURS, only the token's hash kept.

Opening the link (GET) only shows a page with a Download button: link previews and scanners that
fetch every address in a message must not spend the one use. The download (POST) first claims the
link with one conditional update (of two presses at once, one gets the archive, the other a 404),
then builds the archive; if building fails, the claim is given back, so nothing is half-spent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from api.conversations.service import hash_token
from api.core.clock import as_utc, utcnow
from api.db.session import Database
from api.privacy.models import ExportLink
from api.privacy.subjects import PrivacyRequests, Subject, SubjectNotFound

MAX_TOKEN_CHARS = 100


@dataclass(frozen=True)
class Link:
    id: int
    conversation_id: str
    language: str


class LinkGone(Exception):
    """Unknown, used or expired: one answer for all three (a 404 that tells nothing apart)."""


class ExportLinks:
    def __init__(self, db: Database, requests: PrivacyRequests, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.requests = requests
        self.clock = clock

    def find(self, token: str) -> Link:
        """The link, while it still works; LinkGone otherwise."""
        if not token or len(token) > MAX_TOKEN_CHARS:
            raise LinkGone
        with self.db.session() as session:
            row = session.scalar(select(ExportLink).where(ExportLink.token_hash == hash_token(token)))
            if row is None or row.used_at is not None or as_utc(row.expires_at) <= self.clock():
                raise LinkGone
            return Link(row.id, row.conversation_id, row.language)

    def download(self, token: str) -> tuple[bytes, Link]:
        """Spend the link and build the archive of the person it belongs to; LinkGone when it no longer works."""
        link = self.find(token)
        now = self.clock()
        with self.db.session() as session:
            claimed = session.execute(
                update(ExportLink)
                .where(ExportLink.id == link.id, ExportLink.used_at.is_(None), ExportLink.expires_at > now)
                .values(used_at=now)
                .execution_options(synchronize_session=False)
            )
            if getattr(claimed, "rowcount", 0) != 1:
                raise LinkGone
        try:
            archive = self.requests.export(Subject(conversation_id=link.conversation_id), via="chat_link")
        except SubjectNotFound:
            raise LinkGone from None
        except Exception:
            with self.db.session() as session:
                session.execute(
                    update(ExportLink)
                    .where(ExportLink.id == link.id)
                    .values(used_at=None)
                    .execution_options(synchronize_session=False)
                )
            raise
        return archive, link
