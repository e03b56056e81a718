#!/usr/bin/env bash
# Installs what the web app's browser tests (crates/salesmap-server/tests/browser.rs) need on
# a fresh Debian machine (as root, non-interactive, idempotent): Debian's `chromium`, a
# Korean-capable font for the Korean pages, Node.js, and playwright-core from npm into the
# git-ignored crates/salesmap-server/tests/browser/node_modules (`npm ci`, pinned by its
# package-lock.json). playwright-core drives the Debian browser; no browser is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
dpkg-query -W -f='${Status}' fonts-nanum 2>/dev/null | grep -q 'install ok installed' \
  || missing+=(fonts-nanum)

if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

browser=crates/salesmap-server/tests/browser
if [ ! -d "$browser/node_modules/playwright-core" ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$browser" --no-audit --no-fund --loglevel=error
fi
