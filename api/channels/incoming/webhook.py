"""What both webhooks share: a size-capped body read and the 4xx answers platforms understand."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request, status


class MalformedWebhook(ValueError):
    """A body that passed authentication but is not what the platform sends."""


async def read_capped(request: Request, limit: int) -> bytes:
    """The raw body (signatures are over the exact bytes), refused with 413 beyond `limit`."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail=f"body is larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail=f"body is larger than {limit} bytes")
    return bytes(body)


def disabled(channel: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"the {channel} channel is not configured")


def unauthorized(header: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=f"missing or invalid {header}")


def malformed(reason: str) -> HTTPException:
    return HTTPException(status.HTTP_400_BAD_REQUEST, detail=f"malformed webhook body: {reason}")


def as_object(value: Any) -> dict[str, Any]:
    """Platform JSON is read defensively: anything that is not an object reads as an empty one."""
    return value if isinstance(value, dict) else {}
