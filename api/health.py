"""GET /healthz: 200 when every configured component answers, 503 naming the ones that do not."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.core.config import Settings
from api.deps import get_settings_dep

router = APIRouter(tags=["health"])


def _database(request: Request) -> str:
    try:
        with request.app.state.db.session() as session:
            session.execute(text("SELECT 1"))
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means "not ok", and the name says which part
        return "unavailable"


def _http(url: str) -> str:
    try:
        return "ok" if httpx.get(url, timeout=2.0).status_code == 200 else "unavailable"
    except httpx.HTTPError:
        return "unavailable"


def _index(request: Request) -> str:
    return "ok" if request.app.state.knowledge.ready() else "unavailable"


@router.get("/healthz")
def healthz(request: Request, settings: Annotated[Settings, Depends(get_settings_dep)]) -> JSONResponse:
    checks: dict[str, Any] = {
        "database": lambda: _database(request),
        "rasa": lambda: "ok" if request.app.state.rasa.ping() else "unavailable",
        "action_server": lambda: _http(settings.action_server_url.rstrip("/") + "/health"),
        "index": lambda: _index(request),
    }
    components = {name: checks[name]() for name in settings.health_components if name in checks}
    broken = sorted(name for name, state in components.items() if state != "ok")
    body: dict[str, Any] = {"status": "ok" if not broken else "unavailable", "components": components}
    if broken:
        body["broken"] = broken
    return JSONResponse(body, status_code=503 if broken else 200)
