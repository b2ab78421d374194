"""The action server's only dependency: the api's internal endpoints, called with ACTIONS_TOKEN.

That token is the action server's own: it opens /internal/v1/... and nothing else (not /nlg, not
Rasa's HTTP API), so a leak from this process does not reach the other callers' routes.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from typing import Any, Optional

import aiohttp

DEFAULT_TIMEOUT_SECONDS = 8.0


class ApiError(Exception):
    """The api did not answer usably; the action falls back to a polite message.

    `status` is the HTTP status when the api answered (None when it could not be reached), and
    `detail` its JSON body's "detail" (a 422 names the field), so callers can tell a retry from a bug.
    """

    def __init__(self, message: str, status: Optional[int] = None, detail: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail


class ApiClient:
    def __init__(self, base_url: str | None = None, token: str | None = None, timeout: float | None = None) -> None:
        self.base_url = (base_url or os.environ.get("API_URL", "http://127.0.0.1:8000")).rstrip("/")
        self.token = token if token is not None else os.environ.get("ACTIONS_TOKEN", "")
        self.timeout = aiohttp.ClientTimeout(total=timeout or DEFAULT_TIMEOUT_SECONDS)

    async def post(
        self,
        path: str,
        body: dict[str, Any],
        headers: Optional[Mapping[str, str]] = None,
        expect: Collection[int] = (200,),
    ) -> dict[str, Any]:
        sent = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        try:
            async with (
                aiohttp.ClientSession(timeout=self.timeout) as session,
                session.post(self.base_url + path, json=body, headers=sent) as response,
            ):
                if response.status not in expect:
                    raise ApiError(f"{path} answered {response.status}", response.status, await _detail(response))
                data = await response.json()
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise ApiError(str(exc)) from exc
        if not isinstance(data, dict):
            raise ApiError(f"{path} answered a non-object")
        return data


async def _detail(response: aiohttp.ClientResponse) -> Any:
    try:
        data = await response.json()
    except (aiohttp.ClientError, ValueError):
        return None
    return data.get("detail") if isinstance(data, dict) else None
