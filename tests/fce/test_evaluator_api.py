"""/api/v1/evaluator: who may use it, the case list and file, workflow actions, notes, audit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from api.auth.models import AuditEntry
from api.fce.feature import Fce
from api.fce.models import FceCase, FceNote
from tests.fce.conftest import PASSWORD, application, create, move, staff, to_evaluation

API = "/api/v1/evaluator/cases"


def audit_actions(fce: Fce) -> list[tuple[str, dict[str, Any] | None]]:
    with fce.cases.db.session() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action.like("fce.%")).order_by(AuditEntry.id))
        return [(row.action, row.detail) for row in rows]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "", None),
        ("GET", "/{ref}", None),
        ("POST", "/{ref}/transitions", {"to": "documents_received"}),
        ("POST", "/{ref}/request-documents", {"message": "Please send your transcript."}),
        ("POST", "/{ref}/notes", {"text": "looks fine"}),
        ("PUT", "/{ref}/evaluation", {"japan_equivalent": "gakushi"}),
        ("GET", "/{ref}/statement", None),
        ("GET", "/{ref}/documents/1", None),
    ],
)
def test_only_evaluators_and_admins(
    client: TestClient, fce: Fce, advisor: dict[str, Any], method: str, path: str, body: Any
) -> None:
    case = create(client)
    url = API + path.format(ref=case["reference"])
    assert client.request(method, url, json=body).status_code == 401
    assert client.request(method, url, json=body, headers=advisor["headers"]).status_code == 403
    admin = staff(client, "root@example.org", "admin")
    assert client.request(method, url, json=body, headers=admin["headers"]).status_code not in (401, 403)


def test_case_list_filters_pages_and_ages(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    vietnam = create(client)
    nepal_credential = {**application()["credentials"][0], "country": "NP", "credential_id": "np_bachelor"}
    nepal = create(client, credentials=[nepal_credential], preferred_language="ne")
    create(client)
    with fce.cases.db.session() as session:
        old = fce.cases.clock() - timedelta(days=40)
        session.execute(update(FceCase).where(FceCase.reference == nepal["reference"]).values(created_at=old))
    move(client, evaluator, vietnam["reference"], "documents_received")
    headers = evaluator["headers"]

    everything = client.get(API, headers=headers).json()
    assert everything["total"] == 3 and everything["pages"] == 1
    assert everything["items"][0]["reference"] == nepal["reference"]  # oldest first
    assert everything["items"][0]["age_days"] == 40 and everything["items"][1]["age_days"] == 0
    assert [i["reference"] for i in client.get(API, params={"country": "np"}, headers=headers).json()["items"]] == [
        nepal["reference"]
    ]
    received = client.get(API, params={"status": "documents_received"}, headers=headers).json()
    assert [i["reference"] for i in received["items"]] == [vietnam["reference"]]
    assert client.get(API, params={"older_than_days": 30}, headers=headers).json()["total"] == 1
    both = client.get(API, params={"status": "submitted", "country": "VN"}, headers=headers).json()
    assert both["total"] == 1
    second = client.get(API, params={"per_page": 2, "page": 2}, headers=headers).json()
    assert len(second["items"]) == 1 and second["pages"] == 2
    for params, field in [
        ({"status": "flying"}, "status"),
        ({"country": "Vietnam"}, "country"),
        ({"older_than_days": -1}, "older_than_days"),
        ({"page": 0}, "page"),
        ({"per_page": 1000}, "per_page"),
    ]:
        response = client.get(API, params=params, headers=headers)
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", field], params


def test_case_file_has_preview_notes_and_named_actors(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    case = create(client)
    move(client, evaluator, case["reference"], "documents_received")
    note = client.post(f"{API}/{case['reference']}/notes", json={"text": "  diploma seal checked  "}, **_h(evaluator))
    assert note.status_code == 201 and note.json()["text"] == "diploma seal checked"
    body = client.get(f"{API}/{case['reference']}", headers=evaluator["headers"]).json()
    assert body["applicant"]["name"] == "Nguyễn Văn An"
    assert body["previews"][0]["japan_equivalent"] == "gakushi" and body["previews"][0]["isced_level"] == 6
    assert body["credentials"][0]["position"] == 0
    assert [n["text"] for n in body["notes"]] == ["diploma seal checked"]
    assert body["notes"][0]["author"] == "eva"
    assert body["timeline"][-1]["actor_name"] == "eva" and body["timeline"][0]["actor"] == "applicant"
    assert body["allowed"] == ["closed", "documents_requested", "under_evaluation"]
    assert body["statement"] == {"issued": False, "sha256": None} and body["editable"] is True
    assert client.get(f"{API}/FCE-2020-999999", headers=evaluator["headers"]).status_code == 404


def _h(user: dict[str, Any]) -> dict[str, Any]:
    return {"headers": user["headers"]}


def test_transitions_illegal_moves_and_closing(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    case = create(client)
    ref = case["reference"]
    assert move(client, evaluator, ref, "evaluated").status_code == 409
    assert move(client, evaluator, ref, "under_evaluation").status_code == 409
    no_kind = move(client, evaluator, ref, "closed", reason="duplicate application")
    assert no_kind.status_code == 422 and no_kind.json()["detail"][0]["loc"] == ["body", "close_reason"]
    no_reason = move(client, evaluator, ref, "closed", close_reason="rejected", reason="   ")
    assert no_reason.status_code == 422 and no_reason.json()["detail"][0]["loc"] == ["body", "reason"]
    wrong_kind = move(client, evaluator, ref, "closed", close_reason="bored", reason="x")
    assert wrong_kind.status_code == 422 and wrong_kind.json()["detail"][0]["loc"] == ["body", "close_reason"]
    no_message = move(client, evaluator, ref, "documents_requested")
    assert no_message.status_code == 422 and no_message.json()["detail"][0]["loc"] == ["body", "message"]
    assert move(client, evaluator, ref, "submitted").status_code == 409
    assert client.get(f"{API}/{ref}", headers=evaluator["headers"]).json()["status"] == "submitted"  # nothing moved

    closed = move(
        client, evaluator, ref, "closed", close_reason="rejected", reason="The institution is not accredited."
    )
    assert closed.status_code == 200 and closed.json()["closed_reason"] == "rejected"
    assert move(client, evaluator, ref, "documents_received").status_code == 409  # final
    status = client.get(f"/api/v1/fce/cases/{ref}", headers={"X-Access-Code": case["access_code"]}).json()
    # The applicant is owed the reason for a refusal (Tokyo Convention).
    assert status["timeline"][-1] == {
        "status": "closed",
        "at": status["timeline"][-1]["at"],
        "message": "The institution is not accredited.",
    }
    assert ("fce.transition", {"reference": ref, "from": "submitted", "to": "closed"}) in audit_actions(fce)


def test_request_documents_sends_the_message_and_waits(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    case = create(client)
    url = f"{API}/{case['reference']}/request-documents"
    for body, field in [({}, "message"), ({"message": " "}, "message"), ({"message": "x" * 2001}, "message")]:
        response = client.post(url, json=body, **_h(evaluator))
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", field]
    response = client.post(url, json={"message": "Please upload your official transcript."}, **_h(evaluator))
    assert response.status_code == 200 and response.json()["status"] == "documents_requested"
    assert response.json()["timeline"][-1]["message"] == "Please upload your official transcript."
    status = client.get(f"/api/v1/fce/cases/{case['reference']}", headers={"X-Access-Code": case["access_code"]})
    assert status.json()["timeline"][-1]["message"] == "Please upload your official transcript."
    assert client.post(url, json={"message": "again"}, **_h(evaluator)).status_code == 409
    actions = [action for action, _detail in audit_actions(fce)]
    assert actions == ["fce.transition"]


def test_notes_validation_and_audit_without_text(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    case = create(client)
    url = f"{API}/{case['reference']}/notes"
    for body in [{}, {"text": ""}, {"text": "   "}, {"text": 5}, {"text": "x" * 4001}, {"text": "a\x00b"}]:
        response = client.post(url, json=body, **_h(evaluator))
        assert response.status_code == 422 and response.json()["detail"][0]["loc"][:2] == ["body", "text"], body
    extra = client.post(url, json={"text": "ok", "pin": True}, **_h(evaluator))
    assert extra.status_code == 422 and extra.json()["detail"][0]["loc"] == ["body", "pin"]
    with fce.cases.db.session() as session:
        assert session.scalars(select(FceNote)).all() == []
    assert client.post(url, json={"text": "line one\nline two"}, **_h(evaluator)).status_code == 201
    assert client.post(f"{API}/FCE-2020-999999/notes", json={"text": "x"}, **_h(evaluator)).status_code == 404
    (action, detail), *_rest = audit_actions(fce)
    assert action == "fce.note" and detail is not None and "line one" not in str(detail)


def test_cookie_changes_need_the_csrf_header(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    case = create(client)
    login = client.post("/api/v1/auth/login", json={"email": "eva@example.org", "password": PASSWORD})
    assert login.status_code == 200
    url = f"{API}/{case['reference']}/transitions"
    assert client.get(API).status_code == 200  # reading with the cookie alone is fine
    assert client.post(url, json={"to": "documents_received"}).status_code == 403
    assert client.post(url, json={"to": "documents_received"}, headers={"X-CSRF-Token": "forged"}).status_code == 403
    csrf = client.cookies.get("kk_csrf")
    assert csrf
    response = client.post(url, json={"to": "documents_received"}, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200


def test_evaluated_needs_every_evaluation(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    second = {**application()["credentials"][0], "credential_id": "vn_master", "start_year": 2020, "end_year": 2022}
    case = create(client, credentials=[application()["credentials"][0], second])
    to_evaluation(client, evaluator, case["reference"])
    from tests.fce.conftest import evaluation

    url = f"{API}/{case['reference']}/evaluation"
    assert client.put(url, json=evaluation(), **_h(evaluator)).status_code == 200
    missing = move(client, evaluator, case["reference"], "evaluated")
    assert missing.status_code == 409 and "credential(s) 1" in missing.json()["detail"]
    master = evaluation(credential=1, japan_equivalent="shushi", isced_level=7, jqf_level=7)
    assert client.put(url, json=master, **_h(evaluator)).status_code == 200
    done = move(client, evaluator, case["reference"], "evaluated")
    assert done.status_code == 200 and done.json()["evaluated_at"] is not None


def test_reading_a_case_file_is_audited_with_the_client_address(
    client: TestClient, fce: Fce, evaluator: dict[str, Any]
) -> None:
    case = create(client)
    ref = case["reference"]
    assert client.get(f"{API}/{ref}", **_h(evaluator)).status_code == 200
    client.cookies.set("kk_session", evaluator["token"])
    assert client.get(f"/console/cases/{ref}").status_code == 200
    client.cookies.clear()
    assert client.get(f"{API}/FCE-2020-999999", **_h(evaluator)).status_code == 404
    with fce.cases.db.session() as session:
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "fce.case_opened")))
    # On main a case file (the applicant's name, contacts, nationality, documents) was read unrecorded.
    assert [(row.user_id, row.detail, row.source_ip) for row in rows] == [
        (evaluator["id"], {"reference": ref}, "testclient"),
        (evaluator["id"], {"reference": ref}, "testclient"),
    ]
