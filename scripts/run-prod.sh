#!/usr/bin/env bash
# The production shape on this machine, without Docker (docker-compose.yml describes the same, and
# tests/test_compose.py keeps the two in step): against the local PostgreSQL and Redis,
#   - the api under uvicorn's own supervisor with API_WORKERS workers (CHANNEL_WORKERS=false),
#   - the LINE/Telegram inbox and outbox workers in one process of their own (`python -m api workers`),
#     and INBOX_WORKERS more processes that share the inbox only (`--inbox-only`: one outbox sender per
#     deployment keeps each chat's send spacing),
#   - RASA_REPLICAS Rasa replicas (ports from RASA_PORT up) sharing the PostgreSQL tracker store and the
#     Redis lock store, each with its own action server (ports from ACTIONS_PORT up);
# the api sends each conversation to one replica (RASA_URLS, consistent hashing). Metrics from every
# process add up at /metrics (PROMETHEUS_MULTIPROC_DIR); logs are JSON lines under var/log/prod/.
# Ctrl-C (or TERM) stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

# The shape. These defaults are what docker-compose.yml runs.
export API_WORKERS="${API_WORKERS:-2}" RASA_REPLICAS="${RASA_REPLICAS:-2}"
export INBOX_WORKERS="${INBOX_WORKERS:-0}"
# uvicorn's supervisor kills a worker that does not answer its health ping within this many seconds. Its
# default (5 s) killed a busy but healthy worker under the bench's load, with its requests; a hung worker
# is still replaced, half a minute later.
export API_WORKER_HEALTHCHECK_SECONDS="${API_WORKER_HEALTHCHECK_SECONDS:-30}"
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/kakehashi}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export RASA_TRACKER_DIALECT=postgresql RASA_TRACKER_HOST="${RASA_TRACKER_HOST:-127.0.0.1}"
export RASA_TRACKER_PORT="${RASA_TRACKER_PORT:-5432}" RASA_TRACKER_DB="${RASA_TRACKER_DB:-kakehashi_rasa}"
export RASA_TRACKER_USER="${RASA_TRACKER_USER:-postgres}" RASA_TRACKER_PASSWORD="${RASA_TRACKER_PASSWORD:-}"
# The api's purge and erasure reach the same tracker table (api/privacy/tracker.py).
export RASA_TRACKER_URL="${RASA_TRACKER_URL:-postgresql://${RASA_TRACKER_USER}${RASA_TRACKER_PASSWORD:+:$RASA_TRACKER_PASSWORD}@${RASA_TRACKER_HOST}:${RASA_TRACKER_PORT}/${RASA_TRACKER_DB}}"
export RASA_LOCK_REDIS_HOST="${RASA_LOCK_REDIS_HOST:-127.0.0.1}" RASA_LOCK_REDIS_PORT="${RASA_LOCK_REDIS_PORT:-6379}"
export RASA_LOCK_REDIS_DB="${RASA_LOCK_REDIS_DB:-1}" RASA_LOCK_PREFIX="${RASA_LOCK_PREFIX:-kakehashi}"
# A conversation's Rasa lock outlives a killed replica by this many seconds (Rasa's default: 60).
export TICKET_LOCK_LIFETIME="${TICKET_LOCK_LIFETIME:-10}"
# Connection pools per process (scripts/prod_check.py refuses a sum above PostgreSQL's max_connections).
export DB_POOL_SIZE="${DB_POOL_SIZE:-5}" DB_MAX_OVERFLOW="${DB_MAX_OVERFLOW:-5}"
export SQL_POOL_SIZE="${SQL_POOL_SIZE:-5}" SQL_MAX_OVERFLOW="${SQL_MAX_OVERFLOW:-5}"
# Production: the proxy in front (its address, comma separated or CIDR), Secure cookies, HSTS for a year.
export FORWARDED_ALLOW_IPS="${FORWARDED_ALLOW_IPS:-127.0.0.1}"
export SECURE_COOKIES="${SECURE_COOKIES:-true}" HSTS_SECONDS="${HSTS_SECONDS:-31536000}"
export LOG_FORMAT=json INBOUND_POLL_SECONDS="${INBOUND_POLL_SECONDS:-0.25}" OUTBOX_POLL_SECONDS="${OUTBOX_POLL_SECONDS:-0.25}"
source scripts/env.sh

model=$(cat var/current-model)
logs=var/log/prod
mkdir -p "$logs"
# Every process writes its samples here; stale files from a previous run would be added in.
export PROMETHEUS_MULTIPROC_DIR="$REPO_ROOT/var/prometheus-multiproc"
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"

rasa_urls=()
for i in $(seq 0 $((RASA_REPLICAS - 1))); do rasa_urls+=("http://127.0.0.1:$((RASA_PORT + i))"); done
RASA_URLS=$(IFS=,; echo "${rasa_urls[*]}")
export RASA_URLS RASA_URL="${rasa_urls[0]}"

.venv/bin/python scripts/prod_check.py
[ -n "${RECORDS_SIGNING_KEYS:-}" ] || .venv/bin/python -m api keys init

