#!/usr/bin/env bash
# Start the whole stack on spare ports with its own databases, run the given test command against
# it (E2E_API_URL, E2E_RASA_URL), then stop everything.
set -euo pipefail
cd "$(dirname "$0")/.."
export API_PORT="${E2E_API_PORT:-18000}" RASA_PORT="${E2E_RASA_PORT:-15005}" ACTIONS_PORT="${E2E_ACTIONS_PORT:-15055}"
rm -rf var/e2e && mkdir -p var/e2e
export DATABASE_URL="sqlite:///$PWD/var/e2e/kakehashi.db" RASA_TRACKER_DB="$PWD/var/e2e/rasa-tracker.db"
unset API_URL RASA_URL ACTION_SERVER_URL
# LINE and Telegram on, talking to fake platforms that the tests (and the bench) start on these ports.
export E2E_LINE_PORT="${E2E_LINE_PORT:-18091}" E2E_TELEGRAM_PORT="${E2E_TELEGRAM_PORT:-18092}"
export LINE_CHANNEL_SECRET="e2e-line-secret-$RANDOM" LINE_CHANNEL_ACCESS_TOKEN="e2e-line-token"
export LINE_API_BASE="http://127.0.0.1:$E2E_LINE_PORT"
export TELEGRAM_BOT_TOKEN="1000:e2e-telegram-token" TELEGRAM_WEBHOOK_SECRET="e2e-telegram-secret-$RANDOM"
export TELEGRAM_API_BASE="http://127.0.0.1:$E2E_TELEGRAM_PORT"
source scripts/env.sh

scripts/run.sh > var/e2e/run.log 2>&1 &
runner=$!
cleanup() { kill "$runner" 2>/dev/null || true; wait "$runner" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 240); do
  curl -fs "$API_URL/healthz" > /dev/null 2>&1 && break
  kill -0 "$runner" 2>/dev/null || { echo "e2e: stack failed to start" >&2; cat var/e2e/run.log >&2; exit 1; }
  sleep 1
done
curl -fs "$API_URL/healthz" > /dev/null || { echo "e2e: stack not healthy" >&2; cat var/e2e/run.log >&2; exit 1; }
E2E_API_URL="$API_URL" E2E_RASA_URL="$RASA_URL" "$@"
