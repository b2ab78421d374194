#!/usr/bin/env bash
# Start the action server, Rasa and the api; wait until /healthz is green; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
model=$(cat var/current-model)
endpoints=bot/endpoints.yml
[ "$RASA_TRACKER_DIALECT" = postgresql ] && endpoints=bot/endpoints.postgres.yml
mkdir -p var/log
# The credential issuer's signing key (verifiable records): a development key under var/keys on first
# start, unless RECORDS_SIGNING_KEYS provides one. The command says when it creates one.
[ -n "${RECORDS_SIGNING_KEYS:-}" ] || .venv/bin/python -m api keys init
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
# Ctrl-C (or a TERM from a supervisor) is the normal way to stop: exit 0, and EXIT cleans up.
trap 'echo; echo "run: stopping"; exit 0' INT TERM

# Each process gets only the tokens it uses: the action server its own, Rasa the NLG and admin ones.
env -u NLG_TOKEN -u RASA_ADMIN_TOKEN SANIC_HOST=127.0.0.1 .venv-rasa/bin/python -m rasa_sdk --actions actions --port "$ACTIONS_PORT" --quiet \
  > var/log/actions.log 2>&1 &
pids+=($!)
# Rasa reads RASA_ADMIN_TOKEN from its environment (bot/scripts/rasa_server.py): `ps` never shows it.
env -u ACTIONS_TOKEN .venv-rasa/bin/python bot/scripts/rasa_server.py run --enable-api -i 127.0.0.1 --port "$RASA_PORT" \
  --model "$model" --endpoints "$endpoints" --credentials bot/credentials.yml --quiet \
  > var/log/rasa.log 2>&1 &
pids+=($!)
.venv/bin/uvicorn api.main:create_app --factory --host "$API_HOST" --port "$API_PORT" --no-access-log \
  > var/log/api.log 2>&1 &
pids+=($!)

echo "run: starting (logs in var/log/); Rasa takes about 20 s"
for _ in $(seq 1 240); do
  if curl -fs "$API_URL/healthz" > /dev/null 2>&1; then
    echo "run: ready"
    echo "  widget demo     $API_URL/"
    echo "  health          $API_URL/healthz"
    echo "  api docs        $API_URL/docs"
    echo "  rasa            $RASA_URL   actions $ACTION_SERVER_URL"
    echo "Ctrl-C stops all three."
    wait -n "${pids[@]}" || true
    echo "run: a process exited; see var/log/" >&2
    exit 1
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "run: a process failed to start; see var/log/" >&2; tail -n 20 var/log/*.log >&2; exit 1; }
  done
  sleep 1
done
echo "run: not healthy after 240 s: $(curl -s "$API_URL/healthz")" >&2
exit 1
