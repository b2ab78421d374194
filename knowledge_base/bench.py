"""Speed and memory: one query at a time through the retriever, index build time, resident memory,
and the same query loop with plain sentence-transformers fp32 so the ratio shows.

The baseline runs in a child process so that torch's memory does not count against the ONNX path.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from knowledge_base.dev_set import load_dev


def _rss_mib() -> float:
    """Current resident set size (Linux /proc), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(index_dir: Path, texts: list[str], backend: str) -> dict[str, float]:
    from knowledge_base.embedder import load_embedder
    from knowledge_base.retriever import Retriever

    started = time.perf_counter()
    embedder = load_embedder(backend=backend)
    retriever = Retriever.load(index_dir, embedder=embedder) if backend == "onnx" else None
    load_seconds = time.perf_counter() - started
    rss = _rss_mib()
    for text in texts[:10]:  # warm-up
        retriever.search(text) if retriever else embedder.encode_queries([text])
    latencies = []
    for text in texts:
        t0 = time.perf_counter()
        if retriever:
            retriever.search(text)
        else:
            embedder.encode_queries([text])
        latencies.append(time.perf_counter() - t0)
    latencies.sort()
    return {
        "queries": len(texts),
        "qps": len(texts) / sum(latencies),
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "load_s": load_seconds,
        "rss_mib": rss,
    }


def run_bench(index_dir: Path, dev: Path, queries: int = 200, baseline: bool = True) -> int:
    texts = [item.text for item in load_dev(dev)][:queries]
    if not texts:
        print(f"no dev questions under {dev}")
        return 1
    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    ours = measure(index_dir, texts, "onnx")
    print(f"index build time: {manifest.get('build_seconds')} s for {manifest.get('chunks')} chunks (last build)")
    print(
        f"retriever (int8 ONNX + FAISS + BM25): {ours['qps']:.1f} queries/s one at a time, "
        f"p50 {ours['p50_ms']:.1f} ms, p95 {ours['p95_ms']:.1f} ms, load {ours['load_s']:.1f} s, "
        f"resident {ours['rss_mib']:.0f} MiB"
    )
    if not baseline:
        return 0
    # The baseline embeds queries only (no search), which flatters it: the ratio is conservative.
    code = (
        "import json,sys; from pathlib import Path; from knowledge_base.bench import measure;"
        f"print(json.dumps(measure(Path({str(index_dir)!r}), json.load(sys.stdin), 'torch')))"
    )
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
        [sys.executable, "-c", code], input=json.dumps(texts), capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        print(f"baseline failed: {proc.stderr.strip()[-500:]}")
        return 1
    base = json.loads(proc.stdout.strip().splitlines()[-1])
    print(
        f"plain sentence-transformers fp32 (embedding only): {base['qps']:.1f} queries/s, "
        f"p50 {base['p50_ms']:.1f} ms, p95 {base['p95_ms']:.1f} ms, load {base['load_s']:.1f} s, "
        f"resident {base['rss_mib']:.0f} MiB"
    )
    print(f"speed-up: {ours['qps'] / base['qps']:.2f}x")
    return 0
