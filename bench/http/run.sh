#!/usr/bin/env bash
# The HTTP benchmark of issue 2, everything in one run:
#   (i)   authenticated GET /api/v1/users/{random id} on `rapport serve` vs a bare RESTinio +
#         SQLite primary-key lookup server (bench_http_bare), alternated, wrk 64 connections;
#   (ii)  authenticated PATCH /api/v1/users/{random id} (a write + its audit row,
#         synchronous=FULL) with write grouping on (default) and off (max group 1), with the
#         writer's commits and jobs read from /metrics;
#   (iii) cold start of `rapport serve` on the 1M-user database until /healthz answers.
# Usage: bench/http/run.sh [BUILD_DIR]   (default build; it is configured with RAPPORT_BENCH=ON
#        and only the targets rapport and bench_http_bare are built)
# Environment: WORK (database, logs; default /tmp/rapport-bench-http),
#   DURATION (seconds per wrk run, default 10), ROUNDS (GET rounds, default 3),
#   N_USERS (default 1000000), THREADS (server threads, default 0 = one per core),
#   GET_ONLY=1 (only part (i), e.g. while working on the read path).
# Needs wrk, curl, sqlite3 (scripts/bootstrap.sh bench installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
BUILD=${1:-build}
WORK=${WORK:-/tmp/rapport-bench-http}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
N_USERS=${N_USERS:-1000000}
THREADS=${THREADS:-0}
CONNS=64
export N_USERS
mkdir -p "$WORK"
db=$WORK/users-$N_USERS.db
bin=$BUILD/rapport
bare=$BUILD/bench/http/bench_http_bare

say() { printf '\n== %s (load: %s)\n' "$*" "$(cut -d' ' -f1-3 /proc/loadavg)"; }

# --- build ---------------------------------------------------------------------------------
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DRAPPORT_BENCH=ON >/dev/null
cmake --build "$BUILD" -j2 --target rapport bench_http_bare >/dev/null

# --- the 1M-user database (kept between runs; delete $WORK to rebuild) -----------------------
if [ ! -f "$db" ]; then
  say "creating $db with $N_USERS users"
  rm -f "$db.tmp"
  "$bin" migrate --db "$db.tmp" >/dev/null
  # Users 1..N in one statement; the password hash is not a valid one (nobody signs in as them).
  time sqlite3 "$db.tmp" <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N_USERS)
INSERT INTO users (id, email, name, role, password_hash, disabled, created_at, updated_at, version)
SELECT i, 'user' || i || '@bench.example', 'Bench User ' || i,
       CASE i % 5 WHEN 0 THEN 'admin' WHEN 1 THEN 'manager' WHEN 2 THEN 'sales'
                  WHEN 3 THEN 'service' ELSE 'analyst' END,
       'not-a-hash', 0, 1700000000000 + i, 1700000000000 + i, 1
FROM n;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
  echo "bench-password-$RANDOM$RANDOM" | "$bin" user add --db "$db.tmp" \
    --email bench-admin@bench.example --name "Bench Admin" --role admin --password-stdin >/dev/null
  mv "$db.tmp" "$db"
  rm -f "$db.tmp-wal" "$db.tmp-shm"
fi
ls -l "$db"
# A fresh API token for this run (admin: may read and write users).
TOKEN=$("$bin" token create --db "$db" --user bench-admin@bench.example --name "bench $(date +%s)" \
  --expires-days 1 | sed -n 2p)
export TOKEN

# --- servers -------------------------------------------------------------------------------
port_rapport=18480
port_bare=18481
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_up() {  # url
  for _ in $(seq 1 500); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.01
  done
  echo "server at $1 did not start" >&2
  exit 1
}
start_rapport() {  # extra env assignments for the server, e.g. RAPPORT_BENCH_MAX_WRITE_GROUP=1
  env "$@" "$bin" serve --db "$db" --listen 127.0.0.1:$port_rapport --threads "$THREADS" \
    --access-log "$WORK/access.log" >"$WORK/serve.out" 2>&1 &
  rapport_pid=$!
  pids+=("$rapport_pid")
  wait_up "http://127.0.0.1:$port_rapport/healthz"
}
stop_rapport() {
  kill "$rapport_pid"
  wait "$rapport_pid" 2>/dev/null || true
}
metric() {  # name -> value from /metrics
  curl -sf "http://127.0.0.1:$port_rapport/metrics" | awk -v m="$1" '$1 == m { print $2 }'
}

"$bare" "$db" $port_bare "$THREADS" >"$WORK/bare.out" 2>&1 &
bare_pid=$!
pids+=("$bare_pid")
wait_up "http://127.0.0.1:$port_bare/users/1"
start_rapport
# The token works and a user reads as JSON (a failed setup must not be measured).
curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port_rapport/api/v1/users/42" >/dev/null
curl -sf "http://127.0.0.1:$port_bare/users/42" >/dev/null

