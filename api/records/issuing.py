"""Issuing and managing Kakehashi's credentials: one signed OpenBadgeCredential per evaluated credential.

Issued when the evaluator moves a case to `evaluated`, and on first need otherwise (a statement or
credential asked for before that, e.g. when the key was added later): issuing is idempotent, and the
credential's dates are the evaluation's, so issuing later signs the same facts. Revocation is final;
suspension can be lifted. Every status change is audited in the same transaction.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from api.auth.audit import audit
from api.core.clock import as_utc
from api.core.i18n import Catalogs
from api.db.session import Database
from api.fce.comparability import ComparabilityData
from api.fce.evaluations import statement_content
from api.fce.models import FceCase
from api.fce.statement import Finding, StatementContent
from api.fce.workflow import Status
from api.records import credential, did, jose, keys, status_list
from api.records.config import RecordsSettings
from api.records.models import RecordCredential

log = logging.getLogger(__name__)


class NotEvaluated(Exception):
    pass


class CaseUnknown(Exception):
    pass


class NoIssuerKey(Exception):
    """No usable signing key (RECORDS_SIGNING_KEYS or the key file); the message says what is wrong."""


class AlreadyRevoked(Exception):
    pass


@dataclass(frozen=True)
class Issued:
    position: int
    verify_id: str
    token: str
    jti: str
    revoked: bool
    suspended: bool
    payload: dict[str, Any]


def _issued(row: RecordCredential) -> Issued:
    return Issued(
        row.position, row.verify_id, row.token, row.jti, row.revoked_at is not None, row.suspended, row.payload
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


class RecordsService:
    def __init__(
        self,
        db: Database,
        settings: RecordsSettings,
        catalogs: Catalogs,
        data: ComparabilityData,
        base_url: str,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.settings = settings
        self.catalogs = catalogs
        self.data = data
        self.base_url = base_url.rstrip("/")
        self.did = did.did_web(self.base_url)
        self.clock = clock
        self._ring: keys.KeyRing | None = None
        self._ring_stamp: tuple[int, int, int] | None = None

    # -- keys ----------------------------------------------------------------------------------------

    def ring(self) -> keys.KeyRing:
        """The key ring, re-read when the key file changes (`keys rotate` while the api runs)."""
        path = self.settings.key_dir / keys.KEYRING_FILE
        stamp = None if self.settings.signing_keys.strip() else _mtime(path)
        if self._ring is None or stamp != self._ring_stamp:
            try:
                self._ring = keys.KeyRing.load(self.settings)
            except keys.KeyError_ as error:
                raise NoIssuerKey(str(error)) from None
            self._ring_stamp = stamp
        return self._ring

    def did_document(self) -> dict[str, Any]:
        return did.document(self.ring(), self.did)

    def verify_url(self, verify_id: str) -> str:
        return f"{self.base_url}/v/{verify_id}"

    # -- issuing -------------------------------------------------------------------------------------

    def issue(self, case_id: int | None = None, reference: str | None = None) -> list[Issued]:
        """The case's credentials, issuing what is missing. Raises CaseUnknown, NotEvaluated, NoIssuerKey."""
        for _attempt in range(3):
            try:
                return self._issue(case_id, reference)
            except IntegrityError:
                # A parallel request issued the same credential, or drew the same random index.
                continue
        raise RuntimeError("could not issue the credential")

    def _issue(self, case_id: int | None, reference: str | None) -> list[Issued]:
        with self.db.session() as session:
            case = self._case(session, case_id, reference)
            if case.status != Status.EVALUATED or case.evaluated_at is None:
                raise NotEvaluated(case.reference)
            rows = {row.position: row for row in self._rows(session, case.id)}
            missing = [c.position for c in case.credentials if c.position not in rows]
            if missing:
                ring = self.ring()
                assert ring.signing.private is not None
                kid = did.method_id(self.did, ring.signing.kid)
                content = statement_content(case, self.data)
                order = [c.position for c in case.credentials]
                for position in missing:
                    finding = content.findings[order.index(position)]
                    row = self._sign(session, case, content, finding, position, ring.signing.private, kid)
                    rows[row.position] = row
            return [_issued(rows[position]) for position in sorted(rows)]

    def _sign(
        self,
        session: Session,
        case: FceCase,
        content: StatementContent,
        finding: Finding,
        position: int,
        private: Any,
        kid: str,
    ) -> RecordCredential:
        assert case.evaluated_at is not None
        index = self._free_index(session)
        jti = f"urn:uuid:{uuid.uuid4()}"
        payload = credential.build(
            content,
            finding,
            as_utc(case.evaluated_at),
            self.catalogs,
            did=self.did,
            base_url=self.base_url,
            jti=jti,
            subject_id=f"urn:uuid:{uuid.uuid4()}",
            status_index=index,
        )
        token = jose.sign(payload, private, kid)
        row = RecordCredential(
            case_id=case.id,
            position=position,
            verify_id=secrets.token_urlsafe(12),
            jti=jti,
            kid=kid.split("#", 1)[1],
            status_index=index,
            token=token,
            payload=payload,
            issued_at=self.clock(),
            suspended=False,
        )
        session.add(row)
        session.flush()
        log.info("records: issued credential case_id=%s position=%s kid=%s", case.id, position, row.kid)
        return row

    def _free_index(self, session: Session) -> int:
        for _ in range(32):
            index = secrets.randbelow(self.settings.status_list_size)
            taken = session.scalar(select(RecordCredential.id).where(RecordCredential.status_index == index))
            if taken is None:
                return index
        raise RuntimeError("the status list is nearly full; add a second list")

    def _case(self, session: Session, case_id: int | None, reference: str | None) -> FceCase:
        statement = select(FceCase).options(selectinload(FceCase.credentials), selectinload(FceCase.evaluations))
        if case_id is not None:
            statement = statement.where(FceCase.id == case_id)
        else:
            statement = statement.where(FceCase.reference == (reference or "").strip().upper())
        case = session.scalars(statement).one_or_none()
        if case is None:
            raise CaseUnknown(reference or case_id)
        return case

    @staticmethod
    def _rows(session: Session, case_id: int) -> list[RecordCredential]:
        return list(session.scalars(select(RecordCredential).where(RecordCredential.case_id == case_id)))

    # -- reading -------------------------------------------------------------------------------------

    def by_verify_id(self, verify_id: str) -> Issued | None:
        if not verify_id or len(verify_id) > 24:
            return None
        with self.db.session() as session:
            row = session.scalar(select(RecordCredential).where(RecordCredential.verify_id == verify_id))
            return _issued(row) if row is not None else None

    # -- status --------------------------------------------------------------------------------------

    def change_status(self, user_id: int, reference: str, action: str, reason: str) -> list[dict[str, Any]]:
        """revoke (final), suspend or unsuspend every credential of the case; audited.

        Raises CaseUnknown, NotEvaluated (nothing issued yet) or AlreadyRevoked.
        """
        now = self.clock()
        with self.db.session() as session:
            case = self._case(session, None, reference)
            rows = self._rows(session, case.id)
            if not rows:
                raise NotEvaluated(case.reference)
            if any(row.revoked_at is not None for row in rows):
                raise AlreadyRevoked(case.reference)
            for row in rows:
                if action == "revoke":
                    row.revoked_at = now
                else:
                    row.suspended = action == "suspend"
                row.status_reason = reason
                row.status_changed_at = now
            session.flush()
            # The reason is staff text about the applicant; the audit keeps that it happened and why.
            audit(session, user_id, f"records.{action}", detail={"reference": case.reference, "reason": reason})
            return [self.status_dict(row) for row in rows]

    def status_dict(self, row: RecordCredential) -> dict[str, Any]:
        state = "revoked" if row.revoked_at is not None else "suspended" if row.suspended else "active"
        return {
            "position": row.position,
            "status": state,
            "verify_url": self.verify_url(row.verify_id),
            "reason": row.status_reason,
            "changed_at": credential.iso(as_utc(row.status_changed_at)) if row.status_changed_at else None,
        }

    def status_of_case(self, reference: str) -> list[dict[str, Any]]:
        with self.db.session() as session:
            case = self._case(session, None, reference)
            return [self.status_dict(row) for row in sorted(self._rows(session, case.id), key=lambda r: r.position)]

    def status_list_token(self, purpose: str) -> str:
        """The signed BitstringStatusListCredential for `purpose`, as of now."""
        if purpose not in status_list.PURPOSES:
            raise ValueError(purpose)
        column = RecordCredential.revoked_at.is_not(None) if purpose == "revocation" else RecordCredential.suspended
        with self.db.session() as session:
            indexes = list(session.scalars(select(RecordCredential.status_index).where(column)))
        encoded = status_list.encode(self.settings.status_list_size, indexes)
        body = status_list.list_credential(
            self.base_url, self.did, purpose, encoded, self.clock(), self.settings.status_list_ttl_seconds
        )
        ring = self.ring()
        assert ring.signing.private is not None
        return jose.sign(body, ring.signing.private, did.method_id(self.did, ring.signing.kid))


def _mtime(path: Path) -> tuple[int, int, int] | None:
    """Changes whenever the key file is replaced (a new inode), even within one clock tick."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size
