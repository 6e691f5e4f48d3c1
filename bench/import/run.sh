#!/usr/bin/env bash
# Import and export figures, end to end with the real binary, side by side with a bare SQLite
# bulk insert of the same rows in the same run.
# Usage: bench/import/run.sh BUILD_DIR [LINES] [CUSTOMERS]
#   (builds nothing; needs: cmake -DRAPPORT_BENCH=ON ... && cmake --build BUILD_DIR --target
#    rapport bench_import_gen bench_import_bare)
# Prints the machine's load (uptime) with the figures: the machine may be shared.
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR [LINES] [CUSTOMERS]}
lines=${2:-1000000}
customers=${3:-1000000}
rapport="$build/rapport"
gen="$build/bench/import/bench_import_gen"
bare="$build/bench/import/bench_import_bare"
for b in "$rapport" "$gen" "$bare"; do
  [ -x "$b" ] || { echo "run.sh: $b not found (build the targets above)" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
timed() {  # label, command...: wall time and peak RSS of one process
  local label=$1; shift
  /usr/bin/time -f "$label: %e s wall, %M KB peak RSS" "$@"
}

echo "== load before: $(uptime)"
"$gen" invoices "$lines" 1 > "$work/invoices.csv"
echo "generated $lines invoice lines ($(du -h "$work/invoices.csv" | cut -f1))"

echo "== bare SQLite bulk insert (one table, no index, one transaction, synchronous=OFF)"
"$bare" "$work/invoices.csv" "$work/bare.db"

echo "== rapport import invoices (empty store; orders, lines, products, customers, timeline;"
echo "   batches of 200,000 committed with synchronous=FULL)"
"$rapport" demo --db "$work/store.db" --customers 0 > /dev/null
timed "import invoices" "$rapport" import invoices "$work/invoices.csv" --db "$work/store.db"

echo "== customers: import $customers, then export to CSV and XLSX"
"$gen" customers "$customers" 1 > "$work/customers.csv"
"$rapport" demo --db "$work/cust.db" --customers 0 > /dev/null
timed "import customers" "$rapport" import customers "$work/customers.csv" --db "$work/cust.db" \
  --match external_id
timed "export customers csv" "$rapport" export customers --format csv --output "$work/c.csv" \
  --db "$work/cust.db"
timed "export customers xlsx" "$rapport" export customers --format xlsx \
  --output "$work/c.xlsx" --db "$work/cust.db"
ls -la "$work/c.csv" "$work/c.xlsx"
echo "== load after: $(uptime)"
