"""docker-compose.yml describes the production shape that scripts/run-prod.sh starts without Docker (no
Docker engine runs here): the same processes, ports, commands, pool sizes and Rasa lock lifetime."""

from __future__ import annotations

import re
from typing import Any

import yaml

from api.core.config import REPO_ROOT, Settings
from api.fce.config import FceSettings
from scripts.prod_check import RESERVED_CONNECTIONS, budget

COMPOSE: dict[str, Any] = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
APP_ENV: dict[str, str] = COMPOSE["x-app"]["environment"]
RUN_PROD = (REPO_ROOT / "scripts" / "run-prod.sh").read_text()
ENV_SCRIPT = (REPO_ROOT / "scripts" / "env.sh").read_text()
ENDPOINTS: dict[str, Any] = yaml.safe_load((REPO_ROOT / "bot" / "endpoints.prod.yml").read_text())
MAKEFILE = (REPO_ROOT / "Makefile").read_text()


def default(name: str, script: str = RUN_PROD) -> str:
    """The default a script gives NAME: `NAME="${NAME:-value}"`."""
    match = re.search(rf'{name}="\$\{{{name}:-([^}}]*)\}}"', script)
    assert match, name
    return match.group(1)


def script_defaults() -> dict[str, str]:
    names = ("API_WORKERS", "RASA_REPLICAS", "DB_POOL_SIZE", "DB_MAX_OVERFLOW", "SQL_POOL_SIZE", "SQL_MAX_OVERFLOW")
    return {name: default(name) for name in names}


def replicas() -> int:
    return int(default("RASA_REPLICAS"))


def test_every_process_of_the_script_is_a_service_with_a_healthcheck() -> None:
    n = replicas()
    expected = (
        {"postgres", "redis", "api", "workers", "inbox-workers"}
        | {f"rasa-{i}" for i in range(n)}
        | {f"actions-{i}" for i in range(n)}
    )
    assert set(SERVICES) == expected
    for name, service in SERVICES.items():
        assert "healthcheck" in service, name


def test_replicas_ports_and_commands_match_the_script() -> None:
    rasa_port, actions_port = int(default("RASA_PORT", ENV_SCRIPT)), int(default("ACTIONS_PORT", ENV_SCRIPT))
    urls = []
    for i in range(replicas()):
        rasa, actions = SERVICES[f"rasa-{i}"], SERVICES[f"actions-{i}"]
        command = rasa["command"]
        assert command[:3] == [".venv-rasa/bin/python", "bot/scripts/rasa_server.py", "run"]
        assert command[command.index("--port") + 1] == str(rasa_port + i)
        assert command[command.index("--endpoints") + 1] == "bot/endpoints.prod.yml"
        assert rasa["ports"] == [f"127.0.0.1:{rasa_port + i}:{rasa_port + i}"]
        assert rasa["environment"]["ACTION_SERVER_URL"] == f"http://actions-{i}:{actions_port + i}"
        assert actions["command"][actions["command"].index("--port") + 1] == str(actions_port + i)
        urls.append(f"http://rasa-{i}:{rasa_port + i}")
    assert APP_ENV["RASA_URLS"] == ",".join(urls)
    for flag in ("rasa_server.py run", "--enable-api", "--credentials", "bot/endpoints.prod.yml", "RASA_PORT + i"):
        assert flag in RUN_PROD, flag
    assert "ACTIONS_PORT + i" in RUN_PROD and "rasa_sdk" in RUN_PROD


