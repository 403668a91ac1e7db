#!/usr/bin/env bash
# Builds the libFuzzer target for the HTTP request decoder with clang and runs it for a
# bounded time. Usage: scripts/fuzz.sh [seconds=60] [jobs=1]
# The build goes to build-fuzz/, the growing corpus to build-fuzz/corpus/ (seeded from
# fuzz/corpus/request_codec), crashes to build-fuzz/artifacts/. Exits non-zero on a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
jobs="${2:-1}"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSESSIONREC_FUZZ=ON -DSESSIONREC_BUILD_TESTS=OFF -DSESSIONREC_SANITIZE=OFF >/dev/null
ninja -C build-fuzz request_codec_fuzz
mkdir -p build-fuzz/corpus build-fuzz/artifacts
cp -n fuzz/corpus/request_codec/* build-fuzz/corpus/ 2>/dev/null || true
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
parallel=()
[ "$jobs" -gt 1 ] && parallel=(-fork="$jobs")
exec build-fuzz/fuzz/request_codec_fuzz build-fuzz/corpus "${parallel[@]}" \
  -dict=fuzz/request_codec.dict -max_total_time="$seconds" -max_len=65536 -timeout=10 \
  -rss_limit_mb=2048 -artifact_prefix=build-fuzz/artifacts/ -print_final_stats=1
