#!/usr/bin/env bash
# Measures the board with many open deals in headless Chromium: builds the release binary,
# serves an empty SQLite database in a temporary folder on a free port, and runs
# measure-board.mjs against it (DEALS=2000 and RUNS=5 by default). Needs what
# .ci/web-deps.sh installs. Prints the figures; docs/web.md records them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../../../.."
(cd "$root" && cargo build --release -q -p salesmap-cli)
work="$(mktemp -d)"
"$root/target/release/salesmap" serve --db "sqlite://$work/salesmap.db" --listen 127.0.0.1:0 \
  > "$work/out.txt" 2> "$work/err.txt" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  grep -q "salesmap is serving" "$work/out.txt" 2>/dev/null && break
  sleep 0.1
done
url="$(grep -o 'http://[0-9.:]*' "$work/out.txt" | head -1)"
otp="$(grep -o 'one-time password [a-z0-9]*' "$work/out.txt" | awk '{print $3}')"
cd "$here"
SALESMAP_URL="$url" SALESMAP_ADMIN_OTP="$otp" node measure-board.mjs