def test_api_workers_and_the_channel_workers_process_match_the_script() -> None:
    api = SERVICES["api"]["command"]
    assert api[:2] == [".venv/bin/uvicorn", "api.main:create_app"]
    assert api[api.index("--workers") + 1] == "${API_WORKERS:-" + default("API_WORKERS") + "}"
    assert '--workers "$API_WORKERS"' in RUN_PROD and "CHANNEL_WORKERS=false .venv/bin/uvicorn" in RUN_PROD
    # The supervisor's health-ping patience: the same default in both, and longer than uvicorn's 5 s.
    healthcheck = api[api.index("--timeout-worker-healthcheck") + 1]
    assert healthcheck == "${API_WORKER_HEALTHCHECK_SECONDS:-" + default("API_WORKER_HEALTHCHECK_SECONDS") + "}"
    assert int(default("API_WORKER_HEALTHCHECK_SECONDS")) > 5
    assert '--timeout-worker-healthcheck "$API_WORKER_HEALTHCHECK_SECONDS"' in RUN_PROD
    assert SERVICES["api"]["environment"]["CHANNEL_WORKERS"] == "false"
    assert SERVICES["workers"]["command"] == [".venv/bin/python", "-m", "api", "workers"]
    assert SERVICES["workers"]["environment"]["CHANNEL_WORKERS"] == "true"
    assert "CHANNEL_WORKERS=true .venv/bin/python -m api workers" in RUN_PROD
    assert "run-prod:" in MAKEFILE and "scripts/run-prod.sh" in MAKEFILE


def test_extra_inbox_only_processes_are_the_same_in_both() -> None:
    inbox = SERVICES["inbox-workers"]
    assert inbox["command"] == [".venv/bin/python", "-m", "api", "workers", "--inbox-only"]
    assert inbox["environment"]["CHANNEL_WORKERS"] == "true"
    assert inbox["deploy"]["replicas"] == "${INBOX_WORKERS:-" + default("INBOX_WORKERS") + "}"
    assert default("INBOX_WORKERS") == "0"  # one process sends and receives unless told otherwise
    assert "CHANNEL_WORKERS=true .venv/bin/python -m api workers --inbox-only" in RUN_PROD
    # Only one process per deployment sends: the inbox-only service never runs the outbox.
    assert "--inbox-only" not in SERVICES["workers"]["command"]


def test_pools_lock_lifetime_and_polls_are_the_same_in_both() -> None:
    names = (
        "DB_POOL_SIZE",
        "DB_MAX_OVERFLOW",
        "SQL_POOL_SIZE",
        "SQL_MAX_OVERFLOW",
        "TICKET_LOCK_LIFETIME",
        "INBOUND_POLL_SECONDS",
        "OUTBOX_POLL_SECONDS",
        "RASA_LOCK_REDIS_DB",
        "RASA_LOCK_PREFIX",
        "RASA_TRACKER_DB",
    )
    for name in names:
        assert APP_ENV[name] == default(name), name
    assert APP_ENV["LOG_FORMAT"] == "json" and "LOG_FORMAT=json" in RUN_PROD


def test_a_dead_replica_s_lock_stalls_a_conversation_seconds_not_a_minute() -> None:
    lifetime = int(default("TICKET_LOCK_LIFETIME"))
    # Long enough for one message (the api gives up on Rasa after rasa_timeout_seconds anyway).
    assert Settings(_env_file=None).rasa_timeout_seconds <= lifetime < 60  # type: ignore[call-arg]


def test_the_shared_stores_are_postgresql_and_redis() -> None:
    assert ENDPOINTS["tracker_store"]["dialect"] == "postgresql"
    assert ENDPOINTS["lock_store"]["type"] == "redis"
    assert APP_ENV["DATABASE_URL"].startswith("postgresql://")
    assert APP_ENV["REDIS_URL"].startswith("redis://")
    assert default("DATABASE_URL").startswith("postgresql://") and default("REDIS_URL").startswith("redis://")


