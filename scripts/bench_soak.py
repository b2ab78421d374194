"""Soak (issue #15): mixed traffic for SOAK_MINUTES (default 30) against the whole stack, then what grew.

Run by `make soak` through scripts/e2e.sh (not in `make bench` or CI: it takes half an hour). Four
clients loop over what people do: chat in the five languages (greetings, knowledge questions, a
points form started and left), FCE applications and status checks, the public verifier, knowledge
search. Every SOAK_SAMPLE_SECONDS it samples the api worker's resident memory and open file
descriptors; at the end it prints their growth, the rows added per store, and a dry-run purge
(rows the retention periods would remove now, and how long counting took).

Figures are printed, never asserted: these machines are noisy. Loopback only, bounded in time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, inspect, select, table

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_chat import api_process

from tests.fce.conftest import application

API = os.environ["E2E_API_URL"]
MINUTES = float(os.environ.get("SOAK_MINUTES", "30"))
SAMPLE_SECONDS = float(os.environ.get("SOAK_SAMPLE_SECONDS", "60"))
CLIENTS = 4
CHAT = [
    "hello",
    "how do I renew my visa",
    "ビザの更新はいつからできますか",
    "làm sao để gia hạn visa",
    "भिसा नवीकरण कहिले गर्न सकिन्छ",
    "como renovar meu visto",
    "how many points would I get?",
    "stop",
    "thank you",
]


def chat_round(client: httpx.Client) -> int:
    """One short conversation: a new widget session and every text of CHAT once."""
    created = client.post("/api/v1/widget/conversations", json={}).json()
    url = f"/api/v1/widget/conversations/{created['conversation_id']}/messages"
    headers = {"Authorization": f"Bearer {created['token']}"}
    for text in CHAT:
        client.post(url, json={"text": text}, headers=headers).raise_for_status()
    return len(CHAT)


CASES: list[tuple[str, str]] = []  # (reference, access code) of the applications made so far


def fce_round(client: httpx.Client, limited: Counter[str]) -> int:
    """An application (or, once the per-address limit refuses new ones, an earlier case), its status,
    one wrong code for a new case, the verifier on a non-credential, a knowledge search."""
    made = client.post("/api/v1/fce/cases", json=application())
    if made.status_code == 429 and CASES:
        limited["fce applications refused by the per-address limit (429)"] += 1
        reference, code = CASES[len(CASES) and int(time.monotonic() * 1000) % len(CASES)]
    else:
        made.raise_for_status()
        reference, code = made.json()["reference"], made.json()["access_code"]
        CASES.append((reference, code))
        client.get(f"/api/v1/fce/cases/{reference}", headers={"X-Access-Code": "WRONG-CODE-XXXX"})
    checked = client.get(f"/api/v1/fce/cases/{reference}", headers={"X-Access-Code": code})
    if checked.status_code == 429:
        limited["status checks refused by the per-address limit (429)"] += 1
    else:
        checked.raise_for_status()
    client.post("/api/v1/verify", json={"credential": "eyJhbGciOiJub25lIn0.e30."})
    client.get("/api/v1/knowledge/search", params={"q": "student visa part-time work", "lang": "en"})
    return 5


def client_loop(index: int, deadline: float, done: Counter[str], errors: Counter[str], limited: Counter[str]) -> None:
    with httpx.Client(base_url=API, timeout=60) as client:
        turn = 0
        while time.monotonic() < deadline:
            kind = "fce" if (turn + index) % 3 == 0 else "chat"
            try:
                done[kind] += fce_round(client, limited) if kind == "fce" else chat_round(client)
            except httpx.HTTPError as error:
                errors[f"{kind}: {type(error).__name__}"] += 1
                time.sleep(1)
            turn += 1


def sample() -> tuple[float, int] | None:
    """(resident MiB, open file descriptors) of the api worker, or None when it is not found."""
    proc = api_process()
    if proc is None:
        return None
    try:
        rss = next(int(line.split()[1]) for line in (proc / "status").read_text().splitlines() if line[:6] == "VmRSS:")
        return rss / 1024, len(os.listdir(proc / "fd"))
    except (OSError, StopIteration):
        return None


def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            names = [n for n in inspect(connection).get_table_names() if n != "alembic_version"]
            return {n: int(connection.execute(select(func.count()).select_from(table(n))).scalar() or 0) for n in names}
    finally:
        engine.dispose()


def main() -> int:
    database = os.environ["DATABASE_URL"]
    rows_before = row_counts(database)
    deadline = time.monotonic() + MINUTES * 60
    done: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    limited: Counter[str] = Counter()
    threads = [threading.Thread(target=client_loop, args=(i, deadline, done, errors, limited)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    samples: list[tuple[float, float, int]] = []
    started = time.monotonic()
    while any(thread.is_alive() for thread in threads):
        found = sample()
        if found is not None:
            samples.append((time.monotonic() - started, *found))
            print(f"  t={samples[-1][0] / 60:5.1f} min  rss {found[0]:7.1f} MiB  fds {found[1]}", flush=True)
        time.sleep(SAMPLE_SECONDS)
    for thread in threads:
        thread.join()

    elapsed = time.monotonic() - started
    print(f"soak: {MINUTES:g} min, {CLIENTS} clients, {sum(done.values())} requests ({dict(done)}) in {elapsed:.0f} s")
    print(f"  errors: {dict(errors) or 0}; expected refusals: {dict(limited) or 0}")
    if len(samples) >= 2:
        first, last = samples[0], samples[-1]
        peak = max(s[1] for s in samples)
        growth = last[1] - first[1]
        print(f"  api resident memory {first[1]:.0f} -> {last[1]:.0f} MiB (peak {peak:.0f}; growth {growth:+.0f} MiB)")
        print(f"  api open file descriptors {first[2]} -> {last[2]} (peak {max(s[2] for s in samples)})")
    rows_after = row_counts(database)
    grown = {n: rows_after[n] - rows_before.get(n, 0) for n in rows_after if rows_after[n] != rows_before.get(n, 0)}
    print(f"  rows added per store: {dict(sorted(grown.items(), key=lambda kv: -kv[1]))}")
    start = time.perf_counter()
    purge = subprocess.run(
        [sys.executable, "-m", "api", "purge", "--dry-run"], capture_output=True, text=True, check=False
    )
    print(f"  purge --dry-run ({(time.perf_counter() - start):.1f} s, exit {purge.returncode}):")
    print("\n".join(f"    {line}" for line in purge.stdout.strip().splitlines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
