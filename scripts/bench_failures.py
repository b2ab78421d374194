"""Failure bench of the production shape (issue #16 item 5), against a running `make run-prod` on loopback whose
LINE and Telegram point at the fake platforms this script starts (BENCH_LINE_PORT, BENCH_TELEGRAM_PORT).

Conversations write at a steady pace through the LINE and Telegram webhooks and the widget API; meanwhile, in
turn, one api worker, one Rasa replica, one action server and the channel-workers process get SIGKILL (run-prod
and uvicorn's supervisor start them again), and every PostgreSQL backend of the stack is terminated (the
pools must reconnect). Webhooks that fail are delivered again with the same event id, as LINE and Telegram do;
a widget message that fails is sent again once, as a person pressing "retry" would. The fake LINE refuses a
reused reply token (400) and a reused X-Line-Retry-Key (409), as LINE does.

After the queue drains it counts, from the database and from what the fake platforms delivered:
  lost           a message written that is not in its conversation, or a stored reply that never reached the user
  duplicates     a message stored twice, or a reply delivered twice
  out of order   a conversation whose messages (or delivered replies) are not in the order they were written
  unanswered     a message with no reply before the person's next message
and prints them with the latency around each fault. Prints figures; asserts nothing; bounded in time; loopback.

    .venv/bin/python scripts/bench_failures.py

Environment: API_URL, LINE_CHANNEL_SECRET, TELEGRAM_WEBHOOK_SECRET, BENCH_LINE_PORT, BENCH_TELEGRAM_PORT,
RASA_URLS, ACTIONS_PORT, DATABASE_URL (the stack's), FAILURE_USERS (per channel, default 4),
FAILURE_INTERVAL (seconds between one user's messages, default 3), FAULT_GAP (seconds between faults, 18),
FAULT_ROUNDS (how many times the five faults come round, default 2).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import secrets
import signal
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.channels.line.signature import sign
from scripts.bench_prod import API, SECRET, pct, processes
from tests.channels.fakes import FakeLine, FakeTelegram
from tests.channels.payloads import line_body, line_text, telegram_text

TG_SECRET = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")
USERS = int(os.environ.get("FAILURE_USERS", "4"))
INTERVAL = float(os.environ.get("FAILURE_INTERVAL", "3"))
GAP = float(os.environ.get("FAULT_GAP", "18"))
ROUNDS = int(os.environ.get("FAULT_ROUNDS", "2"))
FAULTS = ["api worker", "rasa replica", "action server", "channel workers", "postgresql backends"] * ROUNDS
TEXTS = ["hello", "how do I renew my visa", "thank you", "what is the specified skilled worker visa"]
RUN = secrets.token_hex(3)
MARK = re.compile(r"\(#(\d+)\)\s*$")


@dataclass
class Sent:
    seq: int
    at: float  # when first posted
    acked: float = 0.0
    redeliveries: int = 0


@dataclass
class User:
    channel: str
    key: str  # LINE user id, Telegram chat id, or widget conversation id
    sent: list[Sent] = field(default_factory=list)
    token: str = ""  # widget bearer token


def message_text(seq: int) -> str:
    return f"{TEXTS[seq % len(TEXTS)]} (#{seq})"


async def deliver(client: httpx.AsyncClient, url: str, content: bytes, headers: dict[str, str], sent: Sent) -> None:
    """Post a webhook until it is acknowledged (200), as the platforms redeliver; at most 60 s."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            response = await client.post(url, content=content, headers=headers)
            if response.status_code == 200:
                sent.acked = time.monotonic()
                return
        except httpx.HTTPError:
            pass
        sent.redeliveries += 1
        await asyncio.sleep(1.0)


async def line_user(client: httpx.AsyncClient, user: User, count: int, tokens: dict[str, str]) -> None:
    for seq in range(count):
        event = line_text(message_text(seq), f"01F{RUN}{user.key[-6:]}{seq:06d}")
        event["source"] = {"type": "user", "userId": user.key}
        event["replyToken"] = f"fail-{RUN}-{user.key[-6:]}-{seq}"
        tokens[event["replyToken"]] = user.key
        raw = json.dumps(line_body(event)).encode()
        sent = Sent(seq, time.monotonic())
        user.sent.append(sent)
        await deliver(client, "/webhooks/line", raw, {"X-Line-Signature": sign(SECRET, raw)}, sent)
        await asyncio.sleep(INTERVAL)


