"""The workflow service: legal and illegal transitions, reasons, actor and time, the turnaround clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.fce.feature import Fce
from api.fce.models import FceCase, FceEvaluation
from api.fce.workflow import TRANSITIONS, CloseReason, IllegalTransition, ReasonRequired, Status, apply_transition
from tests.fce.conftest import create, move

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _case(status: Status = Status.SUBMITTED) -> FceCase:
    return FceCase(status=status.value, events=[])


def test_the_happy_path_records_actor_time_and_clock() -> None:
    case = _case()
    steps = [Status.DOCUMENTS_REQUESTED, Status.DOCUMENTS_RECEIVED, Status.UNDER_EVALUATION, Status.EVALUATED]
    for day, target in enumerate(steps):
        apply_transition(case, target, "evaluator:kim", T0 + timedelta(days=day))
    assert case.status == "evaluated"
    assert [(e.from_status, e.to_status) for e in case.events] == [
        ("submitted", "documents_requested"),
        ("documents_requested", "documents_received"),
        ("documents_received", "under_evaluation"),
        ("under_evaluation", "evaluated"),
    ]
    assert all(e.actor == "evaluator:kim" for e in case.events)
    assert case.clock_started_at == T0 + timedelta(days=1)
    assert case.evaluated_at == T0 + timedelta(days=3)


def test_more_documents_restart_the_clock() -> None:
    case = _case()
    apply_transition(case, Status.DOCUMENTS_RECEIVED, "e", T0)
    apply_transition(case, Status.DOCUMENTS_REQUESTED, "e", T0 + timedelta(days=2))
    apply_transition(case, Status.DOCUMENTS_RECEIVED, "e", T0 + timedelta(days=9))
    assert case.clock_started_at == T0 + timedelta(days=9)


ILLEGAL = [(current, target) for current in Status for target in Status if target not in TRANSITIONS[current]]


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_every_illegal_transition_is_refused(current: Status, target: Status) -> None:
    case = _case(current)
    with pytest.raises(IllegalTransition):
        apply_transition(case, target, "e", T0, "reason", CloseReason.REJECTED)
    assert case.status == current.value and case.events == []


def test_closing_needs_a_kind_and_a_reason() -> None:
    with pytest.raises(ReasonRequired):
        apply_transition(_case(), Status.CLOSED, "e", T0, reason="because")
    with pytest.raises(ReasonRequired):
        apply_transition(_case(), Status.CLOSED, "e", T0, reason="  ", close_reason=CloseReason.REJECTED)
    case = _case(Status.UNDER_EVALUATION)
    apply_transition(case, Status.CLOSED, "e", T0, "not a recognised institution", CloseReason.REJECTED)
    assert case.closed_reason == "rejected" and case.events[-1].reason == "not a recognised institution"


def test_applicants_see_each_step_but_not_who_took_it(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    # Moves are the evaluator API's (a login, a role, audited): the token-only internal routes are gone
    # (tests/api/test_internal_tokens.py); illegal moves and filters: tests/fce/test_evaluator_api.py.
    case = create(client)
    for step in ("documents_received", "under_evaluation"):
        assert move(client, evaluator, case["reference"], step).status_code == 200
    record_evaluation(fce, case["reference"])
    assert move(client, evaluator, case["reference"], "evaluated").status_code == 200
    status = client.get(f"/api/v1/fce/cases/{case['reference']}", headers={"X-Access-Code": case["access_code"]}).json()
    assert [entry["status"] for entry in status["timeline"]] == [
        "submitted",
        "documents_received",
        "under_evaluation",
        "evaluated",
    ]
    assert "actor" not in status["timeline"][0]  # evaluators' names are not shown to applicants


def record_evaluation(fce: Fce, reference: str) -> None:
    with fce.cases.db.session() as session:
        case = fce.cases.load(session, reference)
        for credential in case.credentials:
            case.evaluations.append(
                FceEvaluation(
                    case_id=case.id,
                    credential_id=credential.id,
                    japan_equivalent="gakushi",
                    isced_level=6,
                    jqf_level=6,
                    field="Engineering",
                    substantial_differences=[],
                )
            )


def create_credential() -> dict[str, object]:
    from tests.fce.conftest import application

    credential: dict[str, object] = application()["credentials"][0]
    return credential
