"""Removing an FCE case's personal data, shared by the retention purge and erasure requests.

A case without issued credentials is deleted with everything it holds (rows cascade, files are
unlinked). A case with issued credentials cannot simply go: each credential's entry in the status
lists (its `status_index`, `jti`, key id and revoked/suspended state) is what lets an employer check
the credential the applicant holds, and dropping the row would free the index for another
credential. So that entry stays and nothing else: the case row is kept as a tombstone with its
reference, status and dates only; the credential loses its token, claims and public verify link;
documents, statement, evaluations, notes, timeline texts, shares and the applicant's fields go.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from api.fce.models import (
    FceCase,
    FceCaseEvent,
    FceCredential,
    FceDocument,
    FceEvaluation,
    FceIdempotencyKey,
    FceNote,
    FceStatement,
)
from api.records.models import RecordCredential, RecordInbound, RecordShare

ERASED = "[erased]"


def remove_documents(session: Session, case_ids: list[int], documents_dir: Path, *, dry_run: bool = False) -> int:
    """Delete the cases' uploaded files and their rows; the number of documents."""
    if not case_ids:
        return 0
    names = list(session.scalars(select(FceDocument.storage_name).where(FceDocument.case_id.in_(case_ids))))
    if not dry_run and names:
        session.execute(delete(FceDocument).where(FceDocument.case_id.in_(case_ids)))
        session.flush()
        for name in names:
            (documents_dir / name).unlink(missing_ok=True)
    return len(names)


def remove_case(session: Session, case: FceCase, documents_dir: Path, now: datetime, *, revoke: bool) -> str:
    """Delete or (issued credentials) tombstone one case; "deleted" or "anonymised".

    `revoke`: an erasure request also revokes the credentials (nothing backs them any more); the
    retention purge leaves their status as it was, so a holder's credential keeps verifying.
    """
    remove_documents(session, [case.id], documents_dir)
    issued = list(session.scalars(select(RecordCredential).where(RecordCredential.case_id == case.id)))
    session.execute(delete(RecordInbound).where(RecordInbound.case_id == case.id))
    if not issued:
        session.delete(case)
        session.flush()
        return "deleted"
    ids = [row.id for row in issued]
    session.execute(delete(RecordShare).where(RecordShare.credential_id.in_(ids)))
    for row in issued:
        row.token = ""
        row.payload = {}
        row.verify_id = secrets.token_urlsafe(12)  # the old public link no longer finds anything
        if revoke and row.revoked_at is None:
            row.revoked_at = now
            row.status_reason = ERASED
            row.status_changed_at = now
        elif row.status_reason:
            row.status_reason = ERASED
    for table in (FceStatement, FceEvaluation, FceNote, FceIdempotencyKey, FceCredential):
        session.execute(delete(table).where(table.case_id == case.id))
    session.execute(
        update(FceCaseEvent).where(FceCaseEvent.case_id == case.id).values(actor="", reason=None, message=None)
    )
    case.applicant_name = ERASED
    case.email = None
    case.conversation_id = None
    case.nationality = None
    case.residence_country = ""
    case.access_code_hash = ERASED  # no code opens it any more
    case.updated_at = now
    session.flush()
    return "anonymised"
