"""The evaluation workflow: which status may follow which, and what each change records.

submitted → documents_requested → documents_received → under_evaluation → evaluated, with the
loops evaluators need (more documents after receipt or during evaluation) and `closed` (withdrawn
or rejected, always with a reason) from any open status. Evaluated and closed are final.
"""

from __future__ import annotations

import enum
from datetime import datetime

from api.fce.models import FceCase, FceCaseEvent


class Status(enum.StrEnum):
    SUBMITTED = "submitted"
    DOCUMENTS_REQUESTED = "documents_requested"
    DOCUMENTS_RECEIVED = "documents_received"
    UNDER_EVALUATION = "under_evaluation"
    EVALUATED = "evaluated"
    CLOSED = "closed"


class CloseReason(enum.StrEnum):
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"


TRANSITIONS: dict[Status, frozenset[Status]] = {
    # Straight to documents_received when the application came with everything needed.
    Status.SUBMITTED: frozenset({Status.DOCUMENTS_REQUESTED, Status.DOCUMENTS_RECEIVED, Status.CLOSED}),
    Status.DOCUMENTS_REQUESTED: frozenset({Status.DOCUMENTS_RECEIVED, Status.CLOSED}),
    Status.DOCUMENTS_RECEIVED: frozenset({Status.DOCUMENTS_REQUESTED, Status.UNDER_EVALUATION, Status.CLOSED}),
    Status.UNDER_EVALUATION: frozenset({Status.DOCUMENTS_REQUESTED, Status.EVALUATED, Status.CLOSED}),
    Status.EVALUATED: frozenset(),
    Status.CLOSED: frozenset(),
}
OPEN_STATUSES = frozenset(status for status, targets in TRANSITIONS.items() if targets)


class IllegalTransition(Exception):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"cannot go from {current} to {target}")
        self.current = current
        self.target = target


class ReasonRequired(ValueError):
    """Closing needs withdrawn/rejected and a reason: refusals must be explained (Tokyo Convention)."""


class EvaluationMissing(Exception):
    """A case is evaluated only when every credential has a recorded evaluation (the statement prints them)."""

    def __init__(self, positions: list[int]) -> None:
        super().__init__(f"record the evaluation of credential(s) {', '.join(map(str, positions))} first")
        self.positions = positions


def apply_transition(
    case: FceCase,
    target: Status,
    actor: str,
    now: datetime,
    reason: str | None = None,
    close_reason: CloseReason | None = None,
) -> FceCaseEvent:
    current = Status(case.status)
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(current, target)
    if target is Status.CLOSED and (close_reason is None or not (reason or "").strip()):
        raise ReasonRequired("closing a case needs close_reason (withdrawn or rejected) and a reason")
    case.status = target.value
    case.updated_at = now
    if target is Status.DOCUMENTS_RECEIVED:
        # The turnaround clock runs from the moment the file is complete; if more documents are
        # requested later, it restarts when they arrive (the applicant was waiting, not us).
        case.clock_started_at = now
    elif target is Status.EVALUATED:
        case.evaluated_at = now
    elif target is Status.CLOSED:
        assert close_reason is not None
        case.closed_reason = close_reason.value
    event = FceCaseEvent(from_status=current.value, to_status=target.value, actor=actor, reason=reason, at=now)
    case.events.append(event)
    return event


def move(
    case: FceCase,
    target: Status,
    actor: str,
    now: datetime,
    reason: str | None = None,
    close_reason: CloseReason | None = None,
    message: str | None = None,
) -> FceCaseEvent:
    """apply_transition plus the rules that need the case's other rows; `message` is for the applicant.

    A closing reason is the applicant's message too unless another is given: whoever is refused
    recognition is owed the reason (Tokyo Convention, Art. III.5).
    """
    current = Status(case.status)
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(current, target)
    if target is Status.EVALUATED:
        evaluated = {evaluation.credential_id for evaluation in case.evaluations}
        missing = [credential.position for credential in case.credentials if credential.id not in evaluated]
        if missing:
            raise EvaluationMissing(missing)
    event = apply_transition(case, target, actor, now, reason, close_reason)
    event.message = message or (reason if target is Status.CLOSED else None)
    return event
