"""The action server's only dependency: the api's internal endpoints, called with the service token."""

from __future__ import annotations

import os
from typing import Any

import aiohttp

DEFAULT_TIMEOUT_SECONDS = 8.0


class ApiError(Exception):
    """The api did not answer usably; the action falls back to a polite message."""


class ApiClient:
    def __init__(self, base_url: str | None = None, token: str | None = None, timeout: float | None = None) -> None:
        self.base_url = (base_url or os.environ.get("API_URL", "http://127.0.0.1:8000")).rstrip("/")
        self.token = token if token is not None else os.environ.get("INTERNAL_TOKEN", "")
        self.timeout = aiohttp.ClientTimeout(total=timeout or DEFAULT_TIMEOUT_SECONDS)

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            async with (
                aiohttp.ClientSession(timeout=self.timeout) as session,
                session.post(self.base_url + path, json=body, headers=headers) as response,
            ):
                if response.status != 200:
                    raise ApiError(f"{path} answered {response.status}")
                data = await response.json()
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise ApiError(str(exc)) from exc
        if not isinstance(data, dict):
            raise ApiError(f"{path} answered a non-object")
        return data
