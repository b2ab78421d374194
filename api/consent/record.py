"""Writing a consent record, in the caller's transaction (the agreement and what it allows commit together)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from api.consent.models import ConsentRecord

# The privacy notice's version: the `last_reviewed` date of the article service.privacy that /privacy
# shows (tests/privacy checks they agree). Change both together when the notice changes.
NOTICE_VERSION = "2026-11-24"
FCE_PROCESSING = "fce_processing"


def record_consent(
    session: Session,
    *,
    subject_kind: str,
    subject_id: str,
    purpose: str,
    language: str,
    source: str,
    at: datetime,
) -> None:
    session.add(
        ConsentRecord(
            subject_kind=subject_kind,
            subject_id=subject_id,
            purpose=purpose,
            notice_version=NOTICE_VERSION,
            language=language,
            source=source,
            agreed_at=at,
        )
    )
