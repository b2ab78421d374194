"""docker-compose.yml stays in step with the Makefile's run script (no Docker engine runs here)."""

from __future__ import annotations

import re
from typing import Any

import yaml

from api.core.config import REPO_ROOT

COMPOSE: dict[str, Any] = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
RUN_SCRIPT = (REPO_ROOT / "scripts" / "run.sh").read_text()
ENV_SCRIPT = (REPO_ROOT / "scripts" / "env.sh").read_text()


def default_port(name: str) -> str:
    match = re.search(rf'{name}="\$\{{{name}:-(\d+)\}}"', ENV_SCRIPT)
    assert match, name
    return match.group(1)


def test_all_services_present_with_healthchecks() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"api", "rasa", "actions", "postgres", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, name


def test_dependencies_wait_for_health() -> None:
    services = COMPOSE["services"]
    for name in ("api", "rasa"):
        for dependency in services[name]["depends_on"].values():
            assert dependency == {"condition": "service_healthy"}, name
    assert set(services["api"]["depends_on"]) == {"postgres", "redis", "rasa"}


def test_commands_match_the_run_script() -> None:
    services = COMPOSE["services"]
    expectations = {
        "api": (".venv/bin/uvicorn", "api.main:create_app", default_port("API_PORT")),
        "rasa": (".venv-rasa/bin/rasa", "run", default_port("RASA_PORT")),
        "actions": (".venv-rasa/bin/python", "rasa_sdk", default_port("ACTIONS_PORT")),
    }
    for name, (program, argument, port) in expectations.items():
        command = services[name]["command"]
        assert command[0] == program and argument in command, name
        assert command[command.index("--port") + 1] == port, name
        assert services[name]["ports"] == [f"127.0.0.1:{port}:{port}"], name
        assert program in RUN_SCRIPT and argument in RUN_SCRIPT, name
    for flag in ("--enable-api", "--endpoints", "--credentials", "--auth-token"):
        assert flag in services["rasa"]["command"] and flag in RUN_SCRIPT


def test_database_and_redis_configured_for_the_app() -> None:
    env = COMPOSE["services"]["api"]["environment"]
    assert env["DATABASE_URL"].startswith("postgresql://")
    assert env["REDIS_URL"].startswith("redis://")
    assert env["RASA_TRACKER_DIALECT"] == "postgresql"


def test_channel_secrets_come_from_the_environment_only() -> None:
    environment = COMPOSE["x-app"]["environment"]
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"):
        # "${NAME:-}": passed through when set, empty (channel off) otherwise; never a value in the file.
        assert environment[name] == "${" + name + ":-}", name
