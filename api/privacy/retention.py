"""The retention purge: what the privacy notice promises, applied to every store.

Each store has its own period (api/core/config.py, `retention_*`; 0 keeps forever):

- conversations with their messages, handoffs, notes and ownership events: no message for
  `conversation_days` (a conversation that is the contact of an open FCE case stays);
- answers and their feedback: older than `answer_days`;
- raw channel events, outbox rows, long button payloads: handled and older than
  `channel_event_days` / `outbox_days`;
- uploaded documents (rows and files): `document_days_after_close` after the case became
  evaluated or closed;
- FCE cases with their issued statements: `case_days_after_close` after closing (issued
  credentials keep a minimal status entry, see cases.py);
- audit entries: older than `audit_days`;
- Rasa's tracker events: older than `tracker_days` (SQL tracker store, `rasa_tracker_url`);
- rate-limit and lockout rows (they hold IP addresses): older than a week;
- spent short-lived secrets: turn secrets (access codes and pasted credentials in flight), chat
  grants to share a case's records, and chat export links, once expired. Each is ignored after its
  expiry anyway; a crash between parking and taking one would otherwise leave the row for good.

A run returns counts per store and logs only those counts; a real run is audited (`privacy.purge`)
in the same transaction as the deletions. `--dry-run` counts without changing anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.orm import Session

from api.auth.audit import audit
from api.auth.models import AuditEntry, LoginAttempt, StaffSession
from api.channels.models import ButtonPayload, ChannelEvent, EventStatus, OutboxMessage, OutboxStatus
from api.conversations.models import Conversation, Message, TurnSecret
from api.core.clock import utcnow
from api.core.config import Settings
from api.db.session import Database
from api.fce.models import FceAccessFailure, FceCase, FceLock, FceRateEvent, FceStatement
from api.fce.workflow import OPEN_STATUSES, Status
from api.knowledge.models import Answer
from api.privacy.cases import ERASED, remove_case, remove_documents
from api.privacy.models import ExportLink
from api.privacy.tracker import TrackerStore
from api.records.models import RecordChatGrant

log = logging.getLogger(__name__)

STORES = (
    "conversations",
    "messages",
    "answers",
    "channel_events",
    "outbox",
    "button_payloads",
    "documents",
    "fce_cases",
    "statements",
    "audit_entries",
    "rasa_tracker_events",
    "rate_limit_rows",
    "expired_secrets",
)
FINAL = [Status.EVALUATED.value, Status.CLOSED.value]
LIMIT_ROWS_DAYS = 7


class Purger:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        documents_dir: Path,
        tracker: TrackerStore,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.settings = settings
        self.documents_dir = documents_dir
        self.tracker = tracker
        self.clock = clock

    def _cutoff(self, days: int) -> datetime | None:
        return self.clock() - timedelta(days=days) if days > 0 else None

    def run(self, *, dry_run: bool = False) -> dict[str, int]:
        """Counts per store of what was (dry: would be) removed."""
        s = self.settings
        counts = dict.fromkeys(STORES, 0)
        now = self.clock()
        with self.db.session() as session:
            cutoff = self._cutoff(s.retention_conversation_days)
            if cutoff is not None:
                ids = self._stale_conversations(session, cutoff)
                counts["conversations"] = len(ids)
                counts["messages"] = _count(session, select(Message.id).where(Message.conversation_id.in_(ids)))
                if not dry_run and ids:
                    session.execute(delete(Conversation).where(Conversation.id.in_(ids)))
            cutoff = self._cutoff(s.retention_answer_days)
            if cutoff is not None:
                counts["answers"] = self._remove(session, Answer, Answer.created_at < cutoff, dry_run)
            cutoff = self._cutoff(s.retention_channel_event_days)
            if cutoff is not None:
                handled = ChannelEvent.status.in_([EventStatus.DONE.value, EventStatus.FAILED.value])
                counts["channel_events"] = self._remove(
                    session, ChannelEvent, handled & (ChannelEvent.received_at < cutoff), dry_run
                )
                counts["button_payloads"] = self._remove(
                    session, ButtonPayload, ButtonPayload.created_at < cutoff, dry_run
                )
            cutoff = self._cutoff(s.retention_outbox_days)
            if cutoff is not None:
                settled = OutboxMessage.status.in_([OutboxStatus.SENT.value, OutboxStatus.FAILED.value])
                counts["outbox"] = self._remove(
                    session, OutboxMessage, settled & (OutboxMessage.created_at < cutoff), dry_run
                )
            cutoff = self._cutoff(s.retention_document_days_after_close)
            if cutoff is not None:
                closed = list(
                    session.scalars(select(FceCase.id).where(FceCase.status.in_(FINAL), FceCase.updated_at < cutoff))
                )
                counts["documents"] = remove_documents(session, closed, self.documents_dir, dry_run=dry_run)
            cutoff = self._cutoff(s.retention_case_days_after_close)
            if cutoff is not None:
                old = list(
                    session.scalars(
                        select(FceCase).where(
                            FceCase.status.in_(FINAL),
                            FceCase.updated_at < cutoff,
                            FceCase.applicant_name != ERASED,  # a tombstone has nothing left to purge
                        )
                    )
                )
                case_ids = [case.id for case in old]
                counts["fce_cases"] = len(case_ids)
                counts["statements"] = _count(
                    session, select(FceStatement.case_id).where(FceStatement.case_id.in_(case_ids))
                )
                if not dry_run:
                    for case in old:
                        remove_case(session, case, self.documents_dir, now, revoke=False)
            cutoff = self._cutoff(s.retention_audit_days)
            if cutoff is not None:
                counts["audit_entries"] = self._remove(session, AuditEntry, AuditEntry.created_at < cutoff, dry_run)
            week = now - timedelta(days=LIMIT_ROWS_DAYS)
            counts["rate_limit_rows"] = (
                self._remove(session, LoginAttempt, LoginAttempt.at < week, dry_run)
                + self._remove(session, FceAccessFailure, FceAccessFailure.at < week, dry_run)
                + self._remove(session, FceRateEvent, FceRateEvent.at < week, dry_run)
                + self._remove(session, FceLock, FceLock.locked_until < week, dry_run)
            )
            counts["expired_secrets"] = (
                self._remove(session, TurnSecret, TurnSecret.expires_at < now, dry_run)
                + self._remove(session, RecordChatGrant, RecordChatGrant.expires_at < now, dry_run)
                + self._remove(session, ExportLink, ExportLink.expires_at < now, dry_run)
            )
            # Sessions past their absolute lifetime (logins also clear them; this covers a quiet desk).
            counts["ended_sessions"] = self._remove(session, StaffSession, StaffSession.expires_at < now, dry_run)
            cutoff = self._cutoff(s.retention_tracker_days)
            if cutoff is not None:
                counts["rasa_tracker_events"] = self.tracker.purge_before(cutoff, dry_run=dry_run)
            if not dry_run:
                audit(session, None, "privacy.purge", detail={"counts": counts})
        log.info("privacy purge%s: %s", " (dry run)" if dry_run else "", counts)
        return counts

    @staticmethod
    def _stale_conversations(session: Session, cutoff: datetime) -> list[str]:
        last_message = (
            select(Message.conversation_id, func.max(Message.created_at).label("last"))
            .group_by(Message.conversation_id)
            .subquery()
        )
        contacts = select(FceCase.conversation_id).where(
            FceCase.conversation_id.is_not(None), FceCase.status.in_([s.value for s in OPEN_STATUSES])
        )
        statement = (
            select(Conversation.id)
            .outerjoin(last_message, last_message.c.conversation_id == Conversation.id)
            .where(
                or_(
                    last_message.c.last < cutoff,
                    (last_message.c.last.is_(None)) & (Conversation.created_at < cutoff),
                ),
                Conversation.id.not_in(contacts),
            )
        )
        return list(session.scalars(statement))

    @staticmethod
    def _remove(session: Session, table: Any, condition: Any, dry_run: bool) -> int:
        if dry_run:
            return int(session.scalar(select(func.count()).select_from(table).where(condition)) or 0)
        return int(session.execute(delete(table).where(condition)).rowcount or 0)  # type: ignore[attr-defined]


def _count(session: Session, statement: Select[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)
