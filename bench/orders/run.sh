#!/usr/bin/env bash
# POST /api/v1/orders throughput and latency: wrk, 64 connections, each request an order of 3
# lines (random products of 500, a random customer of 20,000 or an anonymous basket), against
# `rapport serve` on a freshly generated database (synchronous=FULL: every 201 is durable).
# Target (issue 3): at least 3,000 orders/s with p99 <= 20 ms. A GET of one product follows as
# a reference for what the machine serves under the same load.
# Then the same requests open-loop at RATE orders/s (default 3000; bench/http/openloop.mjs):
# p99 at that rate rather than at saturation.
# Usage: [RATE=3000] bench/orders/run.sh path/to/rapport [DURATION_S] [CONNECTIONS] [THREADS]
#   Needs wrk, sqlite3, curl, jq and node. Builds nothing; prints `uptime` before and after (the load
#   of other processes on the machine changes the figures).
set -euo pipefail
bin=$(realpath "${1:?usage: run.sh path/to/rapport [DURATION_S] [CONNECTIONS] [THREADS]}")
duration=${2:-20}
connections=${3:-64}
wrk_threads=${4:-2}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

db="$work/bench.db"
"$bin" demo --db "$db" > "$work/demo.txt"
email=$(sed -n 's/^admin sign-in: //p' "$work/demo.txt")
password=$(sed -n 's/^admin password: //p' "$work/demo.txt")
# The catalogue and the customers, generated in SQL (the order path does not care how).
sqlite3 -cmd '.timeout 5000' "$db" <<'SQL'
BEGIN;
INSERT INTO categories (name) VALUES ('Bench');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO products (sku, name, category_id, price_minor, currency, active, created_at, updated_at)
  SELECT printf('BENCH-%04d', i), 'Bench product ' || i, 1, 100 + (i * 37) % 5000, 'USD', 1, 0, 0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO customers (name, email, email_norm, created_at, updated_at)
  SELECT 'Customer ' || i, 'c' || i || '@example.com', 'c' || i || '@example.com', 0, 0 FROM n;
COMMIT;
SQL
# The bench's own products (all active): the demo store's catalogue has inactive ones, which
# would answer 409 and count as fast errors.
first_product=$(sqlite3 "$db" "SELECT min(id) FROM products WHERE sku LIKE 'BENCH-%'")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --db "$db" --listen "127.0.0.1:$port" --access-log off > "$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break
  sleep 0.1
done
token=$(curl -sf -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"$password\"}" \
  "http://127.0.0.1:$port/api/v1/sessions" | jq -r .token)

echo "== machine: $(nproc) cores; load before: $(uptime)"
# Warm up (page cache, prepared statements) for 2 s, then measure.
TOKEN=$token PRODUCT_FIRST=$first_product PRODUCTS=500 CUSTOMERS=20000 wrk -t "$wrk_threads" -c "$connections" -d 2s \
  -s "$here/post_orders.lua" "http://127.0.0.1:$port" > /dev/null
TOKEN=$token PRODUCT_FIRST=$first_product PRODUCTS=500 CUSTOMERS=20000 wrk -t "$wrk_threads" -c "$connections" \
  -d "${duration}s" --latency -s "$here/post_orders.lua" "http://127.0.0.1:$port" | tee "$work/wrk.txt"
echo "== load after: $(uptime)"
# Open loop: RATE orders/s on a fixed schedule over at most the same connections, latency from
# each request's scheduled time (bench/http/openloop.mjs): the latency at that rate, where wrk's
# closed loop above measures it at the server's saturation.
rate=${RATE:-3000}
echo "== open loop: $rate orders/s for ${duration} s (at most $connections connections); load before: $(uptime)"
TOKEN=$token PRODUCT_FIRST=$first_product PRODUCTS=500 CUSTOMERS=20000 node "$here/../http/openloop.mjs" \
  --url "http://127.0.0.1:$port" --scenario orders --rate "$rate" --duration "$duration" \
  --connections "$connections"
echo "== load after: $(uptime)"
# Reference in the same run and under the same load: an authenticated primary-key read
# (GET /api/v1/products/1), i.e. what this machine serves right now for a minimal request.
echo "== reference: GET /api/v1/products/1, same connections, 10 s"
wrk -t "$wrk_threads" -c "$connections" -d 10s --latency -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$port/api/v1/products/1" | grep -E "Requests/sec|99%"
metrics=$(curl -sf "http://127.0.0.1:$port/metrics")
commits=$(echo "$metrics" | awk '/^rapport_db_write_commits_total/ {print $2}')
jobs=$(echo "$metrics" | awk '/^rapport_db_write_jobs_total/ {print $2}')
echo "== writer: $jobs jobs in $commits commits (grouped commits)"
echo "== orders in the database: $(sqlite3 "$db" 'SELECT count(*) FROM orders') with $(sqlite3 "$db" 'SELECT count(*) FROM order_lines') lines"
