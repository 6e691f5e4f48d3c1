#!/usr/bin/env bash
# Times `refresh` (app/analytics_service) on a generated store; generates it on first use and
# keeps it for the next runs.
# Usage: bench/analytics_refresh/run.sh BUILD_DIR [DB_FILE] [customers] [order_lines] [products]
#   (builds nothing: cmake -DRAPPORT_BENCH=ON ... && cmake --build BUILD_DIR --target
#    bench_analytics_refresh)
# The machine is shared: the load average is printed before and after; compare runs at similar
# load.
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR [DB_FILE] [customers] [order_lines] [products]}
db=${2:-/tmp/rapport-bench-refresh.db}
customers=${3:-1000000}
lines=${4:-10000000}
products=${5:-10000}
bin="$build/bench/analytics_refresh/bench_analytics_refresh"
if [ ! -x "$bin" ]; then
  echo "run.sh: $bin not found; build it with: cmake --build $build --target bench_analytics_refresh" >&2
  exit 2
fi
echo "load before: $(uptime)"
"$bin" "$db" "$customers" "$lines" "$products"
echo "load after: $(uptime)"
