#!/usr/bin/env bash
# Runs the browser tests (node's test runner + playwright-core driving Debian's chromium,
# headless) against the given rapport binary and the built web UI in web/dist.
# Usage: tests/browser/run.sh path/to/rapport ARTIFACT_DIR [test files...]
set -euo pipefail
bin=$(realpath "$1"); shift
mkdir -p "$1"
artifacts=$(realpath "$1"); shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ ! -f "$root/web/dist/index.html" ]; then
  echo "browser tests: $root/web/dist is not built (run 'make web')" >&2
  exit 1
fi
chromium=${RAPPORT_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "browser tests: $chromium is missing (scripts/bootstrap.sh test installs it)" >&2
  exit 1
fi
cd "$here/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ $# -eq 0 ]; then set -- browser/*.test.mjs; fi
export RAPPORT_BIN="$bin" RAPPORT_WEB_ROOT="$root/web/dist" RAPPORT_ARTIFACTS="$artifacts"
export RAPPORT_CHROMIUM="$chromium"
exec node --test --test-concurrency=1 "$@"
