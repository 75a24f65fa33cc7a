#!/usr/bin/env bash
# The README's test command: installs what the tests need, checks formatting, builds with ASan+UBSan
# (warnings are errors), builds ddb-local with ThreadSanitizer for the stress test, runs clang-tidy,
# runs every test tier through ctest, and runs the fuzzers briefly.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --test
# Formatting is part of the build: any difference from .clang-format fails the run (fix: scripts/format.sh).
bash scripts/format.sh --check
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
for d in tests/js tests/cognito tests/oracle tests/web; do
  if [ ! -d "$d/node_modules" ]; then (cd "$d" && npm ci --no-audit --no-fund --loglevel=error); fi
done
# Fuzzers: clang's libFuzzer, a short run each over the kept corpus (crash inputs included).
CXX=clang++ CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDDB_FUZZ=ON -DDDB_TESTS=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_request fuzz_expression fuzz_http fuzz_api fuzz_partiql
# ThreadSanitizer build of ddb-local (for the concurrency stress test) and of the unit tests.
CXX=clang++ CC=clang cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDDB_TSAN=ON -DDDB_TESTS=ON >/dev/null
cmake --build build-tsan -j"$(nproc)" --target ddb-local unit_tests
# Lint: the curated clang-tidy profile over src/ with the clang build's compile commands; any finding fails.
bash scripts/tidy.sh build-tsan
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DDDB_SANITIZE=ON -DDDB_WERROR=ON \
      -DDDB_FUZZ_BIN_DIR="$PWD/build-fuzz" -DDDB_TSAN_BIN_DIR="$PWD/build-tsan" >/dev/null
cmake --build build-test -j"$(nproc)"
# RocksDB is not built with ASan: container-overflow checks across that boundary give false reports.
export ASAN_OPTIONS="detect_container_overflow=0:detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd build-test
ctest --output-on-failure -j2 --timeout 900 "$@"
