"""Request helpers for the FCE routes (and the features that reuse them): caller IP and language, and
the 422 for checks the body model cannot make."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request, status

from knowledge_base.languages import accept_language, page_language


def client_ip(request: Request) -> str:
    # Behind a proxy, uvicorn's --proxy-headers puts the real client here from X-Forwarded-For.
    return request.client.host if request.client else "unknown"


def request_language(request: Request, explicit: str | None = None) -> str:
    """An explicit choice, else the first of the five in Accept-Language, else English."""
    return page_language(explicit, accept_language(request.headers.get("accept-language")))


def field_error(loc: list[Any], message: str, kind: str = "value_error") -> HTTPException:
    """A 422 shaped like FastAPI's own, for checks that need data the body model cannot see."""
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=[{"loc": loc, "msg": message, "type": kind}])
