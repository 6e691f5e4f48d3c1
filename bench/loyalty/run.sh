#!/usr/bin/env bash
# Loyalty figures (issue 7), on a generated store of MEMBERS members with ENTRIES ledger entries
# each (gen.sql; default 1M x 50 = 50M entries), `rapport serve` with synchronous=FULL:
#  1. Earn on order placement: POST /api/v1/orders (2 lines) for a random member, wrk at
#     CONNECTIONS connections. Target: >= 3k ops/s, p99 <= 20 ms.
#  2. Redeem at checkout: the same with redeem_points=10 and a fresh idempotency key.
#  3. Balance read: GET /api/v1/loyalty/members/{id} of a random member, at CONNECTIONS and at
#     BALANCE_CONNECTIONS (default 16) connections. Target: p99 <= 5 ms (the issue names no
#     concurrency; past the server's saturation p99 is the queue: Little's law).
#  1b, 2b and 3c: the same requests open-loop at RATE (default 3000) and BALANCE_RATE (default
#     5000) per second: p99 at that rate rather than at saturation (bench/http/openloop.mjs).
#  4. Daily expiry over all members (`rapport loyalty expire`), every member's lots past due:
#     the worst case, one expire entry and one timeline entry per member. Target: <= 30 s.
# Usage: bench/loyalty/run.sh path/to/rapport [MEMBERS] [ENTRIES] [DURATION_S] [CONNECTIONS] [THREADS]
#   Needs wrk, node, sqlite3, curl and jq. Prints `uptime` before and after each part.
#   DB=file keeps the generated database there (and reuses it when it exists; part 4 changes it).
#   GEN_ONLY=1 stops after generating it.
set -euo pipefail
bin=$(realpath "${1:?usage: run.sh path/to/rapport [MEMBERS] [ENTRIES] [DURATION_S] [CONNECTIONS] [THREADS]}")
members=${2:-1000000}
entries=${3:-50}
duration=${4:-20}
connections=${5:-64}
wrk_threads=${6:-2}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
now_ms=$(( $(date +%s) * 1000 ))
db=${DB:-$work/loyalty.db}

echo "== machine: $(nproc) cores; load: $(uptime)"
if [ ! -f "$db" ]; then
  start=$(date +%s)
  "$bin" demo --db "$db" --customers 0 > "$work/demo.txt"
  cp "$work/demo.txt" "$db.demo.txt"
  sqlite3 -cmd '.timeout 5000' "$db" <<SQL
CREATE TEMP TABLE p AS SELECT $members AS members, $entries AS entries, $now_ms AS now_ms,
  730 + 7 * $entries AS age_days;
.read $here/gen.sql
BEGIN;
INSERT INTO categories (name) VALUES ('Bench');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO products (sku, name, category_id, price_minor, currency, active, created_at, updated_at)
  SELECT printf('BENCH-%04d', i), 'Bench product ' || i, (SELECT max(id) FROM categories), 100 + (i * 37) % 5000, 'USD', 1, 0, 0 FROM n;
COMMIT;
SQL
  echo "== generated in $(( $(date +%s) - start )) s: $(sqlite3 "$db" 'SELECT count(*) FROM loyalty_members') members, $(sqlite3 "$db" 'SELECT count(*) FROM loyalty_ledger') ledger entries, $(du -h "$db" | cut -f1)"
fi
if [ -n "${GEN_ONLY:-}" ]; then exit 0; fi
email=$(sed -n 's/^admin sign-in: //p' "$db.demo.txt")
password=$(sed -n 's/^admin password: //p' "$db.demo.txt")
first_product=$(sqlite3 "$db" "SELECT min(id) FROM products WHERE sku LIKE 'BENCH-%'")

# Read the whole file once: the page cache of this machine class does not keep a file of GBs
# between runs (seen: 3.2 of 6.4 GB left an hour later), and cold pages made a run 5x slower.
echo "== warming the page cache with $(du -h "$db" | cut -f1) of database"
cat "$db" > /dev/null
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
export TOKEN=$token MEMBERS=$members PRODUCT_FIRST=$first_product PRODUCTS=500

run_wrk() {  # label script [REDEEM]
  echo "== $1 ($connections connections, ${duration} s); load before: $(uptime)"
  REDEEM=${3:-0} wrk -t "$wrk_threads" -c "$connections" -d 2s -s "$here/$2" "http://127.0.0.1:$port" > /dev/null
  REDEEM=${3:-0} wrk -t "$wrk_threads" -c "$connections" -d "${duration}s" --latency -s "$here/$2" \
    "http://127.0.0.1:$port" | grep -E "^result|Requests/sec"
  echo "   load after: $(uptime)"
}
# Open loop (bench/http/openloop.mjs): the same requests on a fixed schedule of RATE per second
# over at most CONNECTIONS connections, latency from each request's scheduled time: p99 at that
# rate, where wrk's closed loop measures it at the server's saturation.
run_open() {  # label scenario rate [REDEEM]
  echo "== $1 (open loop, $3/s for ${duration} s, at most $connections connections); load before: $(uptime)"
  REDEEM=${4:-0} node "$here/../http/openloop.mjs" --url "http://127.0.0.1:$port" --scenario "$2" \
    --rate "$3" --duration "$duration" --connections "$connections"
  echo "   load after: $(uptime)"
}
run_wrk "1. earn on order placement: POST /api/v1/orders" earn.lua 0
run_open "1b. earn on order placement" earn "${RATE:-3000}" 0
run_wrk "2. redeem at checkout: POST /api/v1/orders with redeem_points" earn.lua 10
run_open "2b. redeem at checkout" earn "${RATE:-3000}" 10
run_wrk "3. balance read: GET /api/v1/loyalty/members/{id}" balance.lua
run_open "3c. balance read" balance "${BALANCE_RATE:-5000}"
connections_main=$connections
connections=${BALANCE_CONNECTIONS:-16}
run_wrk "3b. balance read: GET /api/v1/loyalty/members/{id}" balance.lua
connections=$connections_main
metrics=$(curl -sf "http://127.0.0.1:$port/metrics")
echo "== writer: $(echo "$metrics" | awk '/^rapport_db_write_jobs_total/ {print $2}') jobs in $(echo "$metrics" | awk '/^rapport_db_write_commits_total/ {print $2}') commits"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
echo "== ledger: $(sqlite3 "$db" 'SELECT count(*) FROM loyalty_ledger') entries; negative balances: $(sqlite3 "$db" 'SELECT count(*) FROM loyalty_ledger WHERE balance < 0')"

echo "== 4. daily expiry over $members members (every lot past due); load before: $(uptime)"
/usr/bin/time -f "   wall %e s, max RSS %M KB" "$bin" loyalty expire --db "$db"
echo "   load after: $(uptime)"
echo "   expire entries: $(sqlite3 "$db" "SELECT count(*) FROM loyalty_ledger WHERE kind = 'expire'"), members with a balance left: $(sqlite3 "$db" "SELECT count(*) FROM loyalty_members m WHERE (SELECT balance FROM loyalty_ledger l WHERE l.customer_id = m.customer_id ORDER BY id DESC LIMIT 1) > 0")"
