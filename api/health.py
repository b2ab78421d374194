"""Health and metrics.

- `GET /healthz` (unchanged contract): 200 when every configured component answers, 503 naming the ones
  that do not. Redis, when REDIS_URL is set, is always reported; by itself its outage is "degraded" (200).
- `GET /livez`: the process is alive and its event loop answers; checks nothing else, so a supervisor
  restarts the process only when the process itself is stuck, never because PostgreSQL or Rasa is down.
- `GET /readyz`: this worker can serve a user now: the database answers, at least one Rasa replica
  answers (the others are listed; their conversations have moved), the index is loaded when knowledge is
  on. A load balancer takes a worker out while it is 503. The action server is not required: without it
  the bot still answers most messages and apologises for the rest.
- `GET /metrics`: Prometheus text format (api/core/metrics.py), all uvicorn workers added up.
- `knowledge_overdue` (additive, in /healthz) counts the articles and rule files past their review_due:
  work for editors, never a reason for 503.
"""

from __future__ import annotations

from typing import Any, Literal

import httpx
from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy import text

from api.channels.queues import queue_stats
from api.core import metrics
from api.core.schemas import ResponseModel
from api.db.session import Database
from api.deps import BroadcasterDep, ChannelsDep, DbDep, KnowledgeDep, RasaDep, ReviewsDep, SettingsDep
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


class HealthOut(ResponseModel):
    """What /healthz answers, with 200 or (something in `broken`) 503; `broken`/`degraded` only when not empty."""

    status: str  # ok, degraded or unavailable
    components: dict[str, str]
    broken: list[str] | None = None
    degraded: list[str] | None = None
    knowledge_overdue: int | None


@router.get("/healthz", response_model=HealthOut, responses={503: {"model": HealthOut}})
def healthz(
    settings: SettingsDep,
    db: DbDep,
    rasa: RasaDep,
    knowledge: KnowledgeDep,
    broadcaster: BroadcasterDep,
    channels: ChannelsDep,
    reviews: ReviewsDep,
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
    try:
        body["knowledge_overdue"] = reviews.overdue_count()
    except (OSError, ValueError):  # unreadable content is the validator's business, not a health failure
        body["knowledge_overdue"] = None
    return JSONResponse(body, status_code=503 if broken else 200)


class Liveness(BaseModel):
    status: Literal["alive"]


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    checks: dict[str, str]
    rasa_replicas: dict[str, str]


@router.get("/livez", response_model=Liveness)
async def livez() -> Liveness:
    return Liveness(status="alive")


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
def readyz(settings: SettingsDep, db: DbDep, rasa: RasaDep, knowledge: KnowledgeDep) -> JSONResponse:
    replicas = rasa.replicas()
    checks = {
        "database": _database(db),
        "rasa": "ok" if any(state == "ok" for state in replicas.values()) else "unavailable",
    }
    if settings.knowledge_enabled:
        checks["index"] = _index(knowledge)
    ready = all(state == "ok" for state in checks.values())
    body = Readiness(status="ready" if ready else "not_ready", checks=checks, rasa_replicas=replicas)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


@router.get("/metrics", response_class=Response)
def prometheus_metrics(db: DbDep) -> Response:
    return Response(metrics.render(lambda: queue_stats(db)), media_type=metrics.CONTENT_TYPE)
