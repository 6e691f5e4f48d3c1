#!/usr/bin/env bash
# Customer search and 360 under load: fills a database with N customers (bench/customers/gen.py,
# which also prints EXPLAIN QUERY PLAN and in-process timings of every list/search/360 query),
# starts `rapport serve` on it and runs wrk (64 connections, loopback) against
#   GET /api/v1/customers?q=<3 letters>   (Latin and Chinese)
#   GET /api/v1/customers/{id}/360
# Usage: bench/customers/run.sh path/to/rapport [DB] [N] [ORDERS_PER_CUSTOMER]
# Run by hand (not a test); needs wrk and python3.
set -euo pipefail
bin=$(realpath "$1")
db=${2:-/tmp/rapport-bench-customers.db}
n=${3:-1000000}
orders=${4:-0}
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$db" ] || "$bin" migrate --db "$db"
python3 "$here/gen.py" "$db" "$n" "$orders"
email="bench-$$@example.com"
"$bin" user add --db "$db" --email "$email" --name Bench --role analyst >/dev/null
token=$("$bin" token create --db "$db" --user "$email" --name bench | tail -1)
port=$((20000 + RANDOM % 20000))
"$bin" serve --db "$db" --listen "127.0.0.1:$port" --access-log off >/dev/null 2>&1 &
pid=$!
trap 'kill $pid' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
run() {
  echo "== $1"
  wrk -t2 -c64 -d10s --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port$1" |
    grep -E "Requests/sec|50%|99%|Non-2xx"
}
run "/api/v1/customers?q=wan"
run "/api/v1/customers?q=smi"
run "/api/v1/customers?q=%E7%8E%8B%E5%B0%8F%E8%8A%B3"   # 王小芳
run "/api/v1/customers?q=%E7%8E%8B%E8%8A%B3"            # 王芳 (2 characters: name prefix)
run "/api/v1/customers/4242/360"