def test_the_pools_fit_within_postgresql_max_connections() -> None:
    command = SERVICES["postgres"]["command"]
    limit = int(next(arg.split("=")[1] for arg in command if arg.startswith("max_connections=")))
    # Both shapes: the script's defaults and compose's (the same figures, checked above).
    needed = budget(script_defaults()) + RESERVED_CONNECTIONS
    assert needed <= limit, f"{needed} > {limit}"
    # Each inbox-only process opens a pool of its own: the budget counts it.
    assert budget({**script_defaults(), "INBOX_WORKERS": "2"}) == budget(script_defaults()) + 2 * (
        int(default("DB_POOL_SIZE")) + int(default("DB_MAX_OVERFLOW"))
    )
    # Rasa's own defaults (50 + 100 per replica) would not fit: the override matters.
    assert budget({**script_defaults(), "SQL_POOL_SIZE": "50", "SQL_MAX_OVERFLOW": "100"}) > limit


def test_dependencies_wait_for_health() -> None:
    for name in ("api", "workers", "inbox-workers", *(f"rasa-{i}" for i in range(replicas()))):
        for dependency in SERVICES[name]["depends_on"].values():
            assert dependency == {"condition": "service_healthy"}, name
    assert {"postgres", "redis", *(f"rasa-{i}" for i in range(replicas()))} <= set(SERVICES["api"]["depends_on"])
    assert SERVICES["api"]["healthcheck"]["test"][-1].endswith("/readyz")


def test_channel_secrets_come_from_the_environment_only() -> None:
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"):
        # "${NAME:-}": passed through when set, empty (channel off) otherwise; never a value in the file.
        assert APP_ENV[name] == "${" + name + ":-}", name


# -- secrets, tokens and the container (issue #15, findings 7, 11 and 13) -----------------------------------

DOCKERFILE = (REPO_ROOT / "Dockerfile").read_text()
RUN_SCRIPT = (REPO_ROOT / "scripts" / "run.sh").read_text()
TOKENS = ("ACTIONS_TOKEN", "NLG_TOKEN", "RASA_ADMIN_TOKEN")
# Which service holds which secret: each process only the ones it uses.
HOLDERS = {
    "ACTIONS_TOKEN": {"api", *(f"actions-{i}" for i in range(2))},
    "NLG_TOKEN": {"api", *(f"rasa-{i}" for i in range(2))},
    "RASA_ADMIN_TOKEN": {"api", "workers", "inbox-workers", *(f"rasa-{i}" for i in range(2))},
    "SESSION_SECRET": {"api", "workers", "inbox-workers"},
    # The issuer's signing keys: only the api signs (credentials, status lists).
    "RECORDS_SIGNING_KEYS": {"api"},
}


def dockerfile(instruction: str) -> list[str]:
    """The arguments of every `INSTRUCTION ...` line of the Dockerfile (continuations joined)."""
    text = DOCKERFILE.replace("\\\n", " ")
    return [line.split(None, 1)[1] for line in text.splitlines() if line.startswith(instruction + " ")]


def required(name: str) -> str:
    return "${" + name + ":?set " + name + "}"


def test_secrets_come_from_the_environment_and_fail_fast_when_missing() -> None:
    for name, holders in HOLDERS.items():
        for service, spec in SERVICES.items():
            env = spec.get("environment", {})
            if service in holders:
                assert env.get(name) == required(name), (service, name)
            else:
                assert name not in env, (service, name)  # least privilege: not even an empty value
        assert name not in APP_ENV
    # No literal secret anywhere: every password, secret or token is a reference to the environment.
    for service, spec in SERVICES.items():
        for key, value in spec.get("environment", {}).items():
            if re.search(r"PASSWORD|SECRET|TOKEN|KEYS?$", key):
                assert re.fullmatch(r"\$\{[A-Z_]+:[?-][^}]*\}", str(value)), (service, key, value)
        for key in ("DATABASE_URL", "RASA_TRACKER_URL"):
            if key in spec.get("environment", {}):
                assert "${POSTGRES_PASSWORD:?" in spec["environment"][key], (service, key)
    assert "INTERNAL_TOKEN" not in (REPO_ROOT / "docker-compose.yml").read_text()


