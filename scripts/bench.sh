#!/usr/bin/env bash
# Performance figures, printed (never asserted): chat latency through the whole stack, knowledge search,
# credential-evaluation lookups.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
echo "== chat (whole stack on spare ports)"
scripts/e2e.sh .venv/bin/python scripts/bench_chat.py
echo "== LINE and Telegram webhooks (whole stack, fake platforms)"
scripts/e2e.sh .venv/bin/python scripts/bench_channels.py
echo "== knowledge base"
.venv/bin/python -m knowledge_base bench
echo "== credential evaluation (evaluator's filtered list, status lookup; FCE_BENCH_CASES cases, default 10,000)"
.venv/bin/python scripts/bench_fce.py "${FCE_BENCH_CASES:-10000}"
echo "== verifiable records (issue, verify p50/p95 with and without cached status lists, verify page weight)"
.venv/bin/python scripts/bench_records.py "${RECORDS_BENCH_CREDENTIALS:-50}"
echo "== production shape (issue #16): one Rasa replica against two, then kill -9 in turn (PROD_BENCH=0 skips)"
if [ "${PROD_BENCH:-1}" != 0 ]; then scripts/bench-prod.sh; fi
echo "== soak (issue #15): mixed traffic for SOAK_MINUTES (default 30; 0 skips), then memory, descriptors, rows, purge"
if [ "${SOAK_MINUTES:-30}" != 0 ]; then scripts/e2e.sh .venv/bin/python scripts/bench_soak.py; fi
