#!/usr/bin/env bash
# axe-core (the accessibility rules the browser tests inject into every page) from npm, into
# var/axe/. Idempotent: when the pinned version is already there nothing runs and no network is
# needed; otherwise npm installs it (from its cache first, so a machine that had it once works
# offline). Exits 1 naming what is missing when neither works: the tests then fail, never skip.
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(sed -e 's/#.*//' requirements/axe.txt | awk 'NF { print $1; exit }')"
target="var/axe"
installed="$target/node_modules/axe-core/package.json"
if [ -f "$installed" ] && grep -q "\"version\": \"$version\"" "$installed"; then
  exit 0
fi
if ! command -v npm > /dev/null; then
  echo "axe: npm is missing (requirements/apt.txt lists nodejs; make setup installs it)" >&2
  exit 1
fi
mkdir -p "$target"
[ -f "$target/package.json" ] || echo '{"private": true}' > "$target/package.json"
if ! npm install --prefix "$target" --prefer-offline --no-audit --no-fund --loglevel=error "axe-core@$version" > /dev/null; then
  echo "axe: could not install axe-core@$version from npm (offline and not in the npm cache?)" >&2
  exit 1
fi
