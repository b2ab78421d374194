#!/usr/bin/env bash
# Print the Python 3.11 interpreter for a virtualenv (PYTHON_API / PYTHON_RASA, python3.11, pyenv
# 3.11, python3 if it is 3.11+). Both virtualenvs run Python 3.11: Python 3.10 reached end of life
# in October 2026, and Rasa 3.6 runs on 3.11 from a fully pinned lock (docs/architecture.md).
#   scripts/find-python.sh api    the api's interpreter (3.11 or newer)
#   scripts/find-python.sh rasa   Rasa's interpreter (exactly 3.11: the lock's wheels are cp311)
set -euo pipefail

version_of() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true; }

pyenv_python() {  # pyenv_python 3.11 -> newest installed 3.11.x interpreter, if pyenv knows one
  command -v pyenv >/dev/null 2>&1 || return 1
  local root; root=$(pyenv root 2>/dev/null) || return 1
  local candidate
  candidate=$(ls -d "$root"/versions/"$1".* 2>/dev/null | sort -V | tail -n 1)
  [ -n "$candidate" ] && [ -x "$candidate/bin/python" ] && echo "$candidate/bin/python"
}

find_python() {  # find_python OVERRIDE VERSION-PATTERN
  local c
  for c in "$1" "$(command -v python3.11 || true)" "$(pyenv_python 3.11 || true)" "$(command -v python3 || true)"; do
    [ -n "$c" ] || continue
    # shellcheck disable=SC2254  # the pattern is a case glob on purpose
    case "$(version_of "$c")" in $2) echo "$c"; return 0 ;; esac
  done
  echo "no Python $2 found: set $3" >&2; return 1
}

case "${1:-}" in
  api) find_python "${PYTHON_API:-}" "3.1[1-9]" PYTHON_API ;;
  rasa) find_python "${PYTHON_RASA:-}" "3.11" PYTHON_RASA ;;
  *) echo "usage: $0 api|rasa" >&2; exit 2 ;;
esac
