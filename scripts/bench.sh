#!/usr/bin/env bash
# Performance figures, printed (never asserted): chat latency through the whole stack, knowledge search.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
echo "== chat (whole stack on spare ports)"
scripts/e2e.sh .venv/bin/python scripts/bench_chat.py
echo "== knowledge base"
.venv/bin/python -m knowledge_base bench
