#!/usr/bin/env bash
# Installs the Debian 12 packages Rapport needs to build, test and run, if any are missing.
# Usage: scripts/bootstrap.sh [build|test|bench]   (default: test)
# Uses sudo when not root. Safe to run repeatedly: it installs nothing when all is present.
set -euo pipefail
what=${1:-test}

build_pkgs=(g++ cmake make pkg-config libsqlite3-dev librestinio-dev libasio-dev nlohmann-json3-dev
  libsodium-dev libcli11-dev libspdlog-dev libtomlplusplus-dev libhowardhinnant-date-dev libfmt-dev
  libeigen3-dev libphonenumber-dev libxlsxwriter-dev libpcre2-dev zlib1g-dev libcmark-dev libgtest-dev libgmock-dev libbenchmark-dev sqlite3 ca-certificates
  tzdata)  # tzdata: the business time zone (date/tz reads /usr/share/zoneinfo)
test_pkgs=(curl clang-format chromium fonts-wqy-microhei)  # the browser tests: headless chromium, a CJK font for the screenshots
bench_pkgs=(wrk hyperfine)

pkgs=("${build_pkgs[@]}")
case "$what" in
  build) ;;
  test) pkgs+=("${test_pkgs[@]}") ;;
  bench) pkgs+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "bootstrap: unknown target '$what' (build|test|bench)" >&2; exit 2 ;;
esac
# Node.js runs the API tests, the OpenAPI validator and the web build. A machine may already have
# a newer Node (with its own npm) from elsewhere; only install Debian's when there is none.
if [ "$what" != build ] && ! command -v node >/dev/null 2>&1; then pkgs+=(nodejs npm); fi
if [ "$what" != build ] && ! command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1; then
  pkgs+=(npm)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi

echo "bootstrap: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
