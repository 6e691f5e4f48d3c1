#!/usr/bin/env bash
# Knowledge-base search over 10k articles (issue 6; target p99 <= 5 ms):
#  1. In process: KbService::list with q (first page of 20 by bm25 relevance) for a mix of 20
#     queries (common and rare English words, two-word queries, Chinese words, phrases and single
#     characters), one thread: the time of one search.
#  2. Over HTTP: GET /api/v1/kb/articles?q=... rotating through the same queries, with wrk at 1
#     connection (one search with HTTP and JSON) and at 64 connections (throughput; latency there
#     is queueing on a saturated 2-core machine).
# Usage: bench/kb/run.sh path/to/rapport path/to/bench_kb [ARTICLES] [DURATION_S] [ROUNDS]
#   Needs wrk, curl and jq. Prints `uptime` before each part.
set -euo pipefail
bin=$(realpath "${1:?usage: run.sh path/to/rapport path/to/bench_kb [ARTICLES] [DURATION_S] [ROUNDS]}")
bench=$(realpath "${2:?path/to/bench_kb}")
articles=${3:-10000}
duration=${4:-15}
rounds=${5:-200}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
db="$work/kb.db"
"$bin" demo --db "$db" --customers 0 > "$work/demo.txt"
"$bench" gen "$db" "$articles"
echo "   db $(du -h "$db" | cut -f1); articles: $(sqlite3 "$db" 'SELECT count(*) FROM kb_articles')"
echo "== part 1: in process, $rounds rounds of 20 queries; load: $(uptime)"
"$bench" query "$db" "$rounds"
email="bench-$$@example.com"
password=$("$bin" user add --db "$db" --email "$email" --name Bench --role sales | sed -n 's/^password: //p')
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --db "$db" --listen "127.0.0.1:$port" --access-log off --sweep-interval 0 > "$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break
  sleep 0.1
done
token=$(curl -sf -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"$password\"}" \
  "http://127.0.0.1:$port/api/v1/sessions" | jq -r .token)
echo "   sample: $(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/kb/articles?q=%E9%80%80%E6%AC%BE&limit=20" | jq '.items | length') results for 退款"
TOKEN=$token wrk -t 2 -c 64 -d 2s -s "$here/search.lua" "http://127.0.0.1:$port" > /dev/null
for c in 1 64; do
  t=2; [ "$c" -lt "$t" ] && t=$c
  echo "== part 2: GET /api/v1/kb/articles?q= ($c connections, ${duration} s); load before: $(uptime)"
  TOKEN=$token wrk -t "$t" -c "$c" -d "${duration}s" --latency -s "$here/search.lua" \
    "http://127.0.0.1:$port" | grep -E "Requests/sec|50%|90%|99%|Non-2xx"
done
echo "== load after: $(uptime)"
