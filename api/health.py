"""GET /healthz: 200 when every configured component answers, 503 naming the ones that do not.

Redis, when REDIS_URL is set, is always reported; by itself its outage is "degraded" (still 200).
"""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.db.session import Database
from api.deps import BroadcasterDep, ChannelsDep, DbDep, KnowledgeDep, RasaDep, SettingsDep
from api.knowledge.search import KnowledgeBase
from api.live.broadcast import Broadcaster

router = APIRouter(tags=["health"])


def _database(db: Database) -> str:
    try:
        with db.session() as session:
            session.execute(text("SELECT 1"))
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means "not ok", and the name says which part
        return "unavailable"


def _http(url: str) -> str:
    try:
        return "ok" if httpx.get(url, timeout=2.0).status_code == 200 else "unavailable"
    except httpx.HTTPError:
        return "unavailable"


def _index(knowledge: KnowledgeBase) -> str:
    return "ok" if knowledge.ready() else "unavailable"


def _redis(broadcaster: Broadcaster) -> str:
    relay = broadcaster.relay
    return "unavailable" if relay is None else str(relay.health())


@router.get("/healthz")
def healthz(
    settings: SettingsDep,
    db: DbDep,
    rasa: RasaDep,
    knowledge: KnowledgeDep,
    broadcaster: BroadcasterDep,
    channels: ChannelsDep,
) -> JSONResponse:
    checks: dict[str, Any] = {
        "database": lambda: _database(db),
        "rasa": lambda: "ok" if rasa.ping() else "unavailable",
        "action_server": lambda: _http(settings.action_server_url.rstrip("/") + "/health"),
        "index": lambda: _index(knowledge),
        "redis": lambda: _redis(broadcaster),
    }
    components = {name: checks[name]() for name in settings.health_components if name in checks}
    # A channel without its settings is off by choice: listed as "disabled", never as broken.
    components.update(channels.health())
    broken = sorted(name for name, state in components.items() if state not in ("ok", "disabled"))
    degraded: list[str] = []
    relay = broadcaster.relay
    if relay is not None and "redis" not in components:
        # Configured Redis is reported, but its outage only degrades the service: messages are
        # stored and answered, live events stay within each worker. List "redis" in
        # HEALTH_COMPONENTS to make it count as broken (503) instead.
        components["redis"] = relay.health()
        degraded = [] if components["redis"] == "ok" else ["redis"]
    status = "unavailable" if broken else "degraded" if degraded else "ok"
    body: dict[str, Any] = {"status": status, "components": components}
    if broken:
        body["broken"] = broken
    if degraded:
        body["degraded"] = degraded
    return JSONResponse(body, status_code=503 if broken else 200)
