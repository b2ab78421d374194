"""The client address of the request being served, for code far from the request (the audit log).

A pure ASGI middleware puts `scope["client"]` into a context variable for the request's (or the
websocket's) lifetime; sync routes see it too, since Starlette's thread pool copies the context.
Behind a reverse proxy the address is the one uvicorn's --proxy-headers puts into the scope from
the trusted proxy's X-Forwarded-For, never a header read here. Commands and scheduled jobs have
no request, so they read None.
"""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar

from starlette.types import ASGIApp, Receive, Scope, Send

_address: ContextVar[str | None] = ContextVar("client_address", default=None)


def client_address() -> str | None:
    """The current request's client address (None outside a request)."""
    return _address.get()


def client_key(address: str) -> str:
    """What per-client limits count by: the address, or its /64 network for IPv6, where one
    subscriber holds a whole /64 and could otherwise step around a limit address by address."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


class ClientAddress:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        token = _address.set(str(client[0])[:64] if client else None)
        try:
            await self.app(scope, receive, send)
        finally:
            _address.reset(token)