async def telegram_user(client: httpx.AsyncClient, user: User, count: int, first_update: int) -> None:
    chat = int(user.key)
    for seq in range(count):
        update = telegram_text(message_text(seq), first_update + seq)
        update["message"]["chat"]["id"] = chat
        update["message"]["from"]["id"] = chat
        update["message"]["message_id"] = seq + 1
        raw = json.dumps(update).encode()
        sent = Sent(seq, time.monotonic())
        user.sent.append(sent)
        headers = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET, "Content-Type": "application/json"}
        await deliver(client, "/webhooks/telegram", raw, headers, sent)
        await asyncio.sleep(INTERVAL)


async def widget_user(client: httpx.AsyncClient, user: User, count: int, replies: dict[str, list[float]]) -> None:
    url = f"/api/v1/widget/conversations/{user.key}/messages"
    for seq in range(count):
        sent = Sent(seq, time.monotonic())
        user.sent.append(sent)
        for _attempt in range(2):  # the person presses "retry" once when sending failed
            try:
                response = await client.post(
                    url, json={"text": message_text(seq)}, headers={"Authorization": f"Bearer {user.token}"}
                )
                if response.status_code == 200:
                    sent.acked = time.monotonic()
                    replies[user.key].append(sent.acked - sent.at)
                    break
            except httpx.HTTPError:
                pass
            sent.redeliveries += 1
            await asyncio.sleep(1.0)
        await asyncio.sleep(INTERVAL)


