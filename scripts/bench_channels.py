"""Channels bench (run by scripts/bench.sh through scripts/e2e.sh, so the whole stack is up).

50 users write at once over LINE, then over Telegram: prints the webhook acknowledgement latency
(p50/p95) and the time from each webhook to its first outbound send at the fake platform (p50/p95),
which includes storage, the inbox worker, Rasa, the knowledge base and the outbox worker.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.channels.line.signature import sign
from tests.channels.fakes import FakeLine, FakeTelegram, Recorded
from tests.channels.payloads import line_body, line_text, telegram_text

CONCURRENT = 50
QUESTIONS = ["Xin chào bạn", "Tôi muốn làm việc ở Nhật thì cần visa gì?", "Cảm ơn bạn nhiều"]
PT_QUESTIONS = ["Olá, tudo bem?", "Quais vistos existem para engenheiros?", "Obrigado!"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(name: str, acks: list[float], sends: list[float]) -> None:
    print(f"{name}: {len(acks)} concurrent webhooks")
    print(f"  acknowledgement  p50 {pct(acks, 0.5) * 1000:7.1f} ms   p95 {pct(acks, 0.95) * 1000:7.1f} ms")
    if sends:
        print(
            f"  webhook → send   p50 {pct(sends, 0.5) * 1000:7.1f} ms   p95 {pct(sends, 0.95) * 1000:7.1f} ms"
            f"   max {max(sends) * 1000:7.1f} ms   ({len(sends)}/{len(acks)} delivered)"
        )


async def wait_sends(
    fake: FakeLine | FakeTelegram,
    key_of: Callable[[Recorded], str | None],
    started: dict[str, float],
    seconds: float = 120,
) -> list[float]:
    deadline = time.monotonic() + seconds
    first: dict[str, float] = {}
    while time.monotonic() < deadline and len(first) < len(started):
        for record in list(fake.requests):
            key = key_of(record)
            if key is not None and key in started and key not in first:
                first[key] = record.at
        await asyncio.sleep(0.05)
    return [first[k] - started[k] for k in first]


async def bench_line(api: str, fake: FakeLine) -> None:
    secret = os.environ["LINE_CHANNEL_SECRET"]
    started: dict[str, float] = {}
    acks: list[float] = []
    tokens: dict[str, str] = {}

    async def one(client: httpx.AsyncClient, index: int) -> None:
        user = f"Ubench{index:027d}"
        event = line_text(QUESTIONS[index % len(QUESTIONS)], f"01HXBENCH{index:016d}")
        event["source"] = {"type": "user", "userId": user}
        event["replyToken"] = f"bench-reply-token-{index}"
        tokens[event["replyToken"]] = user
        raw = json.dumps(line_body(event)).encode()
        begin = time.monotonic()
        started[user] = begin
        response = await client.post("/webhooks/line", content=raw, headers={"X-Line-Signature": sign(secret, raw)})
        acks.append(time.monotonic() - begin)
        assert response.status_code == 200, response.text

    async with httpx.AsyncClient(base_url=api, timeout=30) as client:
        await asyncio.gather(*(one(client, i) for i in range(CONCURRENT)))

    def key_of(record: Recorded) -> str | None:
        body = record.body or {}
        # A reply names its token, a push its user.
        return body.get("to") or tokens.get(str(body.get("replyToken")))

    sends = await wait_sends(fake, key_of, started)
    replies = len(fake.calls(r"/reply$"))
    report("LINE", acks, sends)
    print(f"  sent by reply token: {replies}, by push: {len(fake.calls(r'/push$'))}")


async def bench_telegram(api: str, fake: FakeTelegram) -> None:
    secret = os.environ["TELEGRAM_WEBHOOK_SECRET"]
    started: dict[str, float] = {}
    acks: list[float] = []

    async def one(client: httpx.AsyncClient, index: int) -> None:
        chat = 700_000_000 + index
        update = telegram_text(PT_QUESTIONS[index % len(PT_QUESTIONS)], 5_000_000 + index)
        update["message"]["chat"]["id"] = chat
        update["message"]["from"]["id"] = chat
        begin = time.monotonic()
        started[str(chat)] = begin
        response = await client.post(
            "/webhooks/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
        )
        acks.append(time.monotonic() - begin)
        assert response.status_code == 200, response.text

    async with httpx.AsyncClient(base_url=api, timeout=30) as client:
        await asyncio.gather(*(one(client, i) for i in range(CONCURRENT)))
    sends = await wait_sends(fake, lambda r: str((r.body or {}).get("chat_id")), started)
    report("Telegram", acks, sends)


async def main() -> None:
    api = os.environ["E2E_API_URL"]
    line = FakeLine(profile_language="vi", port=int(os.environ["E2E_LINE_PORT"]))
    telegram = FakeTelegram(port=int(os.environ["E2E_TELEGRAM_PORT"]))
    try:
        await bench_line(api, line)
        await bench_telegram(api, telegram)
    finally:
        line.close()
        telegram.close()


if __name__ == "__main__":
    asyncio.run(main())
