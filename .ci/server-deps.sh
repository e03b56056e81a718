#!/usr/bin/env bash
# Installs what salesmap-server's tests need on a fresh Debian machine (as root,
# non-interactive, idempotent): schemathesis from PyPI into the git-ignored virtual environment
# .ci/venv-server, which the API fuzz test (crates/salesmap-server/tests/schemathesis.rs) runs
# against /api/v1/openapi.json. PostgreSQL itself is started by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.ci/venv-server
if [ ! -x "$venv/bin/schemathesis" ]; then
  if ! python3 -m venv "$venv" 2>/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends python3-venv
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install -q --disable-pip-version-check schemathesis==4.32.5
fi
