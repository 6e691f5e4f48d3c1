#!/usr/bin/env bash
# Orders during an analytics refresh: `rapport serve` on a copy of DB (e.g. the 1M-customer store
# of run.sh), POST /api/v1/orders open-loop at RATE per second for 30 s (bench/http/openloop.mjs,
# TIMELINE=1: the worst latency of each second), and a refresh (POST /api/v1/analytics/refresh)
# 6 s in. Prints the orders' latency, the worst per second, the refresh's time and its write
# timings. The refresh writes in steps of their own (app/analytics_service.cpp): an order waits
# for at most one step (an index build: about 0.55 s on 1M customers) when it has a connection;
# with fewer CONNECTIONS than orders waiting, the rest queue in the client meanwhile.
# Usage: bench/analytics_refresh/stall.sh path/to/rapport DB [RATE] [CONNECTIONS]
#   Needs node, curl, jq. Products 1-500 and customers 1-1,000,000 must exist (they do in run.sh's store).
set -euo pipefail
bin=$(realpath "${1:?usage: stall.sh path/to/rapport DB [RATE] [CONNECTIONS]}")
src=${2:?usage: stall.sh path/to/rapport DB [RATE] [CONNECTIONS]}
rate=${3:-1000}
connections=${4:-1024}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
db=$work/stall.db
cp "$src" "$db"
cat "$db" > /dev/null  # this machine class drops cold page cache: read the file once
"$bin" migrate --db "$db" > /dev/null
email=stall-$$@example.com
"$bin" user add --db "$db" --email "$email" --name Stall --role manager > /dev/null < /dev/null
token=$("$bin" token create --db "$db" --user "$email" --name stall | tail -1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --db "$db" --listen "127.0.0.1:$port" --access-log off --sweep-interval 0 > "$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.1; done
echo "== orders at $rate/s, at most $connections connections, 30 s; a refresh 6 s in; load: $(uptime)"
TIMELINE=1 TOKEN=$token PRODUCT_FIRST=1 PRODUCTS=500 CUSTOMERS=1000000 node "$here/../http/openloop.mjs" \
  --url "http://127.0.0.1:$port" --scenario orders --rate "$rate" --duration 30 --warmup 1 \
  --connections "$connections" > "$work/orders.txt" &
load=$!
sleep 7
curl -s -o "$work/refresh.json" -w "refresh: HTTP %{http_code} in %{time_total} s\n" -X POST \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{}' \
  "http://127.0.0.1:$port/api/v1/analytics/refresh"
wait "$load"
cat "$work/orders.txt"
jq -c '.results.timings | with_entries(select(.key | startswith("write")))' "$work/refresh.json"
echo "== load after: $(uptime)"