tck=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }  # utime + stime of a process
results=$WORK/results.txt
: >"$results"
# Runs wrk and prints (and records in $results) one line: label, req/s, p99 and the server's CPU
# time per request (user + system, from /proc): the figure least disturbed by other load on a
# shared machine.
run_wrk() {  # label url script server_pid [env...]
  local label=$1 url=$2 script=$3 pid=$4
  shift 4
  local c0 c1 out wcpu
  c0=$(cpu_ticks "$pid")
  # wrk's own CPU (user + system seconds) too: it shares the two cores with the server.
  out=$( { TIMEFORMAT='wrk-cpu %U %S'; time env "$@" wrk -t2 -c$CONNS -d"${DURATION}s" --latency \
    -s "bench/http/$script" "$url"; } 2>&1)
  c1=$(cpu_ticks "$pid")
  wcpu=$(echo "$out" | awk '/^wrk-cpu/ { print $2 + $3 }')
  echo "$out" | grep -E "Non-2xx|Socket errors" || true
  echo "$out" | awk -v label="$label" -v c=$((c1 - c0)) -v tck="$tck" -v w="$wcpu" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
      return v
    }
    / 50%/ { p50 = ms($2) } / 99%/ { p99 = ms($2) } /requests in/ { n = $1 }
    /Requests\/sec/ { rps = $2 }
    END { printf "%s|%.0f|%.2f|%.2f|%.1f|%s|%.1f\n", label, rps, p50, p99, c / tck * 1e6 / n, load,
      w * 1e6 / n }' |
    tee -a "$results" | awk -F'|' '{ printf "%s: %s req/s, p50 %s ms, p99 %s ms, server CPU %s us/req, wrk CPU %s us/req (load %s)\n", $1, $2, $3, $4, $5, $7, $6 }'
}
median() {  # label -> median req/s, p99, CPU us/req over the runs with that label
  awk -F'|' -v l="$1" '$1 == l { r[++n] = $2; p[n] = $4; c[n] = $5; w[n] = $7 }
    function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
      if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t } return a[int((n + 1) / 2)] }
    END { if (n) printf "%.0f %.2f %.1f %.1f\n", med(r, n), med(p, n), med(c, n), med(w, n) }' "$results"
}

# --- (i) GET by id, alternated -------------------------------------------------------------
say "warm-up (both servers, 3 s each)"
env PREFIX=/users/ wrk -t2 -c$CONNS -d3s -s bench/http/get_user.lua "http://127.0.0.1:$port_bare" >/dev/null
env PREFIX=/api/v1/users/ wrk -t2 -c$CONNS -d3s -s bench/http/get_user.lua \
  "http://127.0.0.1:$port_rapport" >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  say "GET round $round"
  run_wrk "bare" "http://127.0.0.1:$port_bare" get_user.lua "$bare_pid" PREFIX=/users/ TOKEN=
  run_wrk "rapport" "http://127.0.0.1:$port_rapport" get_user.lua "$rapport_pid" \
    PREFIX=/api/v1/users/
done
read -r b_rps b_p99 b_cpu b_wrk < <(median bare)
read -r r_rps r_p99 r_cpu r_wrk < <(median rapport)
say "GET summary (medians of $ROUNDS rounds)"
printf 'bare RESTinio + SQLite:           %6s req/s, p99 %6s ms, server %5s us CPU/req, wrk %5s\n' \
  "$b_rps" "$b_p99" "$b_cpu" "$b_wrk"
printf 'rapport serve, authenticated GET: %6s req/s, p99 %6s ms, server %5s us CPU/req, wrk %5s\n' \
  "$r_rps" "$r_p99" "$r_cpu" "$r_wrk"
awk -v r="$r_rps" -v b="$b_rps" -v p="$r_p99" 'BEGIN {
  printf "rapport / bare = %.0f%% (target >= 70%%), p99 %s ms (target <= 10 ms)\n", 100 * r / b, p }'
# If both were CPU-bound on the same two cores (server + wrk), the ratio would be this:
awk -v bs="$b_cpu" -v bw="$b_wrk" -v rs="$r_cpu" -v rw="$r_wrk" 'BEGIN {
  printf "CPU-bound ratio (bare server+wrk CPU / rapport server+wrk CPU) = %.0f%%\n", 100 * (bs + bw) / (rs + rw) }'

[ "${GET_ONLY:-0}" = 1 ] && exit 0

# --- (ii) PATCH with audit, grouping on, then off -------------------------------------------
patch_run() {  # label
  local c0 j0 c1 j1
  c0=$(metric rapport_db_write_commits_total)
  j0=$(metric rapport_db_write_jobs_total)
  run_wrk "$1" "http://127.0.0.1:$port_rapport" patch_user.lua "$rapport_pid"
  c1=$(metric rapport_db_write_commits_total)
  j1=$(metric rapport_db_write_jobs_total)
  awk -v c="$((c1 - c0))" -v j="$((j1 - j0))" \
    'BEGIN { printf "writer: %d jobs in %d commits (%.1f jobs per commit)\n", j, c, (c ? j / c : 0) }'
}
patch_run "PATCH, write grouping on (default, up to 256 per commit)"
stop_rapport
start_rapport RAPPORT_BENCH_MAX_WRITE_GROUP=1
patch_run "PATCH, write grouping off (RAPPORT_BENCH_MAX_WRITE_GROUP=1)"
stop_rapport
kill "$bare_pid"  # the bare server is not needed any more

# --- (iii) cold start ----------------------------------------------------------------------
say "cold start of rapport serve on $db until /healthz answers (20 starts, page cache warm)"
for _ in $(seq 1 20); do bench/http/cold_start.sh "$bin" "$db" $port_rapport; done |
  sort -n | awk '{ v[NR] = $1 } END { printf "cold start ms: min %d, median %d, max %d (n=%d)\n",
    v[1], v[int((NR + 1) / 2)], v[NR], NR }'
