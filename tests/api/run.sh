#!/usr/bin/env bash
# Runs the API tests (node's test runner) against the given rapport binary.
# Usage: tests/api/run.sh path/to/rapport [test files...]
set -euo pipefail
bin=$(realpath "$1"); shift || true
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
# Dependencies come from the npm registry with the committed lockfile; installed once.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ $# -eq 0 ]; then set -- api/*.test.mjs; fi
export RAPPORT_BIN="$bin"
exec node --test --test-concurrency=${RAPPORT_TEST_CONCURRENCY:-2} "$@"
