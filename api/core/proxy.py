"""Behind a reverse proxy (issue #15, finding 7): who the client is, which scheme it used, and HSTS.

The client address and scheme come from X-Forwarded-For and X-Forwarded-Proto only when the connecting
peer is one of FORWARDED_ALLOW_IPS; from anyone else those headers are ignored, or a client could name
its own address and step around the per-client rate limits and lockouts. Behind a trusted proxy every
`request.client` (login limits, FCE lockouts, rate limits, audit) is the real client, not the proxy.

uvicorn's own middleware does the parsing (maintained; proxy chains, CIDR, IPv6). It is installed in the
app, not only through uvicorn's `--proxy-headers --forwarded-allow-ips` flags, so that any server and
the tests see the same client. Both at once are harmless: the second pass sees the real client, which it
does not trust, or, when it does, works out the same address from the same header again.

In production SECURE_COOKIES marks every cookie `Secure` even when the proxy forgets X-Forwarded-Proto,
and HSTS_SECONDS sends Strict-Transport-Security on every response (browsers ignore it over http).
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.core.config import Settings
from api.core.headers import Headers, ResponseHeaders

HSTS = b"strict-transport-security"


def install(app: FastAPI, settings: Settings) -> None:
    """Called after every other middleware is added: the proxy headers are read outermost, so the body
    limit, metrics, routes and websockets all see the real client and scheme."""
    if settings.hsts_seconds:
        app.add_middleware(Hsts, seconds=settings.hsts_seconds)
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)


def cookies_secure(connection: HTTPConnection, settings: Settings) -> bool:
    """`Secure` cookies: always in production, and whenever the client came over https (or a trusted
    proxy says it did)."""
    return settings.secure_cookies or connection.url.scheme in ("https", "wss")


class Hsts(ResponseHeaders):
    """Strict-Transport-Security on every HTTP response, when HSTS_SECONDS is set."""

    def __init__(self, app: ASGIApp, seconds: int) -> None:
        value = f"max-age={seconds}; includeSubDomains".encode()

        def with_hsts(headers: Headers) -> Headers:
            return [*((n, v) for n, v in headers if n.lower() != HSTS), (HSTS, value)]

        super().__init__(app, with_hsts)