pids=()
declare -A rasa_pid actions_pid inbox_pid
workers_pid=""
cleanup() {
  for pid in "${pids[@]}" "${rasa_pid[@]}" "${actions_pid[@]}" "${inbox_pid[@]}" $workers_pid; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'echo; echo "run-prod: stopping"; exit 0' INT TERM

alive() {
  for pid in "${pids[@]}" "${rasa_pid[@]}" "${actions_pid[@]}" "${inbox_pid[@]}" $workers_pid; do kill -0 "$pid" 2>/dev/null || return 1; done
}

wait_for() {  # url seconds
  for _ in $(seq 1 "$2"); do
    curl -fs "$1" > /dev/null 2>&1 && return 0
    alive || { echo "run-prod: a process failed to start; see $logs/" >&2; tail -n 20 "$logs"/*.log >&2; exit 1; }
    sleep 1
  done
  echo "run-prod: $1 not up after $2 s" >&2
  exit 1
}

start_actions() {  # index
  local i=$1
  # Each process gets only the tokens it uses: the action server its own, Rasa the NLG and admin ones.
  env -u NLG_TOKEN -u RASA_ADMIN_TOKEN SANIC_HOST=127.0.0.1 .venv-rasa/bin/python -m rasa_sdk --actions actions \
    --port "$((ACTIONS_PORT + i))" --quiet >> "$logs/actions-$i.log" 2>&1 &
  actions_pid[$i]=$!
}

start_replica() {  # index
  local i=$1
  # The admin token stays in the environment (bot/scripts/rasa_server.py): `ps` never shows it.
  env -u ACTIONS_TOKEN ACTION_SERVER_URL="http://127.0.0.1:$((ACTIONS_PORT + i))" .venv-rasa/bin/python \
    bot/scripts/rasa_server.py run --enable-api -i 127.0.0.1 --port "$((RASA_PORT + i))" --model "$model" \
    --endpoints bot/endpoints.prod.yml --credentials bot/credentials.yml --quiet >> "$logs/rasa-$i.log" 2>&1 &
  rasa_pid[$i]=$!
}

for i in $(seq 0 $((RASA_REPLICAS - 1))); do start_actions "$i"; done
# The first replica creates the tracker tables; the others start once it is up (no CREATE TABLE race).
start_replica 0
echo "run-prod: starting Rasa replica 0 (about 20-40 s)"
wait_for "${rasa_urls[0]}/" 300
for i in $(seq 1 $((RASA_REPLICAS - 1))); do start_replica "$i"; done

# uvicorn's supervisor restarts a worker that dies; the api sends a dead replica's conversations elsewhere.
# Behind the reverse proxy: the client's address and scheme from FORWARDED_ALLOW_IPS only (api/core/proxy.py).
CHANNEL_WORKERS=false .venv/bin/uvicorn api.main:create_app --factory --host "$API_HOST" --port "$API_PORT" \
  --workers "$API_WORKERS" --timeout-worker-healthcheck "$API_WORKER_HEALTHCHECK_SECONDS" \
  --proxy-headers --forwarded-allow-ips "$FORWARDED_ALLOW_IPS" --no-access-log \
  > "$logs/api.log" 2>&1 &
pids+=($!)
start_workers() {
  CHANNEL_WORKERS=true .venv/bin/python -m api workers >> "$logs/workers.log" 2>&1 &
  workers_pid=$!
}
start_workers
start_inbox() {
  CHANNEL_WORKERS=true .venv/bin/python -m api workers --inbox-only >> "$logs/inbox-$1.log" 2>&1 &
  inbox_pid[$1]=$!
}
for i in $(seq 1 "$INBOX_WORKERS"); do start_inbox "$i"; done

for url in "${rasa_urls[@]}"; do wait_for "$url/" 300; done
wait_for "$API_URL/readyz" 300
echo "run-prod: ready ($API_WORKERS api workers, $RASA_REPLICAS Rasa replicas: $RASA_URLS)"
echo "  widget demo $API_URL/   readiness $API_URL/readyz   metrics $API_URL/metrics   logs $logs/"
echo "Ctrl-C stops everything."
# Supervision: a Rasa replica, an action server or the channel-workers process that dies is started again
# (meanwhile the api routes a dead replica's conversations to the live ones, and the events a dead channel
# worker held are taken again when their lease runs out); uvicorn's supervisor restarts a dead api worker;
# the api supervisor itself dying ends the run.
while true; do
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "run-prod: the api supervisor exited; see $logs/" >&2; exit 1; }
  done
  kill -0 "$workers_pid" 2>/dev/null || { echo "run-prod: the channel workers exited; restarting" >&2; start_workers; }
  for i in "${!inbox_pid[@]}"; do
    kill -0 "${inbox_pid[$i]}" 2>/dev/null || { echo "run-prod: inbox worker $i exited; restarting" >&2; start_inbox "$i"; }
  done
  for i in "${!rasa_pid[@]}"; do
    kill -0 "${rasa_pid[$i]}" 2>/dev/null || { echo "run-prod: Rasa replica $i exited; restarting" >&2; start_replica "$i"; }
  done
  for i in "${!actions_pid[@]}"; do
    kill -0 "${actions_pid[$i]}" 2>/dev/null || { echo "run-prod: action server $i exited; restarting" >&2; start_actions "$i"; }
  done
  sleep 1
done
