"""Recording an evaluation: every field checked (422 naming it, nothing written), frozen once evaluated."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.fce.feature import Fce
from api.fce.models import FceEvaluation
from tests.fce.conftest import create, evaluation, move, to_evaluation

API = "/api/v1/evaluator/cases"


def stored(fce: Fce) -> list[dict[str, Any]]:
    with fce.cases.db.session() as session:
        rows = session.scalars(select(FceEvaluation).order_by(FceEvaluation.id)).all()
        return [{"field": r.field, "isced": r.isced_level, "remarks": r.remarks} for r in rows]


def test_record_and_replace(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    case = create(client)
    to_evaluation(client, evaluator, case["reference"])
    url = f"{API}/{case['reference']}/evaluation"
    first = client.put(url, json=evaluation(), headers=evaluator["headers"])
    assert first.status_code == 200, first.text
    assert first.json()["substantial_differences"][0]["reason"].startswith("The programme")
    again = client.put(url, json=evaluation(field="Information science", remarks=""), headers=evaluator["headers"])
    assert again.status_code == 200 and again.json()["remarks"] is None
    assert stored(fce) == [{"field": "Information science", "isced": 6, "remarks": None}]
    file = client.get(f"{API}/{case['reference']}", headers=evaluator["headers"]).json()
    assert file["evaluations"]["0"]["field"] == "Information science"


BAD = [
    # (change to the body, the loc FastAPI must name)
    ({"japan_equivalent": None}, ["body", "japan_equivalent"]),
    ({"japan_equivalent": "daigaku"}, ["body", "japan_equivalent"]),
    ({"japan_equivalent": "x" * 33}, ["body", "japan_equivalent"]),
    ({"isced_level": "6"}, ["body", "isced_level"]),
    ({"isced_level": 6.5}, ["body", "isced_level"]),
    ({"isced_level": 1}, ["body", "isced_level"]),
    ({"isced_level": 9}, ["body", "isced_level"]),
    ({"jqf_level": 0}, ["body", "jqf_level"]),
    ({"jqf_level": 9}, ["body", "jqf_level"]),
    ({"jqf_level": 7}, ["body", "jqf_level"]),  # ISCED 6 is JQF 6
    ({"jqf_level": True}, ["body", "jqf_level"]),
    ({"field": ""}, ["body", "field"]),
    ({"field": "  "}, ["body", "field"]),
    ({"field": "x" * 201}, ["body", "field"]),
    ({"field": ["a"]}, ["body", "field"]),
    ({"remarks": "x" * 5001}, ["body", "remarks"]),
    ({"remarks": "bell\x07"}, ["body", "remarks"]),
    ({"credential": -1}, ["body", "credential"]),
    ({"credential": "0"}, ["body", "credential"]),
    ({"credential": 1}, ["body", "credential"]),  # the case has one credential
    ({"substantial_differences": "none"}, ["body", "substantial_differences"]),
    (
        {"substantial_differences": [{"difference": "Shorter programme"}]},
        ["body", "substantial_differences", 0, "reason"],
    ),
    (
        {"substantial_differences": [{"difference": "Shorter", "reason": "   "}]},
        ["body", "substantial_differences", 0, "reason"],
    ),
    ({"substantial_differences": [{"reason": "because"}]}, ["body", "substantial_differences", 0, "difference"]),
    (
        {"substantial_differences": [{"difference": "a", "reason": "b", "weight": 3}]},
        ["body", "substantial_differences", 0, "weight"],
    ),
    (
        {"substantial_differences": [{"difference": "a", "reason": "b" * 2001}]},
        ["body", "substantial_differences", 0, "reason"],
    ),
    ({"substantial_differences": [{"difference": "a", "reason": "b"}] * 21}, ["body", "substantial_differences"]),
    ({"verdict": "ok"}, ["body", "verdict"]),
]


@pytest.mark.parametrize(("change", "loc"), BAD)
def test_bad_input_names_the_field_and_writes_nothing(
    client: TestClient, fce: Fce, evaluator: dict[str, Any], change: dict[str, Any], loc: list[Any]
) -> None:
    case = create(client)
    to_evaluation(client, evaluator, case["reference"])
    response = client.put(
        f"{API}/{case['reference']}/evaluation", json=evaluation(**change), headers=evaluator["headers"]
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == loc
    assert stored(fce) == []


@pytest.mark.parametrize("missing", ["japan_equivalent", "isced_level", "jqf_level", "field"])
def test_each_required_field_missing(client: TestClient, fce: Fce, evaluator: dict[str, Any], missing: str) -> None:
    case = create(client)
    to_evaluation(client, evaluator, case["reference"])
    body = evaluation()
    del body[missing]
    response = client.put(f"{API}/{case['reference']}/evaluation", json=body, headers=evaluator["headers"])
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", missing]
    assert stored(fce) == []


def test_not_json_and_empty_bodies(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    case = create(client)
    url = f"{API}/{case['reference']}/evaluation"
    headers = {**evaluator["headers"], "Content-Type": "application/json"}
    assert client.put(url, content=b"{not json", headers=headers).status_code == 422
    assert client.put(url, content=b"\xff\xfe", headers=headers).status_code == 422
    assert client.put(url, json=[], headers=evaluator["headers"]).status_code == 422


def test_evaluations_only_while_evaluating_and_frozen_after(
    client: TestClient, fce: Fce, evaluator: dict[str, Any]
) -> None:
    case = create(client)
    url = f"{API}/{case['reference']}/evaluation"
    assert client.put(url, json=evaluation(), headers=evaluator["headers"]).status_code == 409  # submitted
    to_evaluation(client, evaluator, case["reference"])
    assert client.put(url, json=evaluation(), headers=evaluator["headers"]).status_code == 200
    assert move(client, evaluator, case["reference"], "evaluated").status_code == 200
    late = client.put(url, json=evaluation(field="changed"), headers=evaluator["headers"])
    assert late.status_code == 409
    assert stored(fce)[0]["field"] == "Computer science"
    assert (
        client.put(f"{API}/FCE-2020-999999/evaluation", json=evaluation(), headers=evaluator["headers"]).status_code
        == 404
    )
    with fce.cases.db.session() as session:
        assert session.scalar(select(func.count()).select_from(FceEvaluation)) == 1


def test_html_in_remarks_and_notes_is_shown_as_text(client: TestClient, fce: Fce, evaluator: dict[str, Any]) -> None:
    case = create(client, name="<b>Mallory</b>")
    to_evaluation(client, evaluator, case["reference"])
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    body = evaluation(remarks=hostile, substantial_differences=[{"difference": hostile, "reason": hostile}])
    assert (
        client.put(f"{API}/{case['reference']}/evaluation", json=body, headers=evaluator["headers"]).status_code == 200
    )
    client.post(f"{API}/{case['reference']}/notes", json={"text": hostile}, headers=evaluator["headers"])
    assert move(client, evaluator, case["reference"], "evaluated").status_code == 200
    client.cookies.set("kk_session", evaluator["token"])
    page = client.get(f"/console/cases/{case['reference']}")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<img src=x" not in page.text and "<b>Mallory" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in page.text