def test_rasa_s_admin_api_and_nlg_calls_use_their_own_tokens() -> None:
    # Rasa's admin token is in its environment, never on a command line (`ps` shows those to every user):
    # bot/scripts/rasa_server.py hands it to Rasa inside the process.
    for i in range(replicas()):
        rasa = SERVICES[f"rasa-{i}"]
        assert "--auth-token" not in rasa["command"] and "RASA_ADMIN_TOKEN" not in " ".join(rasa["command"])
        assert rasa["environment"]["RASA_ADMIN_TOKEN"] == required("RASA_ADMIN_TOKEN")
    for name in ("endpoints.yml", "endpoints.prod.yml", "endpoints.postgres.yml"):
        endpoints = yaml.safe_load((REPO_ROOT / "bot" / name).read_text())
        assert endpoints["nlg"]["token"] == "${NLG_TOKEN}", name
    for script in (RUN_SCRIPT, RUN_PROD):
        assert "--auth-token" not in script and "INTERNAL_TOKEN" not in script
        assert ".venv-rasa/bin/python" in script and "bot/scripts/rasa_server.py run --enable-api" in script
        # The action server is started without Rasa's tokens, Rasa without the action server's.
        assert "env -u NLG_TOKEN -u RASA_ADMIN_TOKEN SANIC_HOST=127.0.0.1 .venv-rasa/bin/python -m rasa_sdk" in script
        assert "env -u ACTIONS_TOKEN" in script
    # make run: each one random per run when unset, never empty (the api refuses a caller without one).
    for name in TOKENS:
        assert name in ENV_SCRIPT.split("for name in ", 1)[1].split(";", 1)[0]


def test_uvicorn_believes_forwarded_headers_from_the_trusted_proxies_only() -> None:
    api = SERVICES["api"]["command"]
    assert "--proxy-headers" in api
    assert api[api.index("--forwarded-allow-ips") + 1] == "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
    assert SERVICES["api"]["environment"]["FORWARDED_ALLOW_IPS"] == "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
    assert '--proxy-headers --forwarded-allow-ips "$FORWARDED_ALLOW_IPS"' in RUN_PROD
    assert default("FORWARDED_ALLOW_IPS") == "127.0.0.1"
    (cmd,) = dockerfile("CMD")
    assert "--proxy-headers --forwarded-allow-ips" in cmd and "${FORWARDED_ALLOW_IPS:-127.0.0.1}" in cmd
    # Production: Secure cookies and HSTS, the same in both shapes.
    assert SERVICES["api"]["environment"]["SECURE_COOKIES"] == default("SECURE_COOKIES") == "true"
    assert int(SERVICES["api"]["environment"]["HSTS_SECONDS"]) == int(default("HSTS_SECONDS")) >= 180 * 86400


def test_the_container_runs_as_a_user_and_keeps_documents_in_a_volume() -> None:
    (user,) = dockerfile("USER")
    assert user.split(":")[0] not in ("root", "0")
    lines = DOCKERFILE.splitlines()
    assert max(i for i, line in enumerate(lines) if line.startswith("RUN ")) < lines.index(f"USER {user}")
    (workdir,) = dockerfile("WORKDIR")
    documents = FceSettings(_env_file=None).documents_dir.relative_to(REPO_ROOT)  # type: ignore[call-arg]
    in_container = f"{workdir}/{documents.as_posix()}"
    assert f'VOLUME ["{in_container}"]' in DOCKERFILE
    # The folder exists, owned by that user, before a volume is mounted on it (a new volume copies both).
    owner = user.split(":")[0]
    assert any(documents.as_posix() in run and "chown" in run and owner in run for run in dockerfile("RUN"))
    assert "fce-documents" in COMPOSE["volumes"]
    for service in ("api", "workers"):  # the api stores uploads; both run the retention purge
        assert f"fce-documents:{in_container}" in SERVICES[service]["volumes"], service


def test_production_names_its_public_address() -> None:
    """Statements, share links and the issuer's did:web are built from it: never the development default."""
    assert APP_ENV["PUBLIC_BASE_URL"] == required("PUBLIC_BASE_URL")
