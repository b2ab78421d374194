# Defaults shared by `make run`, `make test` and the benchmarks. Sourced, never executed.
# Anything already set in the environment wins.
export REPO_ROOT="${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export KAKEHASHI_CACHE="${KAKEHASHI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kakehashi}"
export API_HOST="${API_HOST:-127.0.0.1}" API_PORT="${API_PORT:-8000}"
export RASA_PORT="${RASA_PORT:-5005}" ACTIONS_PORT="${ACTIONS_PORT:-5055}"
export API_URL="${API_URL:-http://$API_HOST:$API_PORT}"
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-$API_URL}"
export RASA_URL="${RASA_URL:-http://127.0.0.1:$RASA_PORT}"
export ACTION_SERVER_URL="${ACTION_SERVER_URL:-http://127.0.0.1:$ACTIONS_PORT}"
export DATABASE_URL="${DATABASE_URL:-sqlite:///$REPO_ROOT/var/kakehashi.db}"
# Rasa's tracker store: SQLite beside the api's database unless RASA_TRACKER_DIALECT=postgresql
# (then RASA_TRACKER_HOST, _PORT, _USER, _PASSWORD and _DB describe it; bot/endpoints.postgres.yml).
export RASA_TRACKER_DIALECT="${RASA_TRACKER_DIALECT:-sqlite}"
export RASA_TRACKER_DB="${RASA_TRACKER_DB:-$REPO_ROOT/var/rasa-tracker.db}"
# The api reaches the same tracker table for the retention purge and erasure requests (api/privacy).
if [ "$RASA_TRACKER_DIALECT" = sqlite ]; then
  export RASA_TRACKER_URL="${RASA_TRACKER_URL:-sqlite:///$RASA_TRACKER_DB}"
fi
export RASA_TELEMETRY_ENABLED=false
export LOG_LEVEL="${LOG_LEVEL:-WARNING}"  # Rasa logs every parse at DEBUG otherwise
export RASA_CACHE_DIRECTORY="${RASA_CACHE_DIRECTORY:-$REPO_ROOT/var/rasa-cache}"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
# The converted embedding model lives in the cache so fresh clones reuse it (checked by sha256).
export EMBEDDING_MODEL="${EMBEDDING_MODEL:-$KAKEHASHI_CACHE/models/multilingual-e5-small}"
export PYTHONPATH="$REPO_ROOT${PYTHONPATH:+:$PYTHONPATH}"
# One token per caller (api/core/config.py): the action server's calls to the api (ACTIONS_TOKEN), Rasa's
# NLG calls (NLG_TOKEN), the api's calls to Rasa's HTTP API (RASA_ADMIN_TOKEN). Random per run unless the
# operator sets them; the api refuses a caller whose token is unset, so none is ever left empty here.
for name in ACTIONS_TOKEN NLG_TOKEN RASA_ADMIN_TOKEN; do
  if [ -z "${!name:-}" ]; then
    printf -v "$name" '%s' "$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')"
  fi
  export "${name?}"  # also one the operator set unexported: Rasa reads its token from the environment
done
mkdir -p "$REPO_ROOT/var" "$KAKEHASHI_CACHE"
# The key that encrypts uploaded documents at rest (api/fce/vault.py): a development key in
# var/documents.key, created on first use, unless the operator sets DOCUMENTS_KEY. The api refuses to
# start without one; production (run-prod, compose) must set it and keep it apart from backups of var/.
if [ -z "${DOCUMENTS_KEY:-}" ]; then
  if [ ! -s "$REPO_ROOT/var/documents.key" ]; then
    (umask 077 && head -c 32 /dev/urandom | base64 > "$REPO_ROOT/var/documents.key")
    echo "env: created a development documents key in var/documents.key (set DOCUMENTS_KEY in production)" >&2
  fi
  DOCUMENTS_KEY="$(cat "$REPO_ROOT/var/documents.key")"
  export DOCUMENTS_KEY
fi
