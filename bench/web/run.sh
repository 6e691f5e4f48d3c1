#!/usr/bin/env bash
# The web UI in headless chromium (bench/web/measure.mjs): time to interactive of the dashboard
# on first load (cold cache, demo store), the JavaScript bundle gzipped, and customer search as
# you type (keystroke to results visible).
# Usage: bench/web/run.sh path/to/rapport [SEARCH_DB]
#   The dashboard is measured on a fresh `rapport demo` store (20,000 customers) after an
#   analytics refresh. Search is measured on the same store, and also on SEARCH_DB when given
#   (e.g. the 1M-customer store of bench/customers/run.sh).
# Needs web/dist (make web), /usr/bin/chromium and tests/node_modules (playwright-core).
# Run by hand (not a test).
set -euo pipefail
bin=$(realpath "$1")
search_db=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ -f "$root/web/dist/index.html" ] || { echo "build the web UI first: make web" >&2; exit 1; }
(cd "$root/tests" && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; })
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" demo --db "$work/demo.db" >"$work/demo.txt"
"$bin" analyze refresh --db "$work/demo.db" >/dev/null
export NODE_PATH="$root/tests/node_modules"
node "$here/measure.mjs" "$bin" "$root/web/dist" "$work/demo.db" "$work/demo.txt" "$search_db"
