"""Security headers every HTML page gets, whichever route rendered it.

Pages with their own policy (the console, the FCE status page) keep it, and get `frame-ancestors
'none'` appended if they lack it; every other text/html response gets the default below. Inline
<style> blocks exist in some templates, so styles allow 'unsafe-inline'; scripts never do, and
connections go to our own origin only ('self' covers ws:/wss: to the same host in CSP Level 3).
A pure ASGI middleware, so streaming responses and websockets pass through untouched.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


Headers = list[tuple[bytes, bytes]]


class ResponseHeaders:
    """Every HTTP response's headers passed through `rewrite` as they leave (websockets untouched)."""

    def __init__(self, app: ASGIApp, rewrite: Callable[[Headers], Headers]) -> None:
        self.app = app
        self.rewrite = rewrite

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self.rewrite(list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, sending)


class HtmlSecurityHeaders(ResponseHeaders):
    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, _with_policy)


def _with_policy(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    names = {name.lower(): value for name, value in headers}
    if not names.get(b"content-type", b"").startswith(b"text/html"):
        return headers
    policy = names.get(b"content-security-policy")
    if policy is None:
        headers.append((b"content-security-policy", DEFAULT_POLICY.encode()))
    elif b"frame-ancestors" not in policy:
        headers = [(n, v) for n, v in headers if n.lower() != b"content-security-policy"]
        headers.append((b"content-security-policy", policy + b"; frame-ancestors 'none'"))
    if b"x-frame-options" not in names:
        headers.append((b"x-frame-options", b"DENY"))
    return headers
