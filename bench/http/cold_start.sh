#!/usr/bin/env bash
# cold_start.sh BIN DB PORT: starts `rapport serve` and prints the milliseconds until /healthz
# answers 200 (probed every 5 ms with curl, so the figure is at most ~5 ms late); then stops it.
set -euo pipefail
bin=$1 db=$2 port=$3
t0=$(date +%s%N)
"$bin" serve --db "$db" --listen "127.0.0.1:$port" --access-log off >/dev/null 2>&1 &
pid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; do
  if ! kill -0 "$pid" 2>/dev/null; then echo "rapport serve exited" >&2; exit 1; fi
  sleep 0.005
done
t1=$(date +%s%N)
kill "$pid"
wait "$pid" 2>/dev/null || true
echo $(((t1 - t0) / 1000000))
