"""Access and erasure requests (APPI arts. 33 and 35): everything held about one person.

A person is found by the e-mail of their FCE applications or advice requests, by a conversation id,
or by a case reference (FCE- or ADV-); from any of them the search widens to what belongs to the
same person: the case's chat conversation, every conversation of the same channel user (one LINE or
Telegram account), the raw channel events and outbox rows of that account, Rasa's tracker for those
conversations, and their career-advice requests with the advisors' notes (their slots go back to
the advisors).

Export writes a zip: `data.json` (machine-readable, every row) plus the uploaded documents (decrypted:
the archive holds the original bytes, api/fce/vault.py) and the issued statements as files. Erasure
deletes those rows and files; an FCE case with issued credentials keeps only a minimal revocation
entry (api/privacy/cases.py says exactly what). The audit entry of a request holds counts and case
references, never the e-mail.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.orm import Session

from api.advice.models import AdviceNote, AdviceRequest, AdviceSlot
from api.advisors.models import AdvisorNote, Handoff
from api.auth.audit import audit
from api.channels.models import ChannelEvent, OutboxMessage
from api.consent.models import ConsentRecord
from api.conversations.models import Conversation, Message, TurnSecret
from api.core.clock import as_utc, utcnow
from api.db.session import Database
from api.fce.config import FceSettings
from api.fce.documents import EXTENSIONS
from api.fce.models import FceCase, FceDocument, FceStatement
from api.fce.vault import DocumentKeys, DocumentUnreadable, read
from api.knowledge.models import Answer
from api.privacy.cases import ERASED, remove_case
from api.privacy.tracker import TrackerStore


class SubjectNotFound(Exception):
    """Nothing is held for that e-mail, conversation or reference."""


@dataclass(frozen=True)
class Subject:
    email: str | None = None
    conversation_id: str | None = None
    reference: str | None = None

    def describe(self) -> str:
        return "email" if self.email else "conversation" if self.conversation_id else "reference"


@dataclass
class Found:
    case_ids: list[int] = field(default_factory=list)
    conversation_ids: list[str] = field(default_factory=list)
    channel_users: list[tuple[str, str]] = field(default_factory=list)
    advice_ids: list[int] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.case_ids and not self.conversation_ids and not self.advice_ids


def _iso(value: datetime | None) -> str | None:
    return as_utc(value).isoformat().replace("+00:00", "Z") if value else None


class PrivacyRequests:
    def __init__(
        self,
        db: Database,
        documents_dir: Path,
        tracker: TrackerStore,
        clock: Callable[[], datetime] = utcnow,
        keys: DocumentKeys | None = None,
    ) -> None:
        self.db = db
        self.documents_dir = documents_dir
        # The documents' key ring; None: from the environment when an export first needs it.
        self.keys = keys
        self.tracker = tracker
        self.clock = clock

    # -- finding a person --------------------------------------------------------------------------

    def find(self, session: Session, subject: Subject) -> Found:
        found = Found()
        cases: list[FceCase] = []
        if subject.email:
            cases = list(
                session.scalars(select(FceCase).where(func.lower(FceCase.email) == subject.email.strip().lower()))
            )
        if subject.reference:
            cases += list(
                session.scalars(select(FceCase).where(FceCase.reference == subject.reference.strip().upper()))
            )
        conversations: set[str] = {c.conversation_id for c in cases if c.conversation_id}
        if subject.conversation_id:
            conversations.add(subject.conversation_id)
            cases += list(session.scalars(select(FceCase).where(FceCase.conversation_id == subject.conversation_id)))
        rows = list(session.scalars(select(Conversation).where(Conversation.id.in_(conversations))))
        users = sorted({(c.channel, c.channel_user_id) for c in rows if c.channel_user_id})
        if users:
            same_account = or_(
                *[(Conversation.channel == ch) & (Conversation.channel_user_id == uid) for ch, uid in users]
            )
            rows += list(session.scalars(select(Conversation).where(same_account)))
        found.conversation_ids = sorted({c.id for c in rows})
        found.channel_users = users
        if found.conversation_ids:
            cases += list(session.scalars(select(FceCase).where(FceCase.conversation_id.in_(found.conversation_ids))))
        found.case_ids = sorted({c.id for c in cases if c.applicant_name != ERASED})
        found.advice_ids = self._advice_ids(session, subject, found.conversation_ids)
        return found

    @staticmethod
    def _advice_ids(session: Session, subject: Subject, conversation_ids: list[str]) -> list[int]:
        """Career-advice requests of the person: by e-mail, their ADV- reference or their chats."""
        matches: list[ColumnElement[bool]] = [AdviceRequest.conversation_id.in_(conversation_ids)]
        if subject.email:
            matches.append(func.lower(AdviceRequest.email) == subject.email.strip().lower())
        if subject.reference:
            matches.append(AdviceRequest.reference == subject.reference.strip().upper())
        return sorted(session.scalars(select(AdviceRequest.id).where(or_(*matches))))

    @staticmethod
    def _advice(session: Session, row: AdviceRequest) -> dict[str, Any]:
        notes = session.scalars(select(AdviceNote).where(AdviceNote.request_id == row.id).order_by(AdviceNote.id))
        return {
            "reference": row.reference,
            "channel": row.channel,
            "language": row.language,
            "time_zone": row.time_zone,
            "current_status": row.current_status,
            "qualifications": row.qualifications,
            "japanese_level": row.japanese_level,
            "goal_status": row.goal_status,
            "goal_field": row.goal_field,
            "note": row.note,
            "email": row.email,
            "suggested_path": row.suggested_path,
            "state": row.state,
            "outcome": row.outcome,
            "consent_at": _iso(row.consent_at),
            "created_at": _iso(row.created_at),
            "sessions": [
                {"starts_at": _iso(slot.starts_at), "minutes": slot.minutes}
                for slot in session.scalars(select(AdviceSlot).where(AdviceSlot.request_id == row.id))
            ],
            "advisor_notes": [
                {
                    "text": n.text,
                    "follow_up_on": n.follow_up_on.isoformat() if n.follow_up_on else None,
                    "at": _iso(n.created_at),
                }
                for n in notes
            ],
        }

    def _channel_events(self, session: Session, users: list[tuple[str, str]]) -> list[ChannelEvent]:
        # Raw payloads are platform JSON; the account id sits at a different path per platform, so
        # match it in the serialised payload (the table holds at most the retention window's events).
        result = []
        for channel, user_id in users:
            needle = json.dumps(user_id)
            for event in session.scalars(select(ChannelEvent).where(ChannelEvent.channel == channel)):
                if needle in json.dumps(event.payload) or f": {user_id}," in json.dumps(event.payload):
                    result.append(event)
        return result

    def _outbox(self, session: Session, found: Found) -> list[OutboxMessage]:
        destinations = [uid for _channel, uid in found.channel_users]
        return list(
            session.scalars(
                select(OutboxMessage).where(
                    or_(
                        OutboxMessage.conversation_id.in_(found.conversation_ids),
                        OutboxMessage.destination.in_(destinations),
                    )
                )
            )
        )

    # -- access ------------------------------------------------------------------------------------

    def export(self, subject: Subject, *, user_id: int | None = None, via: str = "cli") -> bytes:
        """The zip archive for `subject`; audited. SubjectNotFound when nothing is held."""
        buffer = io.BytesIO()
        with self.db.session() as session:
            found = self.find(session, subject)
            if found.empty:
                raise SubjectNotFound(subject.describe())
            data: dict[str, Any] = {
                "format": "kakehashi-export/1",
                "exported_at": _iso(self.clock()),
                "conversations": [],
                "fce_cases": [],
                "channel_events": [],
                "outbox": [],
                "consent": [],
                "advice_requests": [],
                "rasa_tracker_events": self.tracker.export(found.conversation_ids),
            }
            files: list[tuple[str, bytes]] = []
            for conversation in session.scalars(
                select(Conversation).where(Conversation.id.in_(found.conversation_ids))
            ):
                data["conversations"].append(self._conversation(session, conversation))
            for case in session.scalars(select(FceCase).where(FceCase.id.in_(found.case_ids))):
                data["fce_cases"].append(self._case(session, case, files))
            for row in session.scalars(select(AdviceRequest).where(AdviceRequest.id.in_(found.advice_ids))):
                data["advice_requests"].append(self._advice(session, row))
            data["channel_events"] = [
                {"channel": e.channel, "received_at": _iso(e.received_at), "payload": e.payload}
                for e in self._channel_events(session, found.channel_users)
            ]
            data["outbox"] = [
                {"channel": o.channel, "created_at": _iso(o.created_at), "status": o.status, "body": o.body}
                for o in self._outbox(session, found)
            ]
            data["consent"] = [
                {
                    "purpose": c.purpose,
                    "notice_version": c.notice_version,
                    "language": c.language,
                    "agreed_at": _iso(c.agreed_at),
                    "subject": f"{c.subject_kind}:{c.subject_id}",
                }
                for c in self._consents(session, found)
            ]
            audit(session, user_id, "privacy.export", detail={"via": via, **self._counts(data)})
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
            for name, content in files:
                archive.writestr(name, content)
        return buffer.getvalue()

    @staticmethod
    def _counts(data: dict[str, Any]) -> dict[str, Any]:
        return {
            "conversations": len(data["conversations"]),
            "fce_cases": [case["reference"] for case in data["fce_cases"]],
        }

    def _consents(self, session: Session, found: Found) -> list[ConsentRecord]:
        references = list(session.scalars(select(FceCase.reference).where(FceCase.id.in_(found.case_ids))))
        return list(
            session.scalars(
                select(ConsentRecord).where(
                    or_(
                        (ConsentRecord.subject_kind == "fce_case") & ConsentRecord.subject_id.in_(references),
                        (ConsentRecord.subject_kind == "conversation")
                        & ConsentRecord.subject_id.in_(found.conversation_ids),
                    )
                )
            )
        )

    @staticmethod
    def _conversation(session: Session, conversation: Conversation) -> dict[str, Any]:
        cid = conversation.id
        return {
            "id": cid,
            "channel": conversation.channel,
            "channel_user_id": conversation.channel_user_id,
            "language": conversation.language,
            "state": conversation.state,
            "created_at": _iso(conversation.created_at),
            "messages": [
                {"role": m.role, "text": m.text, "language": m.language, "payload": m.payload, "at": _iso(m.created_at)}
                for m in session.scalars(select(Message).where(Message.conversation_id == cid).order_by(Message.id))
            ],
            "answers": [
                {"question": a.question, "topic_id": a.topic_id, "feedback": a.feedback, "at": _iso(a.created_at)}
                for a in session.scalars(select(Answer).where(Answer.conversation_id == cid).order_by(Answer.id))
            ],
            "handoffs": [
                {"reason": h.reason, "requested_at": _iso(h.requested_at), "outcome": h.outcome, "rating": h.rating}
                for h in session.scalars(select(Handoff).where(Handoff.conversation_id == cid).order_by(Handoff.id))
            ],
            "advisor_notes": [
                {"text": n.text, "at": _iso(n.created_at)}
                for n in session.scalars(
                    select(AdvisorNote).where(AdvisorNote.conversation_id == cid).order_by(AdvisorNote.id)
                )
            ],
        }

    def _document(self, document: FceDocument) -> bytes | None:
        """A document's original bytes for the archive; None when the file is gone or cannot be decrypted."""
        if self.keys is None:
            self.keys = FceSettings().document_keys
        try:
            return read(self.documents_dir / document.storage_name, self.keys, document.sha256)
        except (FileNotFoundError, DocumentUnreadable):
            return None

    def _case(self, session: Session, case: FceCase, files: list[tuple[str, bytes]]) -> dict[str, Any]:
        documents = []
        for document in case.documents:
            name = f"documents/{case.reference}-{document.id}.{EXTENSIONS.get(document.media_type, 'bin')}"
            content = self._document(document)
            if content is not None:
                files.append((name, content))
            documents.append(
                {
                    "file": name if content is not None else None,
                    "original_name": document.original_name,
                    "media_type": document.media_type,
                    "sha256": document.sha256,
                    "uploaded_at": _iso(document.uploaded_at),
                }
            )
        statement = session.get(FceStatement, case.id)
        if statement is not None:
            files.append((f"statements/{case.reference}.pdf", statement.pdf))
        return {
            "reference": case.reference,
            "status": case.status,
            "applicant_name": case.applicant_name,
            "email": case.email,
            "language": case.language,
            "residence_country": case.residence_country,
            "nationality": case.nationality,
            "purpose": case.purpose,
            "consent_at": _iso(case.consent_at),
            "created_at": _iso(case.created_at),
            "credentials": [
                {
                    "country": c.country,
                    "credential_id": c.credential_id,
                    "credential_name": c.credential_name,
                    "institution": c.institution,
                    "field_of_study": c.field_of_study,
                    "start_year": c.start_year,
                    "end_year": c.end_year,
                    "language_of_instruction": c.language_of_instruction,
                }
                for c in case.credentials
            ],
            "timeline": [{"status": e.to_status, "message": e.message, "at": _iso(e.at)} for e in case.events],
            "evaluations": [
                {
                    "japan_equivalent": e.japan_equivalent,
                    "isced_level": e.isced_level,
                    "jqf_level": e.jqf_level,
                    "field": e.field,
                    "substantial_differences": e.substantial_differences,
                    "remarks": e.remarks,
                }
                for e in case.evaluations
            ],
            "documents": documents,
            "statement": f"statements/{case.reference}.pdf" if statement is not None else None,
        }

    # -- erasure -----------------------------------------------------------------------------------

    def erase(
        self,
        subject: Subject,
        *,
        user_id: int | None = None,
        via: str = "cli",
        before_commit: Callable[[Session], None] | None = None,
    ) -> dict[str, Any]:
        """Remove everything held about `subject`; counts (and erased references). Audited.
        `before_commit` writes in the same transaction, once everything is gone (the chat's last
        message to the person's account, api/privacy/chat.py): it is kept only if the erasure is."""
        now = self.clock()
        with self.db.session() as session:
            found = self.find(session, subject)
            if found.empty:
                raise SubjectNotFound(subject.describe())
            result: dict[str, Any] = {"conversations": len(found.conversation_ids)}
            result["channel_events"] = 0
            for event in self._channel_events(session, found.channel_users):
                session.delete(event)
                result["channel_events"] += 1
            outbox = self._outbox(session, found)
            result["outbox"] = len(outbox)
            session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_([o.id for o in outbox])))
            result["consent_records"] = 0
            for consent in self._consents(session, found):
                session.delete(consent)
                result["consent_records"] += 1
            result["messages"] = int(
                session.scalar(
                    select(func.count()).select_from(Message).where(Message.conversation_id.in_(found.conversation_ids))
                )
                or 0
            )
            # A credential pasted in the chat and still waiting (sealed) for "Add to my application".
            session.execute(delete(TurnSecret).where(TurnSecret.conversation_id.in_(found.conversation_ids)))
            session.execute(delete(Conversation).where(Conversation.id.in_(found.conversation_ids)))
            cases = list(session.scalars(select(FceCase).where(FceCase.id.in_(found.case_ids))))
            result["documents"] = int(
                session.scalar(
                    select(func.count()).select_from(FceDocument).where(FceDocument.case_id.in_(found.case_ids))
                )
                or 0
            )
            outcomes = {
                case.reference: remove_case(session, case, self.documents_dir, now, revoke=True) for case in cases
            }
            result["fce_cases"] = outcomes
            # Notes and slot holds first: SQLite enforces no ON DELETE unless asked to.
            session.execute(delete(AdviceNote).where(AdviceNote.request_id.in_(found.advice_ids)))
            session.execute(
                update(AdviceSlot)
                .where(AdviceSlot.request_id.in_(found.advice_ids))
                .values(request_id=None, booked_at=None, reminded_at=None)
            )
            session.execute(delete(AdviceRequest).where(AdviceRequest.id.in_(found.advice_ids)))
            result["advice_requests"] = len(found.advice_ids)
            result["rasa_tracker_events"] = self.tracker.erase(found.conversation_ids)
            audit(session, user_id, "privacy.erase", detail={"via": via, "by": subject.describe(), **result})
            if before_commit is not None:
                before_commit(session)
        return result
