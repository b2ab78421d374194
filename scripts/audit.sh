#!/usr/bin/env bash
# Known-vulnerability audit of both virtualenvs' pins with pip-audit (PyPA), `make audit`.
#   - .venv-rasa: requirements/rasa.lock (fully pinned);
#   - .venv:      the exact versions installed from requirements/dev.txt (`pip freeze`).
# Advisories that are accepted (do not apply to how Kakehashi runs the package) are listed with the
# reason in requirements/audit-accepted.txt and passed as --ignore-vuln; everything else fails.
# pip-audit needs its advisory service (PyPI's JSON API or OSV): where neither is reachable, as on
# machines that reach only the package indexes, it says so and exits 3 rather than report "clean".
set -euo pipefail
cd "$(dirname "$0")/.."
tool=var/tools/pip-audit
if [ ! -x "$tool/bin/pip-audit" ]; then
  python3 -m venv "$tool"
  "$tool/bin/pip" install --quiet pip-audit==2.10.1
fi
ignores=()
while read -r id _; do ignores+=(--ignore-vuln "$id"); done < <(sed -e 's/#.*//' requirements/audit-accepted.txt | awk 'NF')
mkdir -p var
.venv/bin/pip freeze --exclude-editable > var/api-freeze.txt
status=0
for lock in requirements/rasa.lock var/api-freeze.txt; do
  echo "== audit: $lock"
  if ! out=$("$tool/bin/pip-audit" --strict --no-deps --disable-pip --progress-spinner off -r "$lock" \
        "${ignores[@]}" 2>&1); then
    if grep -q -E "ConnectionError|NameResolutionError|not found on PyPI and could not be audited" <<< "$out"; then
      echo "audit: no advisory service is reachable from this machine (PyPI JSON API / OSV): no result" >&2
      exit 3
    fi
    status=1
  fi
  echo "$out"
done
exit "$status"
