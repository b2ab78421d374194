"""Structured logs: one JSON object per line, carrying the ids of what was being handled.

Contract: with `LOG_FORMAT=json` (`scripts/run-prod.sh` sets it), `configure()` gives the root logger and
uvicorn's loggers a handler that writes `{"ts","level","logger","msg", ...ids}`; the ids come from
`context(conversation_id=..., event_id=..., job_id=...)`, a context manager the conversation router,
the inbox workers and the outbox set around their work (contextvars: each thread and task keeps its
own). Only these ids and an exception's type and traceback are added, never a message's text or a
person's data: a record's own `extra` fields are dropped unless they are one of the ids, so a careless
`extra={"text": ...}` does not leak into the log. Secrets are masked before formatting (api/core/redact),
and the access log masks the paths whose last part is a bearer token (`ConcealTokenPaths`: a record's
share link, a data-export download), in every format.
The standard library is enough for this; structlog would be a second logging system beside uvicorn's.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# Paths whose last part is the only thing needed to use them: a record's share link (/s/<token>, and the
# API the page calls) and a one-time data-export download. Over-masking a log line costs nothing.
TOKEN_PATH = re.compile(r"(/s/|/api/v1/shares/|/privacy/download/)[A-Za-z0-9_.~-]+")
MASKED_PART = "••••••••"

CONTEXT_FIELDS = ("conversation_id", "event_id", "job_id")
_context: dict[str, ContextVar[str | None]] = {name: ContextVar(name, default=None) for name in CONTEXT_FIELDS}


@contextlib.contextmanager
def context(**ids: str | int | None) -> Iterator[None]:
    """Attach ids to every record logged inside the block (in this thread or task)."""
    unknown = set(ids) - set(CONTEXT_FIELDS)
    if unknown:
        raise ValueError(f"unknown log context fields: {sorted(unknown)}")
    tokens = [(_context[name], _context[name].set(None if v is None else str(v))) for name, v in ids.items()]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def current() -> dict[str, str]:
    return {name: value for name, var in _context.items() if (value := var.get()) is not None}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "pid": record.process,
        }
        entry.update(current())
        for name in CONTEXT_FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                entry[name] = str(value)
        if record.exc_info:
            entry["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(log_format: str, level: str = "INFO") -> None:
    """Install the JSON handler on the root and uvicorn loggers (idempotent); "text" leaves logging alone."""
    if log_format != "json":
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not isinstance(h.formatter, JsonFormatter)] + [handler]
    root.setLevel(level)
    # uvicorn.error propagates to "uvicorn"; the two with handlers of their own get this one instead.
    for name in ("uvicorn", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False


def conceal_token_paths(text: str) -> str:
    return TOKEN_PATH.sub(r"\1" + MASKED_PART, text)


class ConcealTokenPaths(logging.Filter):
    """uvicorn's access line names the path it served, a link's token included: the token is masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(conceal_token_paths(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = conceal_token_paths(record.msg)
        return True


def conceal_tokens_in_access_log() -> None:
    """Once per process (the app factory calls it): uvicorn logs each request on "uvicorn.access" itself."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(existing, ConcealTokenPaths) for existing in logger.filters):
        logger.addFilter(ConcealTokenPaths())
