#!/usr/bin/env bash
# Builds sessionrec with address+undefined sanitizers and runs the whole test suite.
# Usage: scripts/test.sh   (from anywhere; the build goes to build-test/)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSESSIONREC_SANITIZE=ON \
  -DSESSIONREC_BUILD_TESTS=ON >/dev/null
cmake --build build-test -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-test --output-on-failure -j"$(nproc)"
