#!/usr/bin/env bash
# Print the interpreter for a virtualenv, the portable way ARCHITECTURE.md describes.
#   scripts/find-python.sh api   -> Python 3.11+ (PYTHON_API, python3.11, pyenv 3.11, python3 >= 3.11)
#   scripts/find-python.sh rasa  -> "PATH MODE": Python 3.10 (PYTHON_RASA, pyenv 3.10, python3.10) with
#                                   MODE=py310, or the pinned Python 3.11 fallback with MODE=py311
set -euo pipefail

version_of() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true; }

pyenv_python() {  # pyenv_python 3.10 -> newest installed 3.10.x interpreter, if pyenv knows one
  command -v pyenv >/dev/null 2>&1 || return 1
  local root; root=$(pyenv root 2>/dev/null) || return 1
  local candidate
  candidate=$(ls -d "$root"/versions/"$1".* 2>/dev/null | sort -V | tail -n 1)
  [ -n "$candidate" ] && [ -x "$candidate/bin/python" ] && echo "$candidate/bin/python"
}

find_api() {
  local c
  for c in "${PYTHON_API:-}" "$(command -v python3.11 || true)" "$(pyenv_python 3.11 || true)" "$(command -v python3 || true)"; do
    [ -n "$c" ] || continue
    case "$(version_of "$c")" in 3.1[1-9]) echo "$c"; return 0 ;; esac
  done
  echo "no Python >= 3.11 found: set PYTHON_API" >&2; return 1
}

find_rasa() {
  local c
  for c in "${PYTHON_RASA:-}" "$(pyenv_python 3.10 || true)" "$(command -v python3.10 || true)"; do
    [ -n "$c" ] || continue
    if [ "$(version_of "$c")" = "3.10" ]; then echo "$c py310"; return 0; fi
  done
  echo "$(find_api) py311"
}

case "${1:-}" in
  api) find_api ;;
  rasa) find_rasa ;;
  *) echo "usage: $0 api|rasa" >&2; exit 2 ;;
esac
