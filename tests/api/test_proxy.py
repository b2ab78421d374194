"""Behind a reverse proxy (issue #15, finding 7): X-Forwarded-For and X-Forwarded-Proto count only from
FORWARDED_ALLOW_IPS, so per-client limits see real clients behind the proxy and a client elsewhere cannot
pick its own address; Secure cookies and HSTS in production (api/core/proxy.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from api.auth.config import AuthSettings
from api.auth.users import create_user
from api.channels.config import ChannelSettings
from api.core.config import Settings
from api.main import create_app
from tests.api.conftest import NO_CHANNELS

PROXY = "10.0.0.2"
STRANGER = "198.51.100.7"
ALICE, BOB = "203.0.113.5", "203.0.113.6"
PASSWORD = "correct horse battery"

Clients = Callable[..., TestClient]


@pytest.fixture
def clients(settings: Settings) -> Iterator[Clients]:
    """TestClients connecting from a given peer address to one app; the proxy at PROXY is trusted, and
    each address may fail two logins (every e-mail below is different, so only the per-IP count bites)."""
    opened: list[TestClient] = []
    apps: dict[tuple[tuple[str, object], ...], object] = {}

    def connect(peer: str, **changes: object) -> TestClient:
        key = tuple(sorted(changes.items()))
        if key not in apps:
            configured = settings.model_copy(update={"forwarded_allow_ips": f"127.0.0.1,{PROXY}", **changes})
            auth = AuthSettings(_env_file=None, session_secret="s" * 48, login_max_failures_per_ip=2)  # type: ignore[call-arg]
            channels = ChannelSettings(_env_file=None, **NO_CHANNELS)  # type: ignore[call-arg]
            apps[key] = create_app(configured, auth_settings=auth, channel_settings=channels)
        client = TestClient(apps[key], client=(peer, 40000))  # type: ignore[arg-type]
        opened.append(client.__enter__())
        return client

    yield connect
    for client in reversed(opened):
        client.__exit__(None, None, None)


def fail_login(client: TestClient, email: str, forwarded_for: str) -> int:
    body = {"email": email, "password": "wrong password"}
    return client.post("/api/v1/auth/login", json=body, headers={"X-Forwarded-For": forwarded_for}).status_code


def test_a_trusted_proxy_s_forwarded_for_is_the_client(clients: Clients) -> None:
    proxy = clients(PROXY)
    assert [fail_login(proxy, f"{n}@example.org", ALICE) for n in ("a", "b")] == [401, 401]
    assert fail_login(proxy, "c@example.org", ALICE) == 429  # Alice's address is locked out...
    assert fail_login(proxy, "d@example.org", BOB) == 401  # ...Bob, behind the same proxy, is not
    # A chain: the proxy appends what it saw; the right-most address it does not trust is the client.
    assert fail_login(proxy, "e@example.org", f"{BOB}, {PROXY}") == 401
    assert fail_login(proxy, "f@example.org", f"{BOB}, {PROXY}") == 429


def test_an_untrusted_peer_s_forwarded_for_is_ignored(clients: Clients) -> None:
    stranger = clients(STRANGER)
    # Every attempt counts against the stranger's own address, whatever address it claims.
    assert [fail_login(stranger, f"{n}@example.org", ALICE) for n in ("a", "b")] == [401, 401]
    assert fail_login(stranger, "c@example.org", BOB) == 429
    assert fail_login(stranger, "d@example.org", "127.0.0.1") == 429
    # ...and it never locked out Alice, who is behind the proxy.
    assert fail_login(clients(PROXY), "e@example.org", ALICE) == 401


def _login_cookies(client: TestClient, email: str, headers: dict[str, str]) -> list[str]:
    app = client.app
    with app.state.services.db.session() as session:  # type: ignore[attr-defined]
        create_user(session, email=email, password=PASSWORD, role="advisor")
    body = {"email": email, "password": PASSWORD}
    response = client.post("/api/v1/auth/login", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.headers.get_list("set-cookie")


def test_cookies_are_secure_over_https_said_by_a_trusted_proxy_only(clients: Clients) -> None:
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": ALICE}
    trusted = _login_cookies(clients(PROXY), "kim@example.org", https)
    assert len(trusted) == 2 and all("secure" in cookie.lower() for cookie in trusted)
    spoofed = _login_cookies(clients(STRANGER), "lee@example.org", https)
    assert len(spoofed) == 2 and not any("secure" in cookie.lower() for cookie in spoofed)


def test_production_cookies_are_always_secure_and_hsts_is_sent(clients: Clients) -> None:
    production = clients(STRANGER, secure_cookies=True, hsts_seconds=31536000)
    cookies = _login_cookies(production, "kim@example.org", {})
    assert len(cookies) == 2 and all("secure" in cookie.lower() for cookie in cookies)
    for path in ("/livez", "/", "/api/v1/nope"):
        assert production.get(path).headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    # Development (the defaults): no HSTS, which would pin a browser to https on a laptop's host name.
    assert "strict-transport-security" not in clients(STRANGER).get("/livez").headers
