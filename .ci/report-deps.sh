#!/usr/bin/env bash
# Installs what salesmap-report's browser tests need on a fresh Debian machine (as root,
# non-interactive, idempotent): Debian's `chromium`, which the tests drive headless from Rust
# (no browser download, no driver), and a Korean-capable font so the Korean edition's
# screenshots show text rather than boxes.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg-query -W -f='${Status}' fonts-nanum 2>/dev/null | grep -q 'install ok installed' \
  || missing+=(fonts-nanum)

if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
