"""The api's only way to reach Rasa: its REST channel, and its HTTP API to mirror the language slot."""

from __future__ import annotations

from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa (or the action server behind it) did not answer usably."""


class RasaClient:
    def __init__(
        self, base_url: str, timeout: float, token: str = "", transport: httpx.BaseTransport | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        # Rasa's HTTP API (not its channels) checks --auth-token, sent as a query parameter.
        self._params = {"token": token} if token else {}
        self._client = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport)

    def send(self, sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """Send one user message; return Rasa's bot messages for it."""
        try:
            response = self._client.post(
                "/webhooks/rest/webhook",
                json={"sender": sender, "message": message, "metadata": metadata},
            )
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise RasaUnavailable(str(exc)) from exc
        if not isinstance(data, list):
            raise RasaUnavailable("unexpected REST channel response")
        return [item for item in data if isinstance(item, dict)]

    def set_slot(self, sender: str, name: str, value: Any) -> None:
        try:
            response = self._client.post(
                f"/conversations/{sender}/tracker/events",
                params=self._params,
                json={"event": "slot", "name": name, "value": value},
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc)) from exc

    def ping(self) -> bool:
        try:
            return self._client.get("/", timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def close(self) -> None:
        self._client.close()
