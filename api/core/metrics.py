"""Prometheus metrics: every counter and histogram the api records, defined once, and `GET /metrics`'s body.

Contract: `render()` returns the Prometheus text format. With `PROMETHEUS_MULTIPROC_DIR` set (it must
be set, and the folder emptied, before the processes start: `scripts/run-prod.sh` does both), every
uvicorn worker writes its samples to files there and each scrape adds up all workers, whichever worker
answers; without it, one process reports its own. Queue depth and oldest age are read from the database
at scrape time (they are facts about shared tables, not about one process), by `QueueCollector`.

Labels are bounded sets (channel, call, outcome, replica index): never a conversation id, a user or text.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST

# Seconds: the interesting range runs from a fast widget answer (~50 ms) to a slow burst (several s).
LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0)

MESSAGES_IN = Counter("kakehashi_messages_in_total", "User messages stored, by channel", ["channel"])
MESSAGES_OUT = Counter(
    "kakehashi_messages_out_total", "Bot, system and advisor messages stored for users, by channel", ["channel"]
)
WEBHOOK_TO_REPLY = Histogram(
    "kakehashi_webhook_to_reply_seconds",
    "From a webhook event being stored to its replies being queued in the outbox (handled), by channel",
    ["channel"],
    buckets=LATENCY_BUCKETS,
)
OUTBOX_DELIVERY = Histogram(
    "kakehashi_outbox_delivery_seconds",
    "From an outbox row being queued to the platform accepting it, by channel",
    ["channel"],
    buckets=LATENCY_BUCKETS,
)
RASA_CALL = Histogram(
    "kakehashi_rasa_call_seconds",
    "Calls to Rasa (REST channel message, tracker slot), by call and replica index",
    ["call", "replica"],
    buckets=LATENCY_BUCKETS,
)
RASA_ERRORS = Counter(
    "kakehashi_rasa_errors_total", "Failed calls to Rasa, by call and replica index", ["call", "replica"]
)
RASA_FAILOVERS = Counter(
    "kakehashi_rasa_failovers_total", "Replicas marked down (conversations move to the next live one)", ["replica"]
)
OUTBOX_RETRIES = Counter("kakehashi_outbox_retries_total", "Outbox sends that failed and will be retried", ["channel"])
OUTBOX_FAILURES = Counter(
    "kakehashi_outbox_failures_total", "Outbox sends given up after the last attempt (alerts)", ["channel"]
)
RATE_LIMITED = Counter("kakehashi_platform_429_total", "429 Too Many Requests answers from a platform", ["channel"])
KNOWLEDGE_ANSWERS = Counter(
    "kakehashi_knowledge_answers_total", "Knowledge answers in chat: direct (confident) or unsure", ["outcome"]
)
HTTP_REQUESTS = Histogram(
    "kakehashi_http_request_seconds",
    "HTTP requests by method, route template and status class",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)

# (queue, pending count, oldest pending item's age in seconds) for each queue table.
QueueStats = Callable[[], Iterable[tuple[str, int, float]]]


class QueueCollector(Collector):
    """Queue depth and the oldest waiting item's age, read from the database when scraped."""

    def __init__(self, stats: QueueStats) -> None:
        self.stats = stats

    def collect(self) -> Iterable[GaugeMetricFamily]:
        depth = GaugeMetricFamily("kakehashi_queue_depth", "Items waiting in a work queue", labels=["queue"])
        age = GaugeMetricFamily(
            "kakehashi_queue_oldest_age_seconds", "Age of the oldest waiting item (0 when empty)", labels=["queue"]
        )
        try:
            stats = list(self.stats())
        except Exception:  # a scrape still reports the process's own metrics
            log.warning("queue metrics unavailable (database)", exc_info=True)
            return
        for queue, pending, oldest in stats:
            depth.add_metric([queue], pending)
            age.add_metric([queue], oldest)
        yield depth
        yield age


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def render(queue_stats: QueueStats | None = None) -> bytes:
    """The text format for one scrape: this process's (or every worker's) samples plus the queues."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    if queue_stats is not None:
        queues = CollectorRegistry()
        queues.register(QueueCollector(queue_stats))
        body += generate_latest(queues)
    return body


class HttpMetrics:
    """ASGI middleware: each HTTP request's duration by method, route template (never the raw path,
    which carries conversation ids) and status class."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or "other"
            HTTP_REQUESTS.labels(scope["method"], route, f"{status // 100}xx").observe(time.perf_counter() - started)