def terminate_backends(database_url: str) -> int:
    """Every backend of the stack's databases but this one: what a PostgreSQL restart does to the pools."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname IN (current_database(), :rasa) AND pid <> pg_backend_pid()"
            ),
            {"rasa": os.environ.get("RASA_TRACKER_DB", "kakehashi_rasa")},
        ).scalar_one()
    engine.dispose()
    return int(killed)


def fault(name: str) -> str:
    """Inflict one fault; say what was hit."""
    procs = processes()
    if name == "postgresql backends":
        return f"{terminate_backends(os.environ['DATABASE_URL'])} backends terminated"
    role = {"api worker": "api worker", "channel workers": "channel workers"}.get(name)
    if name == "rasa replica":
        role = "rasa :" + os.environ["RASA_URLS"].split(",")[-1].rsplit(":", 1)[1]
    if name == "action server":
        port = int(os.environ.get("ACTIONS_PORT", "5055")) + len(os.environ["RASA_URLS"].split(",")) - 1
        role = f"actions :{port}"
    victims = [pid for r, pid, _, _ in procs if r == role]
    if not victims:
        return f"no process with role {role!r} found"
    os.kill(victims[0], signal.SIGKILL)
    return f"pid {victims[0]} ({role}) killed"


async def back_up(client: httpx.AsyncClient, name: str, at: float, back: dict[tuple[str, float], float]) -> None:
    """How long until what was killed serves again: as many processes in its role as before (uvicorn's
    supervisor and run-prod start new ones), and for a Rasa replica its readiness as the api sees it."""
    if name == "postgresql backends":
        return
    replicas = os.environ["RASA_URLS"].split(",")
    expected = {"api worker": int(os.environ.get("API_WORKERS", "2")), "action server": len(replicas)}.get(name, 1)
    while time.monotonic() - at < max(3 * GAP, 120):  # a Rasa replica takes a minute or more to start here
        await asyncio.sleep(0.5)
        if name == "rasa replica":
            try:
                ready = (await client.get("/readyz")).json().get("rasa_replicas", {})
            except (httpx.HTTPError, ValueError):
                continue
            if ready.get(replicas[-1]) == "ok":
                back[(name, at)] = time.monotonic() - at
                return
            continue
        prefix = {"api worker": "api worker", "channel workers": "channel workers", "action server": "actions"}[name]
        if sum(1 for role, _, _, _ in processes() if role.startswith(prefix)) >= expected:
            back[(name, at)] = time.monotonic() - at
            return


def drain(database_url: str, seconds: float) -> float:
    """Wait until no inbox event and no outbox send is waiting; return how long it took."""
    engine = create_engine(database_url)
    begin = time.monotonic()
    try:
        while time.monotonic() - begin < seconds:
            with engine.connect() as conn:
                waiting = conn.execute(
                    text(
                        "SELECT (SELECT count(*) FROM channel_events WHERE status IN ('pending', 'processing'))"
                        " + (SELECT count(*) FROM channel_outbox WHERE status = 'pending')"
                    )
                ).scalar_one()
            if not waiting:
                return time.monotonic() - begin
            time.sleep(1)
        return float("nan")
    finally:
        engine.dispose()


def inversions(seqs: list[int]) -> int:
    return sum(1 for a, b in itertools.pairwise(seqs) if b < a)


_MESSAGES = "SELECT m.role, m.text, m.status FROM messages m JOIN conversations c ON c.id = m.conversation_id "
WIDGET_MESSAGES = text(_MESSAGES + "WHERE c.id = :key ORDER BY m.id")
CHANNEL_MESSAGES = text(_MESSAGES + "WHERE c.channel = :channel AND c.channel_user_id = :key ORDER BY m.id")


def stored(database_url: str, users: list[User]) -> dict[str, list[tuple[str, str, str]]]:
    """(role, text, status) of each conversation's messages in order, keyed by the user's key."""
    engine = create_engine(database_url)
    out: dict[str, list[tuple[str, str, str]]] = {}
    with engine.connect() as conn:
        for user in users:
            query = WIDGET_MESSAGES if user.channel == "widget" else CHANNEL_MESSAGES
            rows = conn.execute(query, {"key": user.key, "channel": user.channel}).all()
            out[user.key] = [(r[0], r[1], r[2]) for r in rows]
    with engine.connect() as conn:
        outbox = conn.execute(
            text("SELECT destination, status, body FROM channel_outbox WHERE destination = ANY(:keys) ORDER BY id"),
            {"keys": [u.key for u in users if u.channel != "widget"]},
        ).all()
        again = conn.execute(
            text("SELECT count(*) FROM channel_events WHERE attempts > 1 AND received_at >= now() - interval '1 hour'")
        ).scalar_one()
    engine.dispose()
    out["__outbox__"] = [(str(d), str(s), json.dumps(b)) for d, s, b in outbox]
    out["__again__"] = [("events", str(again), "")]
    return out


def outbox_texts(body: dict[str, Any]) -> list[str]:
    if "messages" in body:
        return [str(m.get("text", "")) for m in body["messages"]]
    return [str(body.get("text", ""))] if "text" in body else []


async def main() -> None:
    line_fake = FakeLine(profile_language="en", port=int(os.environ["BENCH_LINE_PORT"]))
    tg_fake = FakeTelegram(port=int(os.environ["BENCH_TELEGRAM_PORT"]))
    duration = GAP * (len(FAULTS) + 1)
    count = int(duration / INTERVAL)
    base_chat = 7_000_000_000 + secrets.randbelow(1_000_000) * 100
    users = [User("line", f"U{RUN}{i:026d}") for i in range(USERS)]
    users += [User("telegram", str(base_chat + i)) for i in range(USERS)]
    tokens: dict[str, str] = {}
    widget_replies: dict[str, list[float]] = defaultdict(list)
    faults: list[tuple[str, float, str]] = []
    back: dict[tuple[str, float], float] = {}
    try:
        async with httpx.AsyncClient(base_url=API, timeout=30) as client:
            for _ in range(2):
                created = (await client.post("/api/v1/widget/conversations", json={"locale": "en"})).json()
                users.append(User("widget", created["conversation_id"], token=created["token"]))
            begin = time.monotonic()

            async def faults_in_turn() -> None:
                watchers = []
                for name in FAULTS:
                    await asyncio.sleep(GAP)
                    what = fault(name)
                    at = time.monotonic()  # one instant: it keys the fault's recovery in `back`
                    faults.append((name, at, what))
                    print(f"  {at - begin:6.1f} s  {name}: {what}", flush=True)
                    watchers.append(asyncio.create_task(back_up(client, name, at, back)))
                await asyncio.gather(*watchers)

            print(f"failure bench: {len(users)} conversations x {count} messages, one every {INTERVAL:.0f} s")
            jobs = [faults_in_turn()]
            for i, user in enumerate(users):
                if user.channel == "line":
                    jobs.append(line_user(client, user, count, tokens))
                elif user.channel == "telegram":
                    jobs.append(telegram_user(client, user, count, 500_000_000 + i * 10_000 + secrets.randbelow(9_000)))
                else:
                    jobs.append(widget_user(client, user, count, widget_replies))
            await asyncio.gather(*jobs)
        waited = drain(os.environ["DATABASE_URL"], 240)
        await asyncio.sleep(2)  # the last sends' answers reach the fakes
        print(f"queue drained {waited:.1f} s after the last message")
        report(users, stored(os.environ["DATABASE_URL"], users), line_fake, tg_fake, tokens, faults, back)
    finally:
        line_fake.close()
        tg_fake.close()


def report(
    users: list[User],
    db: dict[str, list[tuple[str, str, str]]],
    line_fake: FakeLine,
    tg_fake: FakeTelegram,
    tokens: dict[str, str],
    faults: list[tuple[str, float, str]],
    back: dict[tuple[str, float], float],
) -> None:
    totals: dict[str, int] = defaultdict(int)
    for user in users:
        rows = db[user.key]
        seqs = [int(m.group(1)) for role, body, _ in rows if role == "user" and (m := MARK.search(body))]
        written = {s.seq for s in user.sent}
        totals[f"{user.channel} written"] += len(written)
        totals[f"{user.channel} lost"] += len(written - set(seqs))
        totals[f"{user.channel} duplicates"] += len(seqs) - len(set(seqs))
        totals[f"{user.channel} out of order"] += inversions(seqs)
        # Every message is followed by something said to the person before their next message.
        answered, waiting = 0, False
        for role, _, _ in rows:
            if role == "user":
                totals[f"{user.channel} unanswered"] += waiting
                waiting = True
            elif waiting:
                answered += 1
                waiting = False
        totals[f"{user.channel} unanswered"] += waiting
        totals[f"{user.channel} apologies (bot unavailable)"] += sum(
            1 for role, _, status in rows if role == "user" and status == "bot_unavailable"
        )
        totals[f"{user.channel} redeliveries"] += sum(s.redeliveries for s in user.sent)
    # What the platforms delivered against what the outbox says was sent, per destination, in order.
    expected: dict[str, list[str]] = defaultdict(list)
    for destination, status, body in db["__outbox__"]:
        if status == "sent":
            expected[destination].extend(outbox_texts(json.loads(body)))
        else:
            totals[f"outbox {status}"] += 1
    delivered: dict[str, list[str]] = defaultdict(list)
    for to, texts in line_fake.delivered:
        delivered[tokens.get(to, to)].extend(texts)
    for chat, texts in tg_fake.delivered:
        delivered[chat].extend(texts)
    for user in users:
        if user.channel == "widget":
            continue
        want, got = expected[user.key], delivered[user.key]
        totals[f"{user.channel} replies sent"] += len(want)
        totals[f"{user.channel} replies lost"] += max(0, len(want) - len(got))
        totals[f"{user.channel} replies duplicated"] += max(0, len(got) - len(want))
        totals[f"{user.channel} replies out of order"] += int(sorted(want) == sorted(got) and want != got)
    totals["line repeats refused by the platform"] = line_fake.refused_repeats
    totals["events handled again (a dead worker's lease lapsed)"] = int(db["__again__"][0][1])
    print("counts")
    for key in sorted(totals):
        print(f"  {key:44s} {totals[key]:6d}")
    # Latency around each fault: messages first sent within 10 s after it, webhook -> acknowledgement.
    # Webhook -> reply for LINE messages, matched by reply token (a push after the token's time has none).
    answered_at = line_fake.first_reply_at()
    reply_after: dict[tuple[str, int], float] = {}
    for user in users:
        if user.channel == "line":
            for s in user.sent:
                token = f"fail-{RUN}-{user.key[-6:]}-{s.seq}"
                if token in answered_at:
                    reply_after[(user.key, s.seq)] = answered_at[token] - s.at
    print("around each fault: messages sent in the 10 s after it; back = until the role serves again")
    for name, at, _ in faults:
        window = [(u, s) for u in users if u.channel != "widget" for s in u.sent if at <= s.at < at + 10]
        acks = [s.acked - s.at for _, s in window if s.acked]
        again = sum(s.redeliveries for _, s in window)
        replies = [reply_after[(u.key, s.seq)] for u, s in window if (u.key, s.seq) in reply_after]
        up = back.get((name, at))
        print(
            f"  {name:20s} {len(window):3d} msgs  ack max {max(acks, default=0):5.2f} s  redeliveries {again:2d}"
            f"  LINE reply p50 {pct(replies, 0.5):5.2f} s max {max(replies, default=float('nan')):5.2f} s"
            f"  back {'-' if up is None else f'{up:.1f} s'}"
        )
    steady = list(reply_after.values())
    print(f"LINE webhook -> reply overall p50 {pct(steady, 0.5):.2f} s  p95 {pct(steady, 0.95):.2f} s")
    all_acks = [s.acked - s.at for u in users if u.channel != "widget" for s in u.sent if s.acked]
    print(f"webhook acknowledgement overall p50 {pct(all_acks, 0.5):.3f} s  p95 {pct(all_acks, 0.95):.3f} s")
    widget = [s.acked - s.at for u in users if u.channel == "widget" for s in u.sent if s.acked]
    if widget:
        print(f"widget end-to-end p50 {statistics.median(widget):.3f} s  p95 {pct(widget, 0.95):.3f} s")
    bad = sum(v for k, v in totals.items() if k.endswith(("lost", "duplicates", "out of order", "duplicated")))
    print(f"RESULT lost+duplicated+out-of-order = {bad}")


if __name__ == "__main__":
    asyncio.run(main())
