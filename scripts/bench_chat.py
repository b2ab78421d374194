"""End-to-end latency: widget messages through the api vs the same texts straight to Rasa's REST
channel, 4 conversations at once; and the api's resident memory. Needs the stack (scripts/e2e.sh).

The figures are printed, never asserted: these machines are noisy.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

API = os.environ["E2E_API_URL"]
RASA = os.environ["E2E_RASA_URL"]
CONCURRENCY = 4
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
TEXTS = [
    "hello",
    "こんにちは",
    "xin chào",
    "नमस्ते",
    "olá",
    "thank you",
    "can you speak another language",
    "are you a bot?",
    "how do I renew my visa",
    "ビザの更新はいつからできますか",
    "làm sao để gia hạn visa",
    "भिसा नवीकरण कहिले गर्न सकिन्छ",
    "como renovar meu visto",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def widget_worker(_: int) -> list[float]:
    with httpx.Client(base_url=API, timeout=30) as client:
        created = client.post("/api/v1/widget/conversations", json={}).json()
        url = f"/api/v1/widget/conversations/{created['conversation_id']}/messages"
        headers = {"Authorization": f"Bearer {created['token']}"}
        timings = []
        for i in range(ROUNDS):
            start = time.perf_counter()
            response = client.post(url, json={"text": TEXTS[i % len(TEXTS)]}, headers=headers)
            timings.append((time.perf_counter() - start) * 1000)
            response.raise_for_status()
        return timings


def rasa_worker(_: int) -> list[float]:
    sender = uuid.uuid4().hex
    with httpx.Client(base_url=RASA, timeout=30) as client:
        timings = []
        for i in range(ROUNDS):
            start = time.perf_counter()
            response = client.post(
                "/webhooks/rest/webhook", json={"sender": sender, "message": TEXTS[i % len(TEXTS)], "metadata": {}}
            )
            timings.append((time.perf_counter() - start) * 1000)
            response.raise_for_status()
        return timings


def run(worker: object) -> list[float]:
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        results = list(pool.map(worker, range(CONCURRENCY)))  # type: ignore[arg-type]
    return [t for timings in results for t in timings]


def api_process() -> Path | None:
    """/proc/<pid> of the stack's api (uvicorn on the port of E2E_API_URL), or None."""
    port = API.rsplit(":", 1)[-1]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "uvicorn" in cmdline and "api.main:create_app" in cmdline and f"--port {port}" in cmdline:
            return proc
    return None


def rss_mib(proc: Path | None) -> float | None:
    try:
        for line in (proc / "status").read_text().splitlines() if proc else []:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def api_rss_mib() -> float | None:
    return rss_mib(api_process())


def process_with(*parts: str) -> Path | None:
    """The process whose command line holds every part (Rasa and its action server, found by their ports)."""
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if all(part in cmd for part in parts) and not cmd.startswith(("timeout", "env ")):
                return proc
    return None


def main() -> None:
    run(widget_worker)  # warm-up: models, caches, connections
    rasa = run(rasa_worker)
    widget = run(widget_worker)
    print(f"chat latency, {CONCURRENCY} conversations at once, {len(widget)} messages each path")
    for name, values in (("widget -> api -> rasa", widget), ("rasa REST directly", rasa)):
        print(
            f"  {name:22s} p50 {statistics.median(values):7.1f} ms   p95 {percentile(values, 0.95):7.1f} ms"
            f"   max {max(values):7.1f} ms"
        )
    ratio = statistics.median(widget) / statistics.median(rasa)
    print(f"  end-to-end p50 / rasa p50 = {ratio:.2f} (target <= 1.5); p95 target <= 300 ms")
    rss = api_rss_mib()
    print(f"  api resident memory: {rss:.0f} MiB" if rss else "  api resident memory: not found")
    # Rasa and its action server: the processes Python 3.10 -> 3.11 moved (issue #19).
    rasa_port, actions_port = RASA.rsplit(":", 1)[1], os.environ.get("ACTIONS_PORT", "")
    for name, proc in (
        ("rasa", process_with("rasa_server.py run", f"--port {rasa_port}")),
        ("action server", process_with("rasa_sdk", f"--port {actions_port}") if actions_port else None),
    ):
        found = rss_mib(proc)
        print(f"  {name} resident memory: {found:.0f} MiB" if found else f"  {name} resident memory: not found")


if __name__ == "__main__":
    sys.exit(main())
