"""A body-size cap on every route: 413 before the body is read whole (security review, finding 9).

A declared Content-Length over the route's cap is answered at once, without reading a byte. A body
without one (chunked) is counted as it arrives; the read that passes the cap raises a 413, so
neither FastAPI's multipart spooling nor a form parser ever holds more than the cap. Routes keep
their own, tighter checks (the exact per-file limit, the verifier's token size) and their own
wording; this is the floor under all of them.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_CAP = 64 * 1024  # any JSON body or form a person sends; uploads and webhooks get their own


class BodyTooLarge(HTTPException):
    """FastAPI re-raises HTTPException from body parsing unchanged, so this becomes a 413, not a 400."""

    def __init__(self, cap: int) -> None:
        super().__init__(
            413, detail=[{"loc": ["body"], "msg": f"the body may be at most {cap} bytes", "type": "too_large"}]
        )


class BodyLimit:
    def __init__(self, app: ASGIApp, cap_for: Callable[[str], int]) -> None:
        self.app = app
        self.cap_for = cap_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        cap = self.cap_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > cap):
            await _refuse(send, cap)
            return
        received = 0

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise BodyTooLarge(cap)
            return message

        await self.app(scope, counting, send)


async def _refuse(send: Send, cap: int) -> None:
    body = json.dumps({"detail": BodyTooLarge(cap).detail}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
