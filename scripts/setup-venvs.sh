#!/usr/bin/env bash
# Create or update .venv (api, Python 3.11) and .venv-rasa (Rasa 3.6, Python 3.10 or the pinned 3.11
# fallback). Idempotent: a venv is rebuilt only when its requirement files change (stamp = sha256).
set -euo pipefail
cd "$(dirname "$0")/.."

stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

api_stamp=$(stamp_of requirements/api.txt requirements/dev.txt)
if [ "$(cat .venv/.kakehashi-stamp 2>/dev/null)" != "$api_stamp" ]; then
  py=$(scripts/find-python.sh api)
  echo "setup: .venv with $py ($($py --version 2>&1))"
  [ -x .venv/bin/python ] || "$py" -m venv .venv
  .venv/bin/pip install --quiet -r requirements/dev.txt
  echo "$api_stamp" > .venv/.kakehashi-stamp
else
  echo "setup: .venv up to date"
fi

read -r rasa_py rasa_mode < <(scripts/find-python.sh rasa)
lock="requirements/rasa-$rasa_mode.lock"
rasa_stamp="$rasa_mode-$(stamp_of "$lock")"
if [ "$(cat .venv-rasa/.kakehashi-stamp 2>/dev/null)" != "$rasa_stamp" ]; then
  echo "setup: .venv-rasa with $rasa_py ($($rasa_py --version 2>&1)), path $rasa_mode, from $lock"
  [ -x .venv-rasa/bin/python ] || "$rasa_py" -m venv .venv-rasa
  if [ "$rasa_mode" = py310 ]; then
    .venv-rasa/bin/pip install --quiet -r "$lock"
  else
    # Rasa 3.6 declares Requires-Python < 3.11: install the fully pinned set without resolution.
    .venv-rasa/bin/pip install --quiet --no-deps --ignore-requires-python -r "$lock"
  fi
  echo "$rasa_stamp" > .venv-rasa/.kakehashi-stamp
else
  echo "setup: .venv-rasa up to date ($rasa_mode)"
fi
