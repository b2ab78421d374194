#!/usr/bin/env bash
# Create or update .venv (api) and .venv-rasa (Rasa 3.6), both on Python 3.11; Rasa's from a fully
# pinned lock. Idempotent: a venv is rebuilt only when its requirement files change (stamp = sha256).
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

rasa_py=$(scripts/find-python.sh rasa)
lock=requirements/rasa.lock
rasa_stamp="py311-$(stamp_of "$lock")"
if [ "$(cat .venv-rasa/.kakehashi-stamp 2>/dev/null)" != "$rasa_stamp" ]; then
  echo "setup: .venv-rasa with $rasa_py ($($rasa_py --version 2>&1)) from $lock"
  # A venv left by an older Python (3.10 before this wave) is rebuilt, not patched.
  if [ -x .venv-rasa/bin/python ] && [ "$(.venv-rasa/bin/python -c 'import sys; print(sys.version_info[:2] == (3, 11))')" != True ]; then
    rm -rf .venv-rasa
  fi
  [ -x .venv-rasa/bin/python ] || "$rasa_py" -m venv .venv-rasa
  # Rasa 3.6 declares Requires-Python < 3.11: install the fully pinned set without resolution.
  .venv-rasa/bin/pip install --quiet --no-deps --ignore-requires-python -r "$lock"
  echo "$rasa_stamp" > .venv-rasa/.kakehashi-stamp
else
  echo "setup: .venv-rasa up to date (Python 3.11)"
fi
