"""Every JSON route documents its answer's shape in /openapi.json (issue 12, typed responses).

Clients and schemathesis read the document, so a route that answers JSON but declares no response model
(FastAPI then writes an empty schema or a bare "object") fails here. RAW_BODIES lists the routes that
legitimately answer something other than a JSON document, with the media types the document must name
for them (not application/json); NOT_YET_TYPED lists the JSON routes still to convert, so the list can
only shrink (an entry that becomes typed fails the test too).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api.core.config import Settings
from api.main import create_app

REPO_ROOT = Path(__file__).resolve().parents[1]

UPLOADED = {"application/pdf", "image/jpeg", "image/png"}
RAW_BODIES = {
    ("get", "/api/v1/fce/cases/{reference}/statement"): {"application/pdf"},
    ("get", "/api/v1/evaluator/cases/{reference}/statement"): {"application/pdf"},
    ("get", "/api/v1/evaluator/cases/{reference}/documents/{document_id}"): UPLOADED,
    ("get", "/api/v1/records/status/{purpose}"): {"application/vc+jwt"},
    ("get", "/.well-known/did.json"): {"application/did+json"},
    ("post", "/api/v1/admin/privacy/export"): {"application/zip"},
}
NOT_YET_TYPED: dict[tuple[str, str], str] = {}


def described(schema: dict[str, Any] | None) -> bool:
    """True when the schema names fields: a model reference, properties, or a list/union of such."""
    if not schema:
        return False
    if "$ref" in schema or "properties" in schema:
        return True
    if schema.get("type") == "array":
        return described(schema.get("items"))
    values = schema.get("additionalProperties")
    if isinstance(values, dict) and values:
        # A map with typed values (language -> key -> text) documents its shape; `true` does not.
        return described(values) or values.get("type") in ("string", "integer", "number", "boolean")
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return all(described(s) or s.get("type") == "null" for s in schema[key])
    return False


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    database = tmp_path_factory.mktemp("openapi") / "openapi.db"
    settings = Settings(
        database_url=f"sqlite:///{database}",
        actions_token="test-internal-token",
        knowledge_enabled=False,
        locales_dir=REPO_ROOT / "locales",
        domain_file=REPO_ROOT / "bot" / "domain",
    )
    document: dict[str, Any] = create_app(settings).openapi()
    return document


def json_routes(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any] | None]:
    """(method, path) of every route whose success answer is JSON, with that answer's schema: the public
    and console API, the internal routes the action server and Rasa call, webhooks and health."""
    found: dict[tuple[str, str], dict[str, Any] | None] = {}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if code.startswith("2") and "application/json" in content:
                    found[(method, path)] = content["application/json"].get("schema")
    return found


def test_the_check_rejects_untyped_schemas() -> None:
    assert not described({})
    assert not described({"type": "object", "additionalProperties": True, "title": "Response X"})
    assert not described({"type": "array", "items": {"type": "object", "additionalProperties": True}})
    assert described({"$ref": "#/components/schemas/CaseFileOut"})
    assert described(
        {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}}}
    )
    assert described({"type": "array", "items": {"$ref": "#/components/schemas/DocumentOut"}})


def test_every_json_route_documents_its_shape(spec: dict[str, Any]) -> None:
    routes = json_routes(spec)
    assert len(routes) > 40  # the document really lists the api's routes
    # ...including what the action server, Rasa and the platforms call.
    assert {("post", "/nlg"), ("post", "/internal/v1/flows/validate"), ("post", "/webhooks/line")} <= set(routes)
    untyped = sorted(
        f"{method.upper()} {path}"
        for (method, path), schema in routes.items()
        if not described(schema) and (method, path) not in NOT_YET_TYPED
    )
    assert untyped == [], "JSON routes without a response model"


def test_the_allow_list_names_routes_that_exist_and_are_untyped(spec: dict[str, Any]) -> None:
    routes = json_routes(spec)
    for key in NOT_YET_TYPED:
        assert key in routes, f"{key} is no longer a JSON route: drop it from the list"
        assert not described(routes[key]), f"{key} is typed now: drop it from the list"


def test_files_and_signed_documents_name_their_media_type(spec: dict[str, Any]) -> None:
    # These answer a file or a signed document; the document must say which, not the application/json
    # FastAPI assumes (schemathesis compares the Content-Type an answer carries with this).
    for (method, path), media_types in RAW_BODIES.items():
        content = spec["paths"][path][method]["responses"]["200"].get("content", {})
        assert set(content) == media_types, f"{method.upper()} {path}"


def test_response_models_refuse_unknown_fields(spec: dict[str, Any]) -> None:
    # extra="forbid" shows in the document as additionalProperties: false; a field a route adds without
    # adding it to its model then fails the route's tests instead of vanishing from the document.
    schemas = spec["components"]["schemas"]
    for name in ("CaseFileOut", "PointsResponse", "QueueOut", "AlertsOut", "TurnOut", "SearchOut", "MeOut"):
        assert schemas[name].get("additionalProperties") is False, name


def test_the_webhooks_document_their_acknowledgement(spec: dict[str, Any]) -> None:
    # Public routes outside /api/: LINE and Telegram read only the status, but the document names the body.
    for path in ("/webhooks/line", "/webhooks/telegram"):
        content = spec["paths"][path]["post"]["responses"]["200"]["content"]
        assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/WebhookStoredOut"}, path
    acknowledgement = spec["components"]["schemas"]["WebhookStoredOut"]
    assert set(acknowledgement["properties"]) == {"stored", "duplicates"}
    assert acknowledgement.get("additionalProperties") is False
