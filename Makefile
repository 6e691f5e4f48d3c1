# Rapport: the two commands are `make demo` and `make test` (see README.md).
BUILD ?= build
JOBS ?= $(shell nproc)
DEMO_DB ?= rapport-demo.db
LISTEN ?= 127.0.0.1:8080
CMAKE_FLAGS ?=

.PHONY: all deps build web demo test test-unit test-api test-browser asan asan-api bench format format-check tidy clean

all: build

deps:
	@scripts/bootstrap.sh test

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j$(JOBS)

# The web UI (web/dist): npm ci from the committed lockfile when node_modules is missing or older
# than it, then type-check and bundle with Vite; skipped while dist is newer than every source.
WEB_SRC := $(shell find web/src -type f 2>/dev/null) web/index.html web/package.json \
  web/package-lock.json web/vite.config.ts web/tsconfig.json
web/dist/index.html: $(WEB_SRC)
	cd web && if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  npm ci --no-audit --no-fund --loglevel=error; fi && npm run --silent build
	@touch $@

web: deps web/dist/index.html

# A fresh demo store, then the server; the admin password is printed (never a default one).
demo: build web
	$(BUILD)/rapport demo --db $(DEMO_DB) --force
	$(BUILD)/rapport analyze refresh --db $(DEMO_DB) >/dev/null
	@echo "Rapport is at http://$(LISTEN)/  (Ctrl-C stops it)"
	$(BUILD)/rapport serve --db $(DEMO_DB) --listen $(LISTEN) --web-root web/dist --access-log off

test: build web
	cd $(BUILD) && ctest --output-on-failure --timeout 900 -j$(JOBS)

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit

test-api: build
	cd $(BUILD) && ctest --output-on-failure -L api

# The browser tests (headless Debian chromium); screenshots land in $(BUILD)/browser-artifacts.
test-browser: build web
	cd $(BUILD) && ctest --output-on-failure -L browser

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer (run by CI). -O0: on a
# 2-core machine the build takes 255 s instead of 513 s at -O1 and the tests run as long (233 s
# against 234 s), which keeps CI inside its 20 minutes.
asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O0 -g1" \
	  -DRAPPORT_SANITIZE=ON -DRAPPORT_BENCH=OFF -DRAPPORT_WERROR=ON
	cmake --build build-asan -j$(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure --timeout 1200 -j$(JOBS) -LE browser

# Only the API tests against the instrumented server (after `make asan` built it).
asan-api:
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure --timeout 1200 -L api

bench: build
	@scripts/bootstrap.sh bench
	@echo "benchmarks: see bench/README.md"

format:
	clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 'bench/*.hpp')

format-check:
	clang-format --dry-run --Werror $$(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 'bench/*.hpp')

tidy: build
	run-clang-tidy -quiet -p $(BUILD) 'src/' >/dev/null || clang-tidy -p $(BUILD) $$(git ls-files 'src/*.cpp')

clean:
	rm -rf $(BUILD) build-asan
