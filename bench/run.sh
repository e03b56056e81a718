#!/usr/bin/env bash
# The full comparison, from nothing: PM4Py and DuckDB in a local virtual environment
# (bench/.venv, from the package registry), GNU time for peak memory, release builds, the
# workloads (bench/data, about 2.5 GB), then one run of compare.py. Extra arguments go to
# compare.py (e.g. --only incidents-x32.csv, --repeat 5). SMOKE=1 uses the small smoke set.
set -euo pipefail
# Paths given to compare.py (--markdown) stay relative to where this was started.
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -x /usr/bin/time ]; then
  apt-get update && apt-get install -y time
fi
if [ ! -x "$here/.venv/bin/python" ]; then
  python3 -m venv "$here/.venv"
fi
"$here/.venv/bin/pip" install -q pm4py==2.7.23.11 duckdb
(cd "$here/.." && cargo build --release -p salesmap-cli -p salesmap-bench)
if [ "${SMOKE:-0}" = 1 ]; then
  "$here/../target/release/salesmap-bench" workloads --dir "$here/data-smoke" --smoke
  exec "$here/.venv/bin/python" "$here/compare.py" --data "$here/data-smoke" "$@"
fi
"$here/../target/release/salesmap-bench" workloads --dir "$here/data"
exec "$here/.venv/bin/python" "$here/compare.py" --data "$here/data" "$@"
