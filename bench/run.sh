#!/usr/bin/env bash
# The full comparison, from nothing: PM4Py and DuckDB in a local virtual environment
# (bench/.venv, from the package registry), GNU time for peak memory, release builds, the
# workloads (bench/data, about 2.5 GB), then one run of compare.py. Extra arguments go to
# compare.py (e.g. --only incidents-x32.csv, --repeat 5). SMOKE=1 uses the small smoke set.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x /usr/bin/time ]; then
  apt-get update && apt-get install -y time
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q pm4py==2.7.23.11 duckdb
(cd .. && cargo build --release -p salesmap-cli -p salesmap-bench)
if [ "${SMOKE:-0}" = 1 ]; then
  ../target/release/salesmap-bench workloads --dir data-smoke --smoke
  exec .venv/bin/python compare.py --data data-smoke "$@"
fi
../target/release/salesmap-bench workloads --dir data
exec .venv/bin/python compare.py --data data "$@"
