#!/usr/bin/env bash
# Installs what salesmap-report's browser tests need on a fresh Debian machine (as root,
# non-interactive, idempotent): Debian's `chromium`, which the tests drive headless from Rust
# (no browser download, no driver), a Korean-capable font so the Korean edition's
# screenshots show text rather than boxes, DejaVu Sans (the wide fallback face the map's text
# must fit in), and poppler-utils (`pdfinfo`, `pdftotext`, `pdftoppm`) to read the printed PDF.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
for package in fonts-nanum fonts-dejavu-core poppler-utils; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' \
    || missing+=("$package")
done

if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
