#!/usr/bin/env bash
# Installs what salesmap-render's external-parser tests need on a fresh Debian machine (as root,
# non-interactive): Graphviz's `dot` for the DOT output, Mermaid's own parser (npm, into the
# git-ignored crates/salesmap-render/tests/mermaid/node_modules) for the Mermaid output, and
# DejaVu Sans, the wide fallback face the drawing's text must fit in.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dot >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends graphviz
fi

if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends fonts-dejavu-core
fi

if ! command -v node >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends nodejs npm
fi

if [ ! -d crates/salesmap-render/tests/mermaid/node_modules/mermaid ] \
  || [ ! -d crates/salesmap-render/tests/mermaid/node_modules/jsdom ]; then
  npm ci --prefix crates/salesmap-render/tests/mermaid --no-audit --no-fund --loglevel=error
fi
