"""Server-side sessions (issue #15, finding 8): a token works only while its session exists.

Logout, deactivation and a password reset end sessions at once; an idle session ends after
SESSION_IDLE_MINUTES; the console's socket closes (4401) when its session ends.
"""

from __future__ import annotations

import io
import threading
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.websockets import WebSocketDisconnect

from api.auth.models import AuditEntry
from api.core.clock import as_utc, utcnow
from tests.advisors.conftest import PASSWORD

ME = "/api/v1/auth/me"


def staff_sessions() -> Any:
    from api.auth.models import StaffSession

    return StaffSession


def login(client: TestClient, email: str = "aiko@example.org", password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def users(client: TestClient, argv: list[str], password: str = "") -> int:
    """`python -m api users ...` against the test app's database, the password on stdin as scripts give it."""
    from api.auth import cli  # imported here so the other tests run (and fail) against main too

    app: Any = client.app
    settings = app.state.services.settings
    previous = cli.get_settings
    cli.get_settings = lambda: settings  # type: ignore[assignment]
    try:
        return cli.main(argv, stdin=io.StringIO(password + "\n"))
    finally:
        cli.get_settings = previous  # type: ignore[assignment]


def sessions_rows(client: TestClient) -> list[Any]:
    app: Any = client.app
    with app.state.services.db.session() as session:
        return list(session.scalars(select(staff_sessions())))


def test_logout_ends_the_session_on_the_server(client: TestClient, advisor: dict[str, Any]) -> None:
    other = login(client)  # a second login of the same person (another browser)
    client.cookies.clear()
    assert client.get(ME, headers=advisor["headers"]).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=advisor["headers"]).status_code == 200
    # On main the token kept working for SESSION_TTL_MINUTES after logout.
    assert client.get(ME, headers=advisor["headers"]).status_code == 401
    assert client.get("/api/v1/advisor/queue", headers=advisor["headers"]).status_code == 401
    assert client.get(ME, headers=other).status_code == 200  # only that session ended


def test_cookie_logout_needs_csrf_and_ends_the_cookie_too(client: TestClient, advisor: dict[str, Any]) -> None:
    client.post("/api/v1/auth/login", json={"email": "aiko@example.org", "password": PASSWORD})
    cookie = client.cookies.get("kk_session")
    assert cookie and client.get(ME).status_code == 200
    assert client.post("/api/v1/auth/logout").status_code == 403  # a cross-site form cannot log anyone out
    csrf = client.cookies.get("kk_csrf")
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf or ""}).status_code == 200
    client.cookies.set("kk_session", cookie)  # a copy of the cookie kept from before
    assert client.get(ME).status_code == 401
    assert client.get("/console", follow_redirects=False).headers["location"] == "/console/login"


def test_deactivation_ends_every_session_and_blocks_logins(client: TestClient, advisor: dict[str, Any]) -> None:
    second = login(client)
    client.cookies.clear()
    assert users(client, ["users", "deactivate", "AIKO@example.org"]) == 0
    assert sessions_rows(client) == []
    for headers in (advisor["headers"], second):
        assert client.get(ME, headers=headers).status_code == 401
    refused = client.post("/api/v1/auth/login", json={"email": "aiko@example.org", "password": PASSWORD})
    assert refused.status_code == 401
    assert users(client, ["users", "activate", "aiko@example.org"]) == 0
    assert client.get(ME, headers=login(client)).status_code == 200
    assert users(client, ["users", "deactivate", "nobody@example.org"]) == 2


