"""Production-shape bench against a running `make run-prod` on loopback (LINE on, pointed at a fake LINE API on
BENCH_LINE_PORT that this script starts). Prints figures, asserts nothing; every loop is bounded in count
and time, every request goes to 127.0.0.1.

    .venv/bin/python scripts/bench_prod.py load       # widget p50/p95, LINE burst of 50, messages/s, memory
    .venv/bin/python scripts/bench_prod.py kill-rasa  # kill -9 one Rasa replica mid-stream; recovery, losses

Environment: API_URL, LINE_CHANNEL_SECRET, BENCH_LINE_PORT (run-prod's), RASA_URLS.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.channels.line.signature import sign
from api.conversations.responses import ResponseTemplates
from api.core.config import REPO_ROOT
from api.core.i18n import load_catalogs
from tests.channels.fakes import FakeLine
from tests.channels.payloads import line_body, line_text

API = os.environ.get("API_URL", "http://127.0.0.1:8000")
SECRET = os.environ["LINE_CHANNEL_SECRET"]
TEXTS = ["Xin chào bạn", "Tôi muốn làm việc ở Nhật thì cần visa gì?", "Cảm ơn bạn nhiều", "làm sao để gia hạn visa"]
WIDGET_TEXTS = ["hello", "how do I renew my visa", "こんにちは", "xin chào", "thank you", "olá"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


# Event ids and users of this run only: the inbox drops a redelivered event id, so a second run must not reuse them.
RUN = secrets.token_hex(4)


def line_event(user: int, seq: int) -> dict[str, Any]:
    event = line_text(TEXTS[(user + seq) % len(TEXTS)], f"01HX{RUN}{user:06d}{seq:06d}")
    event["source"] = {"type": "user", "userId": f"U{RUN}{user:024d}"}
    event["replyToken"] = f"prod-{RUN}-{user}-{seq}"
    return event


async def post_line(client: httpx.AsyncClient, event: dict[str, Any]) -> float:
    raw = json.dumps(line_body(event)).encode()
    begin = time.monotonic()
    response = await client.post("/webhooks/line", content=raw, headers={"X-Line-Signature": sign(SECRET, raw)})
    assert response.status_code == 200, response.text
    return time.monotonic() - begin


def replies_by_token(fake: FakeLine) -> dict[str, tuple[float, str]]:
    out: dict[str, tuple[float, str]] = {}
    for record in list(fake.requests):
        body = record.body or {}
        token = body.get("replyToken")
        if token and token not in out:
            texts = " ".join(str(m.get("text", "")) for m in body.get("messages", []))
            out[str(token)] = (record.at, texts)
    return out


async def wait_replies(fake: FakeLine, tokens: set[str], seconds: float) -> dict[str, tuple[float, str]]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = replies_by_token(fake)
        if tokens <= set(got):
            return got
        await asyncio.sleep(0.05)
    return replies_by_token(fake)


def store_counters() -> dict[str, float]:
    """PostgreSQL rows written and transactions committed (the api's and Rasa's databases), and commands Redis
    processed: read before and after a phase, they give the writes per message the capacity model scales."""
    import psycopg
    import redis

    url = os.environ["DATABASE_URL"]
    out: dict[str, float] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_force_next_flush()")
        for name in (url.rsplit("/", 1)[1], os.environ.get("RASA_TRACKER_DB", "kakehashi_rasa")):
            row = conn.execute(
                "SELECT tup_inserted + tup_updated + tup_deleted, xact_commit FROM pg_stat_database WHERE datname = %s",
                (name,),
            ).fetchone()
            if row is not None:
                out[f"{name} rows written"], out[f"{name} commits"] = float(row[0]), float(row[1])
    stats = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")).info("stats")
    out["redis commands"] = float(stats["total_commands_processed"])  # type: ignore[index]
    return out


def widget_latencies(rounds: int = 15, concurrency: int = 4) -> list[float]:
    def one(_: int) -> list[float]:
        with httpx.Client(base_url=API, timeout=30) as client:
            created = client.post("/api/v1/widget/conversations", json={"locale": "en"}).json()
            url = f"/api/v1/widget/conversations/{created['conversation_id']}/messages"
            headers = {"Authorization": f"Bearer {created['token']}"}
            timings = []
            for i in range(rounds):
                start = time.perf_counter()
                client.post(url, json={"text": WIDGET_TEXTS[i % len(WIDGET_TEXTS)]}, headers=headers).raise_for_status()
                timings.append(time.perf_counter() - start)
            return timings

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(concurrency) as pool:
        return [t for ts in pool.map(one, range(concurrency)) for t in ts]


def processes() -> list[tuple[str, int, float, float]]:
    """(role, pid, RSS MiB, CPU seconds) of this run-prod's processes (found by their ports)."""
    ticks = os.sysconf("SC_CLK_TCK")
    api_port = API.rsplit(":", 1)[1]
    rasa_ports = {url.rsplit(":", 1)[1] for url in os.environ.get("RASA_URLS", "").split(",") if url}
    actions_base = int(os.environ.get("ACTIONS_PORT", "5055"))
    actions_ports = {str(actions_base + i) for i in range(len(rasa_ports))}
    out = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            rss = next(
                int(line.split()[1]) for line in (proc / "status").read_text().splitlines() if line.startswith("VmRSS:")
            )
        except (OSError, StopIteration):
            continue
        role = None
        if cmd.startswith("timeout "):
            continue  # a wrapper, not a process of the stack
        port = cmd.split("--port ")[1].split()[0] if "--port " in cmd else ""
        if "rasa_server.py run" in cmd and "endpoints.prod.yml" in cmd and port in rasa_ports:
            role = "rasa :" + port
        elif "rasa_sdk" in cmd and port in actions_ports:
            role = "actions :" + port
        elif "-m api workers" in cmd:
            role = "channel workers"
        elif "multiprocessing.spawn" in cmd or "multiprocessing.resource_tracker" in cmd:
            parent = (proc / "stat").read_text().rsplit(")", 1)[1].split()[1]
            try:
                pcmd = Path(f"/proc/{parent}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            role = "api worker" if "uvicorn" in pcmd and f"--port {api_port}" in pcmd and "spawn" in cmd else None
        elif "uvicorn" in cmd and "api.main:create_app" in cmd and port == api_port:
            role = "api supervisor"
        if role:
            cpu = (int(stat[11]) + int(stat[12])) / ticks
            out.append((role, int(proc.name), rss / 1024, cpu))
    return sorted(out)


async def load() -> None:
    fake = FakeLine(profile_language="vi", port=int(os.environ["BENCH_LINE_PORT"]))
    try:
        widget_latencies(rounds=3)  # warm-up
        widget = widget_latencies()
        print(f"widget, 4 conversations at once, {len(widget)} messages")
        print(f"  p50 {statistics.median(widget) * 1000:7.1f} ms   p95 {pct(widget, 0.95) * 1000:7.1f} ms")
        cpu_before = {pid: cpu for _, pid, _, cpu in processes()}
        time.sleep(1.5)  # let the stats of the widget phase land before the first reading
        stores_before = store_counters()
        line_messages = 0
        async with httpx.AsyncClient(base_url=API, timeout=30) as client:
            # A burst of 50 users, one message each.
            events = [line_event(u, 0) for u in range(50)]
            sent_at = {e["replyToken"]: time.monotonic() for e in events}
            acks = await asyncio.gather(*(post_line(client, e) for e in events))
            got = await wait_replies(fake, set(sent_at), 120)
            lat = [got[t][0] - sent_at[t] for t in sent_at if t in got]
            ack50, ack95 = pct(acks, 0.5) * 1000, pct(acks, 0.95) * 1000
            print(f"LINE burst of 50: acknowledgement p50 {ack50:.0f} ms p95 {ack95:.0f} ms")
            print(
                f"  webhook -> reply  p50 {pct(lat, 0.5):.2f} s  p95 {pct(lat, 0.95):.2f} s  p99 {pct(lat, 0.99):.2f} s"
                f"  ({len(lat)}/50 replied)"
            )
            # Throughput: 50 users x 4 messages, each user's next message after the previous one's reply.
            users, per_user = 50, 4
            begin = time.monotonic()

            async def user(u: int) -> int:
                done = 0
                for seq in range(1, per_user + 1):
                    event = line_event(u, seq)
                    await post_line(client, event)
                    got_one = await wait_replies(fake, {event["replyToken"]}, 60)
                    done += event["replyToken"] in got_one
                return done

            answered = sum(await asyncio.gather(*(user(u) for u in range(users))))
            elapsed = time.monotonic() - begin
            rate = answered / elapsed
            print(f"throughput: {answered}/{users * per_user} messages answered in {elapsed:.1f} s = {rate:.1f} msg/s")
            line_messages = len(events) + users * per_user
        cpu_after = processes()
        time.sleep(1.5)  # PostgreSQL's statistics are flushed about once a second
        stores_after = store_counters()
        print(f"stores per LINE message ({line_messages} messages; Redis counts every client of the server)")
        for key in stores_before:
            print(f"  {key:34s} {(stores_after.get(key, 0) - stores_before[key]) / max(line_messages, 1):7.1f}")
        print("processes (RSS MiB, CPU s during the LINE phases, CPU ms per LINE message)")
        total = 0.0
        for role, pid, rss, cpu in cpu_after:
            used = cpu - cpu_before.get(pid, 0.0)
            total += used
            per = used * 1000 / max(line_messages, 1)
            print(f"  {role:18s} pid {pid:7d}  {rss:7.0f} MiB  {used:6.1f} s  {per:6.1f} ms")
        print(f"  all processes: {total * 1000 / max(line_messages, 1):.1f} CPU ms per LINE message")
    finally:
        fake.close()


async def kill_rasa() -> None:
    """6 LINE users write every 2 s for 50 s (below what one replica clears here); at 15 s the last Rasa replica
    gets SIGKILL (run-prod restarts it)."""
    fake = FakeLine(profile_language="vi", port=int(os.environ["BENCH_LINE_PORT"]))
    catalogs = load_catalogs(REPO_ROOT / "locales")
    apology = ResponseTemplates(REPO_ROOT / "bot" / "domain").render("utter_bot_unavailable", "vi", catalogs).text
    port = os.environ["RASA_URLS"].split(",")[-1].rsplit(":", 1)[1]
    victim = next(pid for role, pid, _, _ in processes() if role == f"rasa :{port}")
    sent: dict[str, float] = {}
    killed_at = 0.0
    try:
        async with httpx.AsyncClient(base_url=API, timeout=30) as client:
            begin = time.monotonic()

            async def user(u: int) -> None:
                for seq in range(25):
                    event = line_event(1000 + u, seq)
                    sent[event["replyToken"]] = time.monotonic()
                    await post_line(client, event)
                    await asyncio.sleep(2.0)

            async def killer() -> None:
                nonlocal killed_at
                await asyncio.sleep(15)
                os.kill(victim, signal.SIGKILL)
                killed_at = time.monotonic()
                print(f"kill -9 Rasa replica :{port} (pid {victim}) at {killed_at - begin:.1f} s")

            back_at: list[float] = []

            async def watcher() -> None:
                # /readyz probes every replica: when does the killed one answer again (run-prod restarts it)?
                url = os.environ["RASA_URLS"].split(",")[-1]
                while time.monotonic() - begin < 150 and not back_at:
                    await asyncio.sleep(1)
                    if not killed_at:
                        continue
                    with contextlib.suppress(httpx.HTTPError, ValueError):
                        replicas = (await client.get("/readyz")).json().get("rasa_replicas", {})
                        if replicas.get(url) == "ok":
                            back_at.append(time.monotonic())

            await asyncio.gather(killer(), watcher(), *(user(u) for u in range(6)))
            got = await wait_replies(fake, set(sent), 120)
        apologies = sorted(sent[t] - killed_at for t, (_, text) in got.items() if apology in text)
        lost = [t for t in sent if t not in got]  # no reply within 120 s of the last message
        lat_after = [got[t][0] - sent[t] for t in sent if t in got and sent[t] > killed_at]
        print(f"messages {len(sent)}, replied {len(got)}, lost {len(lost)}, apologies {len(apologies)}")
        if apologies:
            print(f"  apologies for messages sent {apologies[0]:.2f} s .. {apologies[-1]:.2f} s after the kill")
        if back_at:
            print(f"  killed replica healthy again (run-prod restarted it) {back_at[0] - killed_at:.1f} s later")
        print(f"  after the kill: webhook -> reply p50 {pct(lat_after, 0.5):.2f} s p95 {pct(lat_after, 0.95):.2f} s")
    finally:
        fake.close()


if __name__ == "__main__":
    asyncio.run({"load": load, "kill-rasa": kill_rasa}[sys.argv[1]]())
