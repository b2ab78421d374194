"""Before `make run-prod` starts anything: the api's and Rasa's databases exist, the api's schema is migrated
(once, here, rather than by several uvicorn workers racing), and every process's connection pool added up
stays within PostgreSQL's max_connections.

Usage (scripts/run-prod.sh): python scripts/prod_check.py; reads the environment that script exports.
Exit 1 with the reason when a pool budget does not fit, 2 when PostgreSQL cannot be reached.
"""

from __future__ import annotations

import os
import sys

import psycopg
from psycopg import sql

from api.db.migrate import upgrade

# Left for psql sessions, backups, monitoring and PostgreSQL's own superuser slots.
RESERVED_CONNECTIONS = 10


def budget(env: dict[str, str]) -> int:
    """Connections the production shape may open at most: api processes and Rasa replicas, each its pool."""
    # uvicorn workers + the channel-workers process + the inbox-only ones
    api_processes = int(env["API_WORKERS"]) + 1 + int(env.get("INBOX_WORKERS", "0"))
    api_pool = int(env["DB_POOL_SIZE"]) + int(env["DB_MAX_OVERFLOW"])
    rasa_pool = int(env["SQL_POOL_SIZE"]) + int(env["SQL_MAX_OVERFLOW"])
    return api_processes * api_pool + int(env["RASA_REPLICAS"]) * rasa_pool


def _admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def _ensure_database(admin: psycopg.Connection[tuple[object, ...]], name: str) -> None:
    if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"prod-check: created database {name}")


def main() -> int:
    env = dict(os.environ)
    url = env["DATABASE_URL"]
    if not url.startswith("postgresql://"):
        print("prod-check: DATABASE_URL must be postgresql:// for the production shape", file=sys.stderr)
        return 1
    try:
        with psycopg.connect(_admin_url(url), autocommit=True, connect_timeout=5) as admin:
            _ensure_database(admin, url.rsplit("/", 1)[1].split("?")[0])
            _ensure_database(admin, env["RASA_TRACKER_DB"])
            limit = int(str(admin.execute("SHOW max_connections").fetchone()[0]))  # type: ignore[index]
    except psycopg.OperationalError as exc:
        print(f"prod-check: PostgreSQL unreachable: {exc}", file=sys.stderr)
        return 2
    needed = budget(env) + RESERVED_CONNECTIONS
    if needed > limit:
        print(
            f"prod-check: pools need up to {needed} connections (with {RESERVED_CONNECTIONS} reserved), "
            f"max_connections is {limit}: lower API_WORKERS, DB_POOL_SIZE/DB_MAX_OVERFLOW or SQL_POOL_SIZE",
            file=sys.stderr,
        )
        return 1
    print(f"prod-check: pools up to {needed} of max_connections {limit}")
    upgrade(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
