"""The api's only way to reach Rasa: its REST channel, and its HTTP API to mirror the language slot.

With several replicas (`RASA_URLS`), each conversation goes to one of them by consistent hashing
(api/conversations/rasa_pool.py). A replica that refuses the connection is marked down and the same
call goes to the next live replica at once: nothing was delivered, so nothing can happen twice. A
replica that drops a request it had already received (killed mid-answer) is marked down too, but that
one message is not sent again — Rasa may have acted on it — and the caller apologises instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from api.conversations.rasa_pool import ReplicaPool
from api.core import metrics

log = logging.getLogger(__name__)

# The request never reached the replica: safe to send it to another one.
NOT_DELIVERED = (httpx.ConnectError, httpx.ConnectTimeout)
# The replica went away while it had the request: it is down, but the request may have been handled.
DROPPED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


class RasaUnavailable(Exception):
    """Rasa (or the action server behind it) did not answer usably."""


class RasaClient:
    def __init__(
        self,
        base_url: str | Sequence[str],
        timeout: float,
        token: str = "",
        transport: httpx.BaseTransport | None = None,
        retry_seconds: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        urls = [base_url] if isinstance(base_url, str) else list(base_url)
        self.pool = ReplicaPool([url.rstrip("/") for url in urls], retry_seconds, clock)
        self.base_url = self.pool.urls[0]
        # Rasa's HTTP API (not its channels) checks --auth-token, sent as a query parameter: RASA_ADMIN_TOKEN,
        # which only the api holds (not the action server, not Rasa's NLG calls).
        self._params = {"token": token} if token else {}
        self._client = httpx.Client(timeout=timeout, transport=transport)

    def replica_for(self, sender: str) -> str:
        """The replica that serves `sender` now."""
        return self.pool.candidates(sender)[0]

    def send(self, sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """Send one user message; return Rasa's bot messages for it."""
        response = self._call(
            "message",
            sender,
            "/webhooks/rest/webhook",
            json={"sender": sender, "message": message, "metadata": metadata},
        )
        try:
            data = response.json()
        except ValueError as exc:
            raise RasaUnavailable("REST channel answered no JSON") from exc
        if not isinstance(data, list):
            raise RasaUnavailable("unexpected REST channel response")
        return [item for item in data if isinstance(item, dict)]

    def set_slot(self, sender: str, name: str, value: Any) -> None:
        self._call(
            "set_slot",
            sender,
            f"/conversations/{sender}/tracker/events",
            params=self._params,
            json={"event": "slot", "name": name, "value": value},
        )

    def _call(self, call: str, sender: str, path: str, **kwargs: Any) -> httpx.Response:
        last: Exception | None = None
        for url in self.pool.candidates(sender):
            replica = str(self.pool.index(url))
            started = time.perf_counter()
            try:
                response = self._client.post(url + path, **kwargs)
                response.raise_for_status()
            except NOT_DELIVERED as exc:
                metrics.RASA_ERRORS.labels(call, replica).inc()
                self._down(url, exc)
                last = exc
                continue  # never delivered: the next live replica takes the conversation
            except DROPPED as exc:
                metrics.RASA_ERRORS.labels(call, replica).inc()
                self._down(url, exc)
                raise RasaUnavailable(f"replica {replica} dropped the request: {type(exc).__name__}") from exc
            except httpx.HTTPError as exc:
                metrics.RASA_ERRORS.labels(call, replica).inc()
                raise RasaUnavailable(str(exc)) from exc
            metrics.RASA_CALL.labels(call, replica).observe(time.perf_counter() - started)
            self.pool.mark_up(url)
            return response
        raise RasaUnavailable(f"no Rasa replica reachable: {type(last).__name__}")

    def _down(self, url: str, exc: Exception) -> None:
        if self.pool.mark_down(url):
            metrics.RASA_FAILOVERS.labels(str(self.pool.index(url))).inc()
            log.warning("rasa replica %s marked down (%s)", self.pool.index(url), type(exc).__name__)

    def append_events(self, sender: str, events: list[dict[str, Any]]) -> None:
        """Events appended to the tracker in one call (slots given back when a paused form resumes)."""
        self._call("append_events", sender, f"/conversations/{sender}/tracker/events", params=self._params, json=events)

    def execute(self, sender: str, action: str) -> list[dict[str, Any]]:
        """Run one action (a form, to resume it) and return the bot messages it produced."""
        response = self._call(
            "execute", sender, f"/conversations/{sender}/execute", params=self._params, json={"name": action}
        )
        try:
            data = response.json()
        except ValueError as exc:
            raise RasaUnavailable("execute answered no JSON") from exc
        messages = data.get("messages") if isinstance(data, dict) else None
        return [item for item in messages or [] if isinstance(item, dict)]

    def ping(self) -> bool:
        """Probe every replica (marking each up or down); True while at least one can serve."""
        return any(state == "ok" for state in self.replicas().values())

    def replicas(self) -> dict[str, str]:
        states: dict[str, str] = {}
        for url in self.pool.urls:
            try:
                healthy = self._client.get(url + "/", timeout=2.0).status_code == 200
            except httpx.HTTPError:
                healthy = False
            if healthy:
                self.pool.mark_up(url)
            else:
                self._down(url, RasaUnavailable("health check failed"))
            states[url] = "ok" if healthy else "unavailable"
        return states

    def close(self) -> None:
        self._client.close()
