#!/usr/bin/env bash
# Debian's Noto fonts for the credential-evaluation statement PDF (api/fce/fonts.py): Latin with
# Vietnamese marks and Devanagari from fonts-noto-core, Japanese from fonts-noto-cjk. Installs only
# when a file is missing and apt-get can run as root; otherwise says what to install (the api then
# answers 503 on statement downloads, naming the package, rather than print empty boxes).
set -euo pipefail
needed=(
  /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf
  /usr/share/fonts/truetype/noto/NotoSans-Bold.ttf
  /usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf
  /usr/share/fonts/truetype/noto/NotoSansDevanagari-Bold.ttf
  /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
  /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc
)
missing=0
for file in "${needed[@]}"; do [ -f "$file" ] || missing=1; done
[ "$missing" = 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  echo "setup: installing Debian's fonts-noto-core and fonts-noto-cjk (statement PDFs)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-core fonts-noto-cjk > /dev/null
else
  echo "setup: Noto fonts missing and apt-get unavailable: install fonts-noto-core fonts-noto-cjk for statement PDFs" >&2
fi
