"""Where the credential-evaluation feature calls into records, kept in one small module.

The FCE routes call `issue_after_evaluation` when a case becomes `evaluated`, and the statement
renderer asks `statement_seals` for the QR codes and attachments. Neither may break the FCE
feature: without an issuer key (RECORDS_SIGNING_KEYS or var/keys) the error is logged, the
statement is rendered without its seal, and the credential is issued on first request once a key exists.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from api.records.config import RecordsSettings
from api.records.issuing import CaseUnknown, NoIssuerKey, NotEvaluated, RecordsService
from api.records.pdf import ATTACHMENT_SUFFIX, Seal

log = logging.getLogger(__name__)
_LOCK = threading.Lock()


def records_for(app: Any) -> RecordsService:
    """The app's RecordsService, built on first use (tests preset app.state.records)."""
    state = app.state
    service: RecordsService | None = getattr(state, "records", None)
    if service is None:
        with _LOCK:
            service = getattr(state, "records", None)
            if service is None:
                service = RecordsService(
                    state.db, RecordsSettings(), state.catalogs, state.fce.data, state.settings.public_base_url
                )
                state.records = service
    return service


def issue_after_evaluation(app: Any, reference: str) -> None:
    try:
        records_for(app).issue(reference=reference)
    except (NoIssuerKey, NotEvaluated) as error:
        log.error("records: credential not issued for an evaluated case: %s", type(error).__name__)


def console_credentials(app: Any, reference: str) -> list[dict[str, Any]]:
    """The case's issued credentials with their status, for the evaluator's case page."""
    try:
        return records_for(app).status_of_case(reference)
    except CaseUnknown:
        return []


def statement_seals(app: Any) -> Callable[[int], tuple[Seal, ...]]:
    def seals(case_id: int) -> tuple[Seal, ...]:
        try:
            service = records_for(app)
            issued = service.issue(case_id=case_id)
        except NoIssuerKey as error:
            log.error("records: statement rendered without its credential: %s", error)
            return ()
        return tuple(
            Seal(service.verify_url(i.verify_id), i.token, f"credential-{i.position + 1}{ATTACHMENT_SUFFIX}")
            for i in issued
        )

    return seals