def test_password_reset_ends_sessions_and_reads_the_password_from_stdin(
    client: TestClient, advisor: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert users(client, ["users", "reset-password", "aiko@example.org"], "short") == 2
    assert client.get(ME, headers=advisor["headers"]).status_code == 200  # a refused reset changes nothing
    assert users(client, ["users", "reset-password", "aiko@example.org"], "a new long password") == 0
    assert "ended 1 session(s)" in capsys.readouterr().out
    assert client.get(ME, headers=advisor["headers"]).status_code == 401
    old = client.post("/api/v1/auth/login", json={"email": "aiko@example.org", "password": PASSWORD})
    assert old.status_code == 401
    assert client.get(ME, headers=login(client, password="a new long password")).status_code == 200


def test_an_idle_session_ends_and_requests_keep_it_alive(client: TestClient, advisor: dict[str, Any]) -> None:
    app: Any = client.app
    idle = app.state.services.auth_settings.session_idle_minutes
    assert idle == 30  # the default

    def age(minutes: float) -> None:
        with app.state.services.db.session() as session:
            for row in session.scalars(select(staff_sessions())):
                row.last_active_at = utcnow() - timedelta(minutes=minutes)

    age(idle - 1)
    assert client.get(ME, headers=advisor["headers"]).status_code == 200
    # That request was the person's: the idle clock restarted.
    assert all(utcnow() - as_utc(row.last_active_at) < timedelta(minutes=1) for row in sessions_rows(client))
    age(idle + 1)
    assert client.get(ME, headers=advisor["headers"]).status_code == 401
    assert sessions_rows(client) == []  # and the row is gone for good


def test_the_absolute_lifetime_still_holds(client: TestClient, advisor: dict[str, Any]) -> None:
    app: Any = client.app
    with app.state.services.db.session() as session:
        for row in session.scalars(select(staff_sessions())):
            row.expires_at = utcnow() - timedelta(seconds=1)
    assert client.get(ME, headers=advisor["headers"]).status_code == 401


def close_code(ws: Any, seconds: float = 5) -> int | str:
    """How the server closed the socket, or what else happened within `seconds` (main never closed it:
    waiting on the socket itself would hang there, so a thread waits and the test gives up in time)."""
    outcome: list[int | str] = []

    def receive() -> None:
        try:
            outcome.append(f"message {ws.receive_json()}")
        except WebSocketDisconnect as closed:
            outcome.append(closed.code)

    waiter = threading.Thread(target=receive, daemon=True)
    waiter.start()
    waiter.join(seconds)
    return outcome[0] if outcome else "still open"


def _console_socket_login(client: TestClient) -> str:
    client.post("/api/v1/auth/login", json={"email": "aiko@example.org", "password": PASSWORD})
    return client.cookies.get("kk_csrf") or ""


def test_console_socket_closes_at_the_next_heartbeat_after_logout(client: TestClient, advisor: dict[str, Any]) -> None:
    csrf = _console_socket_login(client)
    with client.websocket_connect("/api/v1/advisor/ws") as ws:
        assert ws.receive_json()["type"] == "ready"
        ws.send_text("ping")  # a heartbeat while logged in changes nothing
        assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
        ws.send_text("ping")
        assert close_code(ws) == 4401


def test_console_socket_closes_without_heartbeats_when_the_user_is_deactivated(
    client: TestClient, advisor: dict[str, Any]
) -> None:
    app: Any = client.app
    services = app.state.services
    services.auth_settings = services.auth_settings.model_copy(update={"session_recheck_seconds": 0.2})
    _console_socket_login(client)
    with client.websocket_connect("/api/v1/advisor/ws") as ws:
        assert ws.receive_json()["type"] == "ready"
        assert users(client, ["users", "deactivate", "aiko@example.org"]) == 0
        # The client sends nothing: the server asks on its own, every 0.2 s here.
        assert close_code(ws, seconds=5) == 4401


def test_heartbeats_do_not_keep_an_idle_session_alive(client: TestClient, advisor: dict[str, Any]) -> None:
    app: Any = client.app
    _console_socket_login(client)
    with app.state.services.db.session() as session:
        for row in session.scalars(select(staff_sessions())):
            row.last_active_at = utcnow() - timedelta(minutes=10)
    before = {row.id: row.last_active_at for row in sessions_rows(client)}
    with client.websocket_connect("/api/v1/advisor/ws") as ws:
        assert ws.receive_json()["type"] == "ready"
        for _ in range(3):
            ws.send_text("ping")
    assert {row.id: row.last_active_at for row in sessions_rows(client)} == before


def test_login_logout_and_failures_are_audited_with_the_client_address(
    client: TestClient, advisor: dict[str, Any]
) -> None:
    app: Any = client.app
    client.post("/api/v1/auth/login", json={"email": "aiko@example.org", "password": "wrong password"})
    client.post("/api/v1/auth/login", json={"email": "typo-secret@example.org", "password": "x"})
    client.post("/api/v1/auth/logout", headers=advisor["headers"])
    with app.state.services.db.session() as session:
        rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    entries = [(row.action, row.user_id, row.detail, row.source_ip) for row in rows]
    assert entries == [
        ("login", advisor["id"], None, "testclient"),
        ("login_failed", advisor["id"], {"reason": "wrong_password"}, "testclient"),
        ("login_failed", None, {"reason": "unknown_account"}, "testclient"),
        ("logout", advisor["id"], None, "testclient"),
    ]
    # What was typed is never kept.
    assert "typo-secret" not in str(entries)


def test_commands_leave_the_address_empty(client: TestClient, advisor: dict[str, Any]) -> None:
    app: Any = client.app
    assert users(client, ["users", "deactivate", "aiko@example.org"]) == 0
    with app.state.services.db.session() as session:
        row = session.scalars(select(AuditEntry).where(AuditEntry.action == "user_deactivated")).one()
    assert row.source_ip is None and row.detail == {"user_id": advisor["id"]}
