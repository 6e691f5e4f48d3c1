#!/usr/bin/env bash
# Customer service figures (issue 6):
#  1. Ticket queue listing on a store of 1M tickets: GET /api/v1/tickets?queue=Q&status=open (the
#     first page of 50 of a random one of 20 queues, newest first), then the same without the
#     status filter, with wrk at 64 connections: p99 per page. Target: <= 10 ms.
#  2. One scheduler sweep (`rapport service sweep`) over 100k open tickets of which 10% are past
#     due: each breach marked, escalated (timeline entry, notification, audit entry). Target:
#     <= 1 s.
# Tickets are generated in SQL (gen.sql); the server runs with --sweep-interval 0 while wrk runs,
# so the figures are the list alone.
# Usage: bench/tickets/run.sh path/to/rapport [TICKETS] [DURATION_S] [CONNECTIONS] [THREADS]
#   Needs wrk, sqlite3, curl and jq. Prints `uptime` before and after each part.
#   LIST_DB=file keeps the generated listing database there (and reuses it when it exists);
#   SKIP_SWEEP=1 leaves out part 2.
set -euo pipefail
bin=$(realpath "${1:?usage: run.sh path/to/rapport [TICKETS] [DURATION_S] [CONNECTIONS] [THREADS]}")
tickets=${2:-1000000}
duration=${3:-20}
connections=${4:-64}
wrk_threads=${5:-2}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
now_ms=$(( $(date +%s) * 1000 ))

# A store: an admin, 20 agents, 20 queues (each with a manager), 100k customers, then tickets.
make_store() {  # db tickets open_share due_share
  "$bin" demo --db "$1" --customers 0 > "$work/demo-$(basename "$1").txt"
  sqlite3 -cmd '.timeout 5000' "$1" <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
INSERT INTO users (email, name, role, password_hash, created_at, updated_at)
  SELECT 'agent' || i || '@example.com', 'Agent ' || i, CASE WHEN i <= 2 THEN 'manager' ELSE 'service' END, 'x', 0, 0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
INSERT INTO ticket_queues (name, manager_id, created_at, updated_at)
  SELECT 'Queue ' || i, 2 + i % 2, 0, 0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO customers (name, created_at, updated_at) SELECT 'Customer ' || i, 0, 0 FROM n;
CREATE TEMP TABLE p AS SELECT $2 AS n, $now_ms AS now_ms, $3 AS open_share, $4 AS due_share,
  100000 AS customers, 20 AS agents, 20 AS queues;
COMMIT;
.read $here/gen.sql
ANALYZE;
SQL
}

echo "== machine: $(nproc) cores; load: $(uptime)"
if [ -z "${SKIP_SWEEP:-}" ]; then
echo "== part 2: sweep over 100k open tickets, 10% past due"
sweep_db="$work/sweep.db"
make_store "$sweep_db" 100000 1.0 0.1
echo "   open tickets: $(sqlite3 "$sweep_db" "SELECT count(*) FROM tickets WHERE status IN ('new','open','waiting')"), past due: $(sqlite3 "$sweep_db" "SELECT count(*) FROM tickets WHERE sla_next_check <= $now_ms")"
echo "   load before: $(uptime)"
/usr/bin/time -f "   wall %e s, max RSS %M KB" "$bin" service sweep --db "$sweep_db" --at "$(date -u -d "@$((now_ms / 1000))" +%Y-%m-%dT%H:%M:%SZ)"
echo "   after: $(sqlite3 "$sweep_db" "SELECT count(*) FROM tickets WHERE breached = 1") breached, $(sqlite3 "$sweep_db" "SELECT count(*) FROM notifications") notifications, $(sqlite3 "$sweep_db" "SELECT count(*) FROM interactions WHERE kind = 'ticket_escalated'") escalations on timelines"
echo "   a second sweep (nothing new to find):"
"$bin" service sweep --db "$sweep_db" --at "$(date -u -d "@$((now_ms / 1000))" +%Y-%m-%dT%H:%M:%SZ)"
rm -f "$sweep_db"*
fi

echo "== part 1: listing on $tickets tickets"
db="${LIST_DB:-$work/list.db}"
if [ ! -f "$db" ]; then
  start=$(date +%s)
  make_store "$db" "$tickets" 0.2 0.0
  echo "   generated in $(( $(date +%s) - start )) s"
fi
echo "   tickets: $(sqlite3 "$db" 'SELECT count(*) FROM tickets'); db $(du -h "$db" | cut -f1)"
# A user of its own to sign in as (the demo admin's password is printed only once).
email="bench-$$@example.com"
password=$("$bin" user add --db "$db" --email "$email" --name Bench --role service | sed -n 's/^password: //p')
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
page=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/tickets?queue=3&status=open")
echo "   sample page: $(echo "$page" | jq '.items | length') items, next_cursor $(echo "$page" | jq -r '.next_cursor')"
for query in "&status=open" "" "&status=new&sort=due"; do
  TOKEN=$token QUEUES=20 QUERY="$query" wrk -t "$wrk_threads" -c "$connections" -d 2s \
    -s "$here/list_queue.lua" "http://127.0.0.1:$port" > /dev/null
  for c in "$connections" 1; do
    t=$wrk_threads; [ "$c" -lt "$t" ] && t=$c
    echo "== GET /api/v1/tickets?queue=Q$query ($c connections, ${duration} s); load before: $(uptime)"
    TOKEN=$token QUEUES=20 QUERY="$query" wrk -t "$t" -c "$c" -d "${duration}s" \
      --latency -s "$here/list_queue.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|50%|90%|99%|Non-2xx"
  done
done
echo "== load after: $(uptime)"
