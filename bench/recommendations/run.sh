#!/usr/bin/env bash
# Cross-sell recommendations over HTTP (issue 5: p99 <= 5 ms for one customer on a store of 1M
# customers): serves a store that `rapport analyze refresh` (or bench/analytics_refresh) has mined,
# and runs wrk with a random customer per request, at 1 connection (latency of one caller) and at
# 64 (throughput).
# Usage: bench/recommendations/run.sh path/to/rapport DB [duration_s]
#   DB e.g. the 1M-customer store of bench/analytics_refresh (/tmp/rapport-bench-refresh.db),
#   refreshed at least once. Needs wrk and sqlite3. Run by hand (not a test).
set -euo pipefail
bin=$(realpath "$1")
db=${2:?usage: run.sh path/to/rapport DB [duration_s]}
duration=${3:-10}
here=$(cd "$(dirname "$0")" && pwd)
rules=$(sqlite3 "$db" "SELECT count(*) FROM basket_rules")
max_id=$(sqlite3 "$db" "SELECT max(id) FROM customers")
echo "store: $max_id customers, $rules rules; load before: $(uptime)"
email="bench-rec-$$@example.com"
"$bin" user add --db "$db" --email "$email" --name Bench --role analyst >/dev/null
token=$("$bin" token create --db "$db" --user "$email" --name bench | tail -1)
port=$((20000 + RANDOM % 20000))
"$bin" serve --db "$db" --listen "127.0.0.1:$port" --access-log off >/dev/null 2>&1 &
pid=$!
trap 'kill $pid; "$bin" user disable --db "$db" "$email" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
# How many random customers get at least one recommendation (an empty answer is cheaper).
nonempty=0
for id in $(shuf -i "1-$max_id" -n 200); do
  body=$(curl -sf -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/v1/customers/$id/recommendations")
  case $body in *'"items":[]'*) ;; *) nonempty=$((nonempty + 1)); last=$body ;; esac
done
echo "customers with recommendations: $nonempty of 200 sampled; e.g. ${last:0:240}"
for c in 1 64; do
  echo "== $c connection(s), ${duration}s"
  TOKEN=$token MAX_ID=$max_id wrk -t$((c > 1 ? 2 : 1)) -c$c -d"${duration}s" --latency \
    -s "$here/random.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|50%|90%|99%|Non-2xx"
done
echo "load after: $(uptime)"
