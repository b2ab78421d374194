"""schemathesis against the app's own OpenAPI document: every operation, in process (issue #15).

For each operation in /openapi.json, schemathesis draws valid (positive) and invalid (negative) requests,
some with generated path parameters and credentials, some with ones the app knows (a handed-off
conversation and its widget token, an open case and an evaluated one with their access codes, a
document, a share link, the internal token), and a staff bearer token of a drawn role, so protected
operations are exercised beyond 401 and 404. Each answer must:

- not be a server error (a 503 only where the operation documents it: a component switched off);
- match the schema and media type the operation documents for its status code;
- name the field when it refuses the input (400/422: FastAPI's `detail` list, each entry with a `loc`).

Bounded and deterministic: MAX_EXAMPLES per operation, hypothesis derandomized with no example database
and no shrinking, so CI runs the same requests every time (about a minute on two busy cores).
Run with -s for the figures: operations, examples, answers by status, failing operations.
"""

from __future__ import annotations

import collections
import time
from typing import Any

import requests
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, reject, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance
from starlette import testclient

from tests.fce.conftest import application, evaluation
from tests.hostile.conftest import BASE, INTERNAL_TOKEN, NLG_TOKEN, World

MAX_EXAMPLES = 20
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
INTERNAL = {"Authorization": f"Bearer {INTERNAL_TOKEN}"}
# Drawn per example for operations without a declared credential; admin twice, as it passes every check.
ROLES = ("admin", "admin", "advisor", "evaluator", "editor", "researcher")
REFUSALS = (400, 422)

Fixed = tuple[dict[str, Any], dict[str, Any], dict[str, Any]]  # path parameters, headers, query


def known_rows(world: World) -> dict[str, Any]:
    """Rows for the examples to reach: a waiting conversation, an open case with a document, and an
    evaluated case with its credential and a share link."""
    client, admin = world.client, world.staff["admin"]["headers"]
    conversation = client.post("/api/v1/widget/conversations", json={"locale": "en"}).json()
    handoff = f"/internal/v1/conversations/{conversation['conversation_id']}/handoff"
    assert client.post(handoff, json={"reason": "request_human"}, headers=INTERNAL).status_code == 200
    open_case = client.post("/api/v1/fce/cases", json=application()).json()
    upload = client.post(
        f"/api/v1/fce/cases/{open_case['reference']}/documents",
        headers={"X-Access-Code": open_case["access_code"]},
        files={"file": ("a.pdf", PDF, "application/pdf")},
    )
    assert upload.status_code == 201, upload.text
    done = client.post("/api/v1/fce/cases", json=application()).json()
    staff_url = f"/api/v1/evaluator/cases/{done['reference']}"
    for step in ("documents_received", "under_evaluation"):
        assert client.post(f"{staff_url}/transitions", json={"to": step}, headers=admin).status_code == 200
    assert client.put(f"{staff_url}/evaluation", json=evaluation(), headers=admin).status_code == 200
    assert client.post(f"{staff_url}/transitions", json={"to": "evaluated"}, headers=admin).status_code == 200
    share = client.post(
        f"/api/v1/fce/cases/{done['reference']}/shares",
        json={"position": 0, "claims": [], "expires_in_days": 30},
        headers={"X-Access-Code": done["access_code"]},
    )
    assert share.status_code == 201, share.text
    return {
        "conversation": conversation,
        "cases": [open_case, done],
        "document_id": upload.json()["id"],
        "share_id": share.json()["share_id"],
        "share_token": share.json()["url"].rsplit("/", 1)[-1],
    }


def known_values(operation: Any, rows: dict[str, Any]) -> list[Fixed]:
    """The path parameters, credentials and query the app knows for this operation (one set per case)."""
    path = operation.path
    names = {parameter.name for parameter in operation.path_parameters}
    declared = {parameter.name.lower() for parameter in operation.headers}
    internal = path.startswith("/internal/")
    headers: dict[str, Any] = {"authorization": INTERNAL["Authorization"]} if internal else {}
    query: dict[str, Any] = {"token": NLG_TOKEN} if path == "/nlg" else {}
    if "conversation_id" in names:
        conversation = rows["conversation"]
        if "authorization" in declared and not internal:  # the widget's own token
            headers = {"authorization": f"Bearer {conversation['token']}"}
        return [({"conversation_id": conversation["conversation_id"]}, headers, query)]
    if "reference" in names:
        fixed: list[Fixed] = []
        for case in rows["cases"]:
            params: dict[str, Any] = {"reference": case["reference"]}
            if "document_id" in names:
                params["document_id"] = rows["document_id"]
            if "share_id" in names:
                params["share_id"] = rows["share_id"]
            code = {"X-Access-Code": case["access_code"]} if "x-access-code" in declared else {}
            fixed.append((params, headers | code, query))
        return fixed
    if "token" in names:
        return [({"token": rows["share_token"]}, headers, query)]
    return [({}, headers, query)]


