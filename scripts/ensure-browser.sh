#!/usr/bin/env bash
# Debian's Chromium and Noto fonts for the browser tests (Playwright drives /usr/bin/chromium; we
# never download a browser). Installs only when missing and when apt-get can run as root.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -i "Noto Sans CJK" > /dev/null; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  echo "setup: installing Debian's chromium and Noto fonts"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core fonts-noto-cjk > /dev/null
else
  echo "setup: /usr/bin/chromium missing and apt-get unavailable: browser tests will report it" >&2
fi
