"""One app for the hostile-world tests: SQLite in a temporary folder, knowledge off, channels off, the
scripted Rasa; staff of every role logged in, with their bearer tokens.

Module-scoped: schemathesis and the state machines make hundreds of requests, and building an app
(migrations included) per example would cost more than the examples. Each state-machine run makes its
own conversations and cases, so runs do not see each other's rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.channels.config import ChannelSettings
from api.core.config import REPO_ROOT, Settings
from api.fce.config import FceSettings
from api.main import create_app
from tests.advisors.conftest import make_user
from tests.api.conftest import NO_CHANNELS, FakeRasa
from tests.records.wiring import install_records

INTERNAL_TOKEN = "hostile-internal-token"  # the action server's (ACTIONS_TOKEN)
NLG_TOKEN = "hostile-nlg-token"  # Rasa's, for /nlg
BASE = "http://testserver"
UNLIMITED = 1_000_000
ROLES = ("admin", "advisor", "evaluator", "editor", "researcher")


@dataclasses.dataclass
class World:
    app: FastAPI
    client: TestClient
    rasa: FakeRasa
    # role -> {"id", "headers"}; "advisor2" is a second advisor, for ownership.
    staff: dict[str, dict[str, Any]]


def build_app(tmp: Path) -> tuple[FastAPI, FakeRasa]:
    settings = Settings(
        database_url=f"sqlite:///{tmp / 'hostile.db'}",
        actions_token=INTERNAL_TOKEN,
        nlg_token=NLG_TOKEN,
        rasa_url="http://127.0.0.1:9",
        action_server_url="http://127.0.0.1:9",
        health_components=("database", "rasa"),
        knowledge_enabled=False,
        purge_interval_seconds=0,
        locales_dir=REPO_ROOT / "locales",
        domain_file=REPO_ROOT / "bot" / "domain",
    )
    app = create_app(settings, channel_settings=ChannelSettings(_env_file=None, **NO_CHANNELS))  # type: ignore[call-arg]
    rasa = FakeRasa()
    app.state.services.rasa = rasa
    app.state.services.conversations.rasa = rasa
    # Uploads into the temporary folder, never var/.
    # Budgets far above what a run sends: the examples must reach the routes, not the rate limits
    # (those have their own tests in tests/fce and tests/records).
    fce_settings = FceSettings(
        documents_dir=tmp / "fce-documents",
        lockout_failures=UNLIMITED,
        ip_status_limit=UNLIMITED,
        ip_create_limit=UNLIMITED,
        ip_upload_limit=UNLIMITED,
    )
    # An issuer key of its own, so the records routes answer instead of 503 (no key configured).
    limits = {"verify_limit": UNLIMITED, "share_view_limit": UNLIMITED}
    install_records(app.state.services, fce_settings, tmp / "keys", BASE, **limits)
    return app, rasa


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    app, rasa = build_app(tmp_path_factory.mktemp("hostile"))
    with TestClient(app) as client:
        staff = {role: make_user(client, f"{role}@example.org", role) for role in ROLES}
        staff["advisor2"] = make_user(client, "advisor2@example.org", "advisor")
        # Only ever logs out: if logout ends the session server-side, no other test loses its token.
        staff["leaver"] = make_user(client, "leaver@example.org", "advisor")
        yield World(app=app, client=client, rasa=rasa, staff=staff)
