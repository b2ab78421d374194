#!/usr/bin/env bash
# The production shape measured (issue #16), part of `make bench`: `scripts/run-prod.sh` with one Rasa replica,
# then with two, under the same load (scripts/bench_prod.py load); then, on two replicas, the failure bench
# (scripts/bench_failures.py: kill -9 of an api worker, a Rasa replica, an action server and the channel
# workers, and PostgreSQL's backends terminated, while conversations write). LINE and Telegram point at the
# fake platforms the benches start; every port is on loopback; each run gets fresh databases.
#   PROD_BENCH_REPLICAS="1 2"  which shapes to measure      PROD_BENCH_FAILURES=1  run the failure bench
# Needs PostgreSQL and Redis (DATABASE_URL's server, REDIS_URL); skipped with a message when either is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
export API_PORT="${PROD_BENCH_API_PORT:-18400}" RASA_PORT="${PROD_BENCH_RASA_PORT:-15400}"
export ACTIONS_PORT="${PROD_BENCH_ACTIONS_PORT:-15450}"
export BENCH_LINE_PORT="${PROD_BENCH_LINE_PORT:-18491}" BENCH_TELEGRAM_PORT="${PROD_BENCH_TELEGRAM_PORT:-18492}"
export API_URL="http://127.0.0.1:$API_PORT" PUBLIC_BASE_URL="http://127.0.0.1:$API_PORT"
# Bench-only channel secrets: the platforms are the fakes on loopback.
export LINE_CHANNEL_SECRET=bench-line-secret LINE_CHANNEL_ACCESS_TOKEN=bench-line-token
export LINE_API_BASE="http://127.0.0.1:$BENCH_LINE_PORT"
export TELEGRAM_BOT_TOKEN=123456:bench-telegram TELEGRAM_WEBHOOK_SECRET=bench-telegram-secret
export TELEGRAM_API_BASE="http://127.0.0.1:$BENCH_TELEGRAM_PORT"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
pg="${PROD_BENCH_POSTGRES:-postgresql://postgres@127.0.0.1:5432}"
# The loopback proxy is this machine: cookies need not be Secure for the bench's plain-HTTP client.
export SECURE_COOKIES=false

if ! .venv/bin/python -c "import psycopg, sys; psycopg.connect('$pg/postgres', connect_timeout=3).close()" 2>/dev/null \
   || ! .venv/bin/python -c "import redis; redis.Redis.from_url('$REDIS_URL').ping()" 2>/dev/null; then
  echo "bench-prod: PostgreSQL ($pg) or Redis ($REDIS_URL) is not reachable: skipped"
  exit 0
fi

stack=""
stop_stack() {
  if [ -n "$stack" ]; then kill -TERM "$stack" 2>/dev/null || true; wait "$stack" 2>/dev/null || true; stack=""; fi
}
trap stop_stack EXIT

mkdir -p var/log
for replicas in ${PROD_BENCH_REPLICAS:-1 2}; do
  db="kakehashi_bench_$replicas"
  for name in "$db" "${db}_rasa"; do
    .venv/bin/python - "$pg" "$name" <<'EOF'
import sys
import psycopg
from psycopg import sql
with psycopg.connect(sys.argv[1] + "/postgres", autocommit=True) as admin:
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(sys.argv[2])))
EOF
  done
  export DATABASE_URL="$pg/$db" RASA_TRACKER_DB="${db}_rasa" RASA_REPLICAS="$replicas" RASA_LOCK_PREFIX="bench$replicas"
  unset RASA_TRACKER_URL
  log="var/log/bench-prod-$replicas.log"
  echo "== production shape: $replicas Rasa replica(s), ${API_WORKERS:-2} api workers (log $log)"
  scripts/run-prod.sh > "$log" 2>&1 &
  stack=$!
  for _ in $(seq 1 600); do
    grep -q "run-prod: ready" "$log" && break
    kill -0 "$stack" 2>/dev/null || { echo "bench-prod: run-prod exited"; tail -n 30 "$log"; exit 1; }
    sleep 1
  done
  grep -q "run-prod: ready" "$log" || { echo "bench-prod: not ready after 600 s"; tail -n 30 "$log"; exit 1; }
  RASA_URLS=$(sed -n 's/.*Rasa replicas: \(.*\))$/\1/p' "$log" | tail -n 1)
  export RASA_URLS
  echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
  .venv/bin/python scripts/bench_prod.py load
  if [ "$replicas" -ge 2 ] && [ "${PROD_BENCH_FAILURES:-1}" = 1 ]; then
    echo "== failures: $replicas Rasa replicas"
    .venv/bin/python scripts/bench_failures.py
    grep -c "restarting" "$log" | sed 's/^/run-prod restarts: /' || true
  fi
  stop_stack
done
