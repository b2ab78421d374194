"""Cases: create (idempotently), look up with an access code, list, move through the workflow, attach documents.

The routes stay thin; this is what the bench drives directly. Nothing here renders text for people:
the routes turn results into catalog strings in the applicant's language.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from api.auth.audit import audit
from api.consent.record import FCE_PROCESSING, record_consent
from api.core.clock import as_utc, utcnow
from api.db.session import Database
from api.fce import access, documents, guards
from api.fce.brought import Brought
from api.fce.config import FceSettings
from api.fce.models import (
    FceCase,
    FceCaseEvent,
    FceCredential,
    FceDocument,
    FceIdempotencyKey,
)
from api.fce.notify import StatusNotice, notice_for
from api.fce.schemas import ApplicationBase, CredentialIn, TransitionRequest
from api.fce.workflow import OPEN_STATUSES, Status, move

# A credential brought after application joins the case only before its evaluation has started.
ADD_BROUGHT_STATUSES = frozenset({Status.SUBMITTED, Status.DOCUMENTS_REQUESTED, Status.DOCUMENTS_RECEIVED})
# Six digits: the sequential references issued before; eight: random ones (finding 6).
REFERENCE = re.compile(r"^FCE-(\d{4})-(\d{6}|\d{8})$")
APPLICANT = "applicant"


def credential_row(position: int, credential: CredentialIn, **row: Any) -> FceCredential:
    """The stored credential for an application's (or a brought credential's) CredentialIn."""
    return FceCredential(
        position=position,
        country=credential.country,
        credential_id=credential.credential_id,
        credential_name=credential.credential_name,
        institution=credential.institution,
        field_of_study=credential.field_of_study,
        start_year=credential.start_year,
        end_year=credential.end_year,
        language_of_instruction=credential.language_of_instruction,
        **row,
    )


class CaseNotFound(Exception):
    """Unknown reference or wrong access code: deliberately the same thing to the caller."""


class IdempotencyConflict(Exception):
    """The Idempotency-Key was used for a different submission, or its replay window has passed."""


class CaseClosedForDocuments(Exception):
    pass


class TooManyDocuments(Exception):
    pass


@dataclass(frozen=True)
class CreatedCase:
    reference: str
    access_code: str
    status: str
    replayed: bool = False


@dataclass(frozen=True)
class StatusView:
    reference: str
    status: str
    updated_at: datetime
    language: str
    interview_path: bool
    # (status, when, the evaluator's message to the applicant or None)
    timeline: list[tuple[str, datetime, str | None]]


@dataclass(frozen=True)
class CaseSummary:
    reference: str
    status: str
    applicant_name: str
    language: str
    countries: list[str]
    documents_available: str
    interview_path: bool
    created_at: datetime
    updated_at: datetime


def new_reference(year: int) -> str:
    """A random reference: nothing about one case (or how many there are) follows from another.
    Eight digits so the chat and phone keep working; a collision fails the insert and is retried."""
    return f"FCE-{year}-{10_000_000 + secrets.randbelow(90_000_000)}"


def normalise_reference(reference: str) -> str | None:
    candidate = reference.strip().upper()
    return candidate if REFERENCE.match(candidate) else None


def iso(value: datetime | None) -> str | None:
    return as_utc(value).isoformat().replace("+00:00", "Z") if value else None


def case_summary(item: Any) -> dict[str, Any]:
    """One row of a case list, as the evaluator API and the internal endpoint both return it."""
    return {
        "reference": item.reference,
        "status": item.status,
        "applicant_name": item.applicant_name,
        "language": item.language,
        "countries": item.countries,
        "documents_available": item.documents_available,
        "interview_path": item.interview_path,
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
    }


class CaseService:
    def __init__(
        self,
        db: Database,
        settings: FceSettings,
        code_hasher: Callable[[str], str] = access.hash_code,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.settings = settings
        # Replaceable so the bench can create 100,000 cases without 100,000 argon2 runs.
        self.code_hasher = code_hasher
        self.clock = clock

    # -- creating ----------------------------------------------------------------------------------

    def create_case(
        self,
        application: ApplicationBase,
        *,
        email: str | None,
        conversation_id: str | None = None,
        idempotency_key: str | None = None,
        brought: Sequence[Brought] = (),
    ) -> CreatedCase:
        """A new case (or the replay of one). `brought`: verified digital credentials the applicant
        attached; each pre-fills one more credential after the typed ones, in the same transaction."""
        fingerprint = hashlib.sha256(
            "\x1f".join([application.model_dump_json(), email or "", conversation_id or ""]).encode()
        ).hexdigest()
        if idempotency_key is not None:
            replay = self._replay(idempotency_key, fingerprint)
            if replay is not None:
                return replay
        code = access.new_access_code()
        code_hash = self.code_hasher(code)  # before the transaction: no lock is held while hashing
        for _attempt in range(3):
            try:
                return self._insert(
                    application, email, conversation_id, idempotency_key, fingerprint, code, code_hash, brought
                )
            except IntegrityError:
                # Another worker took the same Idempotency-Key first, or the random reference exists.
                if idempotency_key is not None:
                    replay = self._replay(idempotency_key, fingerprint)
                    if replay is not None:
                        return replay
        raise RuntimeError("could not allocate a case reference")

    def _insert(
        self,
        application: ApplicationBase,
        email: str | None,
        conversation_id: str | None,
        idempotency_key: str | None,
        fingerprint: str,
        code: str,
        code_hash: str,
        brought: Sequence[Brought] = (),
    ) -> CreatedCase:
        now = self.clock()
        typed = list(application.credentials)
        prefilled = [item.credential for item in brought if item.credential is not None]
        with self.db.session() as session:
            reference = new_reference(now.year)
            case = FceCase(
                reference=reference,
                access_code_hash=code_hash,
                status=Status.SUBMITTED.value,
                applicant_name=application.name,
                email=email,
                conversation_id=conversation_id,
                language=application.preferred_language,
                residence_country=application.residence_country,
                nationality=application.nationality,
                purpose=application.purpose,
                documents_available=application.documents,
                interview_path=application.documents == "none",
                consent_at=now,
                created_at=now,
                updated_at=now,
            )
            case.credentials = [
                credential_row(position, credential) for position, credential in enumerate(typed + prefilled)
            ]
            case.events = [FceCaseEvent(from_status=None, to_status=Status.SUBMITTED.value, actor=APPLICANT, at=now)]
            session.add(case)
            session.flush()
            position = len(typed)
            for item in brought:
                item.store(session, case.id, position if item.credential is not None else None)
                position += item.credential is not None
            record_consent(
                session,
                subject_kind="fce_case",
                subject_id=reference,
                purpose=FCE_PROCESSING,
                language=application.preferred_language,
                source="chat" if conversation_id else "web",
                at=now,
            )
            if idempotency_key is not None:
                session.add(
                    FceIdempotencyKey(
                        key_hash=access.idempotency_key_hash(idempotency_key),
                        request_sha256=fingerprint,
                        case_id=case.id,
                        sealed_code=access.seal_code(code, idempotency_key),
                        created_at=now,
                    )
                )
                session.flush()
        return CreatedCase(reference=reference, access_code=code, status=Status.SUBMITTED.value)

    def add_brought(self, case_id: int, item: Brought) -> int | None:
        """A credential the applicant brought later (pasted in the chat) joins their case exactly as one
        attached on application: its pre-fill becomes one more case credential after the others, and its
        verification record is stored, in one transaction. Only before the evaluation has started
        (ADD_BROUGHT_STATUSES); raises CaseClosedForDocuments otherwise. Returns the new credential's
        position (None: kept, not pre-filled). A credential already on the case raises IntegrityError."""
        now = self.clock()
        with self.db.session() as session:
            # Row lock (PostgreSQL): two additions at once cannot take the same position.
            case = session.scalars(select(FceCase).where(FceCase.id == case_id).with_for_update()).one()
            if Status(case.status) not in ADD_BROUGHT_STATUSES:
                raise CaseClosedForDocuments(case.status)
            position: int | None = None
            if item.credential is not None:
                last = session.scalar(select(func.max(FceCredential.position)).where(FceCredential.case_id == case_id))
                position = 0 if last is None else int(last) + 1
                credential = item.credential
                session.add(credential_row(position, credential, case_id=case_id))
            item.store(session, case_id, position)
            case.updated_at = now
            session.flush()
        return position

    def _replay(self, key: str, fingerprint: str) -> CreatedCase | None:
        with self.db.session() as session:
            row = session.get(FceIdempotencyKey, access.idempotency_key_hash(key))
            if row is None:
                return None
            if row.request_sha256 != fingerprint:
                raise IdempotencyConflict("this Idempotency-Key was used for a different submission")
            case = session.get_one(FceCase, row.case_id)
            age = self.clock() - as_utc(row.created_at)
            if row.sealed_code is None or age > timedelta(seconds=self.settings.idempotency_replay_seconds):
                row.sealed_code = None  # past the window the code is no longer kept, even sealed
                raise IdempotencyConflict(f"this submission was already received as {case.reference}")
            code = access.unseal_code(row.sealed_code, key)
            return CreatedCase(reference=case.reference, access_code=code, status=case.status, replayed=True)

    # -- the applicant's access --------------------------------------------------------------------

    def authenticate(self, reference: str, code: str, client: str = "unknown") -> tuple[int, str]:
        """The case id and language, if `code` opens `reference`; wrong codes count towards this
        client's lockout for this reference (never anyone else's).

        Raises CaseNotFound (unknown, malformed or wrong code alike) or guards.Limited (locked).
        """
        normalised = normalise_reference(reference)
        if normalised is None:
            raise CaseNotFound(reference)
        now = self.clock()
        s = self.settings
        with self.db.session() as session:
            remaining = guards.lock_remaining(
                session, normalised, client, now, s.lockout_failures, s.lockout_window_seconds, s.lockout_seconds
            )
            if remaining:
                raise guards.Limited(remaining)
            row = session.execute(
                select(FceCase.id, FceCase.access_code_hash, FceCase.language).where(FceCase.reference == normalised)
            ).one_or_none()
        # argon2 runs outside the transaction; an unknown reference is verified against a dummy hash.
        if row is None:
            access.verify_code(code, None)
        elif access.verify_code(code, row.access_code_hash):
            return int(row.id), str(row.language)
        with self.db.session() as session:
            guards.record_failure(session, normalised, client, now)
        raise CaseNotFound(reference)

    def status_view(self, case_id: int) -> StatusView:
        with self.db.session() as session:
            case = session.get_one(FceCase, case_id, options=[selectinload(FceCase.events)])
            return StatusView(
                reference=case.reference,
                status=case.status,
                updated_at=case.updated_at,
                language=case.language,
                interview_path=case.interview_path,
                timeline=[(event.to_status, event.at, event.message) for event in case.events],
            )

    def rate_limit(self, action: str, client: str, limit: int, window_seconds: int) -> None:
        with self.db.session() as session:
            guards.take(session, f"{action}:{client}", limit, window_seconds, self.clock())

    # -- documents ---------------------------------------------------------------------------------

    def check_room(self, case_id: int) -> None:
        """Raise before any upload is read if the case is final or full."""
        with self.db.session() as session:
            status = session.scalar(select(FceCase.status).where(FceCase.id == case_id))
            count = session.scalar(select(func.count()).where(FceDocument.case_id == case_id)) or 0
        self._check_accepts_documents(str(status), int(count))

    def add_document(self, case_id: int, source: BinaryIO, filename: str | None) -> FceDocument:
        self.check_room(case_id)
        directory = self.settings.documents_dir
        stored = documents.store(source, directory, self.settings.max_document_bytes, self.settings.document_keys)
        try:
            with self.db.session() as session:
                # Row lock (PostgreSQL) so two parallel uploads cannot both take the 20th place.
                case = session.scalars(select(FceCase).where(FceCase.id == case_id).with_for_update()).one()
                count = session.scalar(select(func.count()).where(FceDocument.case_id == case_id)) or 0
                self._check_accepts_documents(case.status, count)
                document = FceDocument(
                    case_id=case_id,
                    storage_name=stored.storage_name,
                    original_name=documents.safe_label(filename),
                    media_type=stored.media_type,
                    size_bytes=stored.size_bytes,
                    sha256=stored.sha256,
                    uploaded_at=self.clock(),
                )
                session.add(document)
                case.updated_at = self.clock()
                session.flush()
                return document
        except BaseException:
            documents.remove(directory, stored.storage_name)
            raise

    def _check_accepts_documents(self, status: str, count: int) -> None:
        if Status(status) not in OPEN_STATUSES:
            raise CaseClosedForDocuments(status)
        if count >= self.settings.max_documents_per_case:
            raise TooManyDocuments(count)

    def list_documents(self, case_id: int) -> list[FceDocument]:
        with self.db.session() as session:
            return list(session.scalars(select(FceDocument).where(FceDocument.case_id == case_id)))

    def document_path(self, reference: str, document_id: int) -> tuple[FceDocument, Path]:
        with self.db.session() as session:
            document = session.scalar(
                select(FceDocument)
                .join(FceCase, FceCase.id == FceDocument.case_id)
                .where(FceCase.reference == reference, FceDocument.id == document_id)
            )
        if document is None:
            raise CaseNotFound(reference)
        return document, self.settings.documents_dir / document.storage_name

    # -- evaluators (reached through /api/v1/evaluator: a login, a role, every step audited) ------------

    def list_cases(
        self,
        *,
        status: Status | None = None,
        country: str | None = None,
        older_than_days: int | None = None,
        page: int = 1,
        per_page: int = 50,
    ) -> tuple[list[CaseSummary], int]:
        """Oldest first (work is taken in order of arrival), filtered by status, credential country and age."""
        conditions: list[Any] = []
        if status is not None:
            conditions.append(FceCase.status == status.value)
        if country is not None:
            conditions.append(
                exists().where(FceCredential.case_id == FceCase.id, FceCredential.country == country.upper())
            )
        if older_than_days is not None:
            conditions.append(FceCase.created_at <= self.clock() - timedelta(days=older_than_days))
        with self.db.session() as session:
            total = session.scalar(select(func.count()).select_from(FceCase).where(*conditions)) or 0
            cases = session.scalars(
                select(FceCase)
                .where(*conditions)
                .order_by(FceCase.created_at, FceCase.id)
                .limit(per_page)
                .offset((page - 1) * per_page)
                .options(selectinload(FceCase.credentials))
            ).all()
            items = [
                CaseSummary(
                    reference=case.reference,
                    status=case.status,
                    applicant_name=case.applicant_name,
                    language=case.language,
                    countries=sorted({credential.country for credential in case.credentials}),
                    documents_available=case.documents_available,
                    interview_path=case.interview_path,
                    created_at=case.created_at,
                    updated_at=case.updated_at,
                )
                for case in cases
            ]
        return items, int(total)

    def case_detail(self, reference: str) -> dict[str, Any]:
        with self.db.session() as session:
            case = self.load(session, reference)
            return self.detail(case)

    def transition(
        self,
        reference: str,
        request: TransitionRequest,
        *,
        message: str | None = None,
        user_id: int | None = None,
    ) -> tuple[dict[str, Any], StatusNotice]:
        """The case after the change, and what to tell the applicant once it has committed.

        Raises CaseNotFound, workflow.IllegalTransition, ReasonRequired or EvaluationMissing. A
        logged-in user's change is audited in the same transaction.
        """
        with self.db.session() as session:
            case = self.load(session, reference, for_update=True)
            previous = case.status
            event = move(case, request.to, request.actor, self.clock(), request.reason, request.close_reason, message)
            session.flush()
            if user_id is not None:
                detail = {"reference": case.reference, "from": previous, "to": case.status}
                audit(session, user_id, "fce.transition", detail=detail)
            return self.detail(case), notice_for(case, event)

    def load(self, session: Session, reference: str, for_update: bool = False) -> FceCase:
        """The case with its rows (CaseNotFound if none); for_update locks it until the transaction ends."""
        normalised = normalise_reference(reference)
        statement = select(FceCase).where(FceCase.reference == (normalised or ""))
        if for_update:
            statement = statement.with_for_update()
        case = session.scalars(
            statement.options(
                selectinload(FceCase.credentials),
                selectinload(FceCase.events),
                selectinload(FceCase.documents),
                selectinload(FceCase.evaluations),
            )
        ).one_or_none()
        if case is None:
            raise CaseNotFound(reference)
        return case

    def detail(self, case: FceCase) -> dict[str, Any]:
        clock_end = case.evaluated_at or (None if case.status == Status.CLOSED else self.clock())
        turnaround = None
        if case.clock_started_at is not None and clock_end is not None:
            turnaround = (as_utc(clock_end) - as_utc(case.clock_started_at)).total_seconds() / 86400
        return {
            "reference": case.reference,
            "status": case.status,
            "closed_reason": case.closed_reason,
            "applicant": {
                "name": case.applicant_name,
                "email": case.email,
                "conversation_id": case.conversation_id,
                "language": case.language,
                "residence_country": case.residence_country,
                "nationality": case.nationality,
            },
            "purpose": case.purpose,
            "documents_available": case.documents_available,
            "interview_path": case.interview_path,
            "credentials": [
                {
                    "position": c.position,
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
            "documents": [document_dict(d) for d in case.documents],
            "timeline": [
                {
                    "from": e.from_status,
                    "to": e.to_status,
                    "actor": e.actor,
                    "reason": e.reason,
                    "message": e.message,
                    "at": iso(e.at),
                }
                for e in case.events
            ],
            "created_at": iso(case.created_at),
            "updated_at": iso(case.updated_at),
            "clock_started_at": iso(case.clock_started_at),
            "evaluated_at": iso(case.evaluated_at),
            "turnaround_days": round(turnaround, 2) if turnaround is not None else None,
        }


def document_dict(document: FceDocument) -> dict[str, Any]:
    return {
        "id": document.id,
        "name": document.original_name,
        "media_type": document.media_type,
        "size_bytes": document.size_bytes,
        "sha256": document.sha256,
        "uploaded_at": iso(document.uploaded_at),
    }
