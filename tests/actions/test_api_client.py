"""The action server calls the api with its own ACTIONS_TOKEN (issue #15, finding 11), never with the one
shared INTERNAL_TOKEN it used to hold, which also opened /nlg and Rasa's HTTP API."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp import web

from actions.api_client import ApiClient


async def _call(client_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """What a real api would see in Authorization when the action server calls it."""
    seen: list[str | None] = []

    async def answer(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization"))
        return web.json_response({"replies": []})

    app = web.Application()
    app.router.add_post("/internal/v1/guidance/answer", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        for name in ("ACTIONS_TOKEN", "INTERNAL_TOKEN"):
            monkeypatch.delenv(name, raising=False)
        for name, value in client_env.items():
            monkeypatch.setenv(name, value)
        body: dict[str, Any] = {"conversation_id": "c1", "text": "hi"}
        await ApiClient(base_url=f"http://127.0.0.1:{port}").post("/internal/v1/guidance/answer", body)
    finally:
        await runner.cleanup()
    return seen


def test_the_action_server_sends_its_own_token(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"ACTIONS_TOKEN": "actions-secret", "INTERNAL_TOKEN": "old-shared-secret"}
    assert asyncio.run(_call(env, monkeypatch)) == ["Bearer actions-secret"]


def test_the_old_shared_token_is_not_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = asyncio.run(_call({"INTERNAL_TOKEN": "old-shared-secret"}, monkeypatch))
    assert len(seen) == 1 and "old-shared-secret" not in (seen[0] or "")