def names_the_field(response: Any) -> bool:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return False
    return isinstance(detail, list) and bool(detail) and all(isinstance(e, dict) and e.get("loc") for e in detail)


def send(client: TestClient, case: Any, headers: dict[str, str]) -> Any:
    """The case through the module's TestClient (one app, one event loop, its lifespan already running):
    schemathesis serialises it as for `requests`, which prepares the exact bytes to send."""
    kwargs = case.as_transport_kwargs(base_url=BASE, headers=headers)
    prepared = requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        headers=kwargs.get("headers"),
        params=kwargs.get("params"),
        cookies=kwargs.get("cookies"),
        json=kwargs.get("json"),
        data=kwargs.get("data"),
        files=kwargs.get("files"),
    ).prepare()
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    client.cookies.clear()
    return client.request(prepared.method or "GET", prepared.url or "", headers=prepared.headers, content=body)


def fuzz(client: TestClient, world: World, operation: Any, rows: dict[str, Any], documented: set[str]) -> list[int]:
    """Run MAX_EXAMPLES examples of one operation; the statuses answered. Raises on the first failure."""
    strategies = [operation.as_strategy(mode) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
    for params, headers, query in known_values(operation, rows):
        fixed = {"path_parameters": params or None, "headers": headers or None, "query": query or None}
        strategies += [operation.as_strategy(mode, **fixed) for mode in GenerationMode]
    # The leaver only ever logs out: if logout ends sessions server-side, no one else's token dies.
    leaving = operation.path == "/api/v1/auth/logout"
    answered: list[int] = []

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(strategies), role=st.sampled_from(ROLES))
    def check(case: Any, role: str) -> None:
        sent = {name.lower() for name in case.headers or {}}
        extra = {} if "authorization" in sent else dict(world.staff["leaver" if leaving else role]["headers"])
        try:
            response = send(client, case, extra)
        except testclient.httpx.InvalidURL:
            reject()  # a query over 64 KiB: the client refuses it, and no server reads one either
        status = response.status_code
        answered.append(status)
        if status >= 500 and not (status == 503 and "503" in documented):
            raise AssertionError(f"server error {status}: {response.text[:300]}")
        if status in REFUSALS and not names_the_field(response):
            raise AssertionError(f"{status} without naming the field: {response.text[:300]}")
        case.validate_response(response, checks=[response_schema_conformance, content_type_conformance])

    check()
    return answered


def test_every_operation_answers_as_documented(world: World) -> None:
    document = world.app.openapi()
    schema = schemathesis.openapi.from_dict(document)
    rows = known_rows(world)
    # A client of its own that answers an unhandled error with a 500 instead of raising it here, so a
    # crash is one failing operation among the figures. The lifespan is the module client's.
    client = TestClient(world.app, raise_server_exceptions=False)
    operations = [result.ok() for result in schema.get_all_operations()]
    statuses: collections.Counter[int] = collections.Counter()
    failures: dict[str, str] = {}
    started = time.monotonic()
    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"
        documented = set(document["paths"][operation.path][operation.method.lower()]["responses"])
        answered: list[int] = []
        try:
            answered = fuzz(client, world, operation, rows, documented)
        except (AssertionError, BaseExceptionGroup) as error:  # schemathesis reports a group of failures
            failures[label] = str(error)[:2000]
        statuses.update(answered)
    elapsed = time.monotonic() - started
    print(
        f"\nschemathesis: {len(operations)} operations, {statuses.total()} examples, "
        f"{len(failures)} failing operations, {elapsed:.0f} s"
    )
    print("answers by status:", dict(sorted(statuses.items())))
    for label, failure in failures.items():
        print(f"--- {label}\n{failure}")
    assert len(operations) > 80  # the whole document, not a filtered part
    assert not failures, sorted(failures)
