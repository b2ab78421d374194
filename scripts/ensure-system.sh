#!/usr/bin/env bash
# Install the Debian packages in requirements/apt.txt that are missing (browser, fonts, PDF tools).
# Runs first in `make setup`, so every later step and every test finds them. Idempotent and quiet
# when all are present. `--check` installs nothing and exits 1 naming what is missing (CI uses it
# after setup to prove the list was installed).
set -euo pipefail
cd "$(dirname "$0")/.."
scope="${SYSTEM_PACKAGES:-all}"  # all | run
mapfile -t packages < <(sed -e 's/#.*//' requirements/apt.txt | awk -v scope="$scope" 'NF && (scope == "all" || $1 == scope) { print $2 }')
missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
# npm comes with NodeSource's nodejs, not with Debian's (Debian packages it apart, and NodeSource's
# nodejs conflicts with that package): Debian's npm is added only where the command is still missing.
npm_missing() { [ "$scope" = all ] && ! command -v npm > /dev/null; }
if [ "${#missing[@]}" = 0 ] && ! npm_missing; then
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  npm_missing && missing+=("npm (the command)")
  echo "system: Debian packages missing: ${missing[*]}" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get > /dev/null; then
  npm_missing && missing+=("npm")
  echo "setup: Debian packages missing and apt-get unavailable (not root): install ${missing[*]}" >&2
  exit 1
fi
install() {
  echo "setup: installing Debian packages: $*"
  # Wait for another apt (a parallel setup) rather than fail on its lock.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@" > /dev/null
}
[ "${#missing[@]}" = 0 ] || install "${missing[@]}"
if npm_missing; then
  install npm
fi
