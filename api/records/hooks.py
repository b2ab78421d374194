"""Where the credential-evaluation feature calls into records, kept in one small module.

The FCE routes call `issue_after_evaluation` when a case becomes `evaluated`, and the statement
renderer asks `statement_seals` for the QR codes and attachments. Neither may break the FCE
feature: without an issuer key (RECORDS_SIGNING_KEYS or var/keys) the error is logged, the
statement is rendered without its seal, and the credential is issued on first request once a key exists.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from api.fce.seal import ATTACHMENT_SUFFIX, Seal
from api.records.issuing import CaseUnknown, NoIssuerKey, NotEvaluated, RecordsService

log = logging.getLogger(__name__)


def issue_after_evaluation(records: RecordsService, reference: str) -> None:
    try:
        records.issue(reference=reference)
    except (NoIssuerKey, NotEvaluated) as error:
        log.error("records: credential not issued for an evaluated case: %s", type(error).__name__)


def console_credentials(records: RecordsService, reference: str) -> list[dict[str, Any]]:
    """The case's issued credentials with their status, for the evaluator's case page."""
    try:
        return records.status_of_case(reference)
    except CaseUnknown:
        return []


def statement_seals(records: RecordsService) -> Callable[[int], tuple[Seal, ...]]:
    def seals(case_id: int) -> tuple[Seal, ...]:
        try:
            issued = records.issue(case_id=case_id)
        except NoIssuerKey as error:
            log.error("records: statement rendered without its credential: %s", error)
            return ()
        return tuple(
            Seal(records.verify_url(i.verify_id), i.token, f"credential-{i.position + 1}{ATTACHMENT_SUFFIX}")
            for i in issued
        )

    return seals
