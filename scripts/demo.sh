#!/usr/bin/env bash
# The main job on a fresh machine: install dependencies, build (Release), generate the
# built-in demo data, split it with the OTTO protocol, train, evaluate, then serve on
# 127.0.0.1:5000 until Ctrl-C.
#
#   bash scripts/demo.sh                 # everything, ends serving
#   SESSIONS=200000 bash scripts/demo.sh # a bigger demo
#   NO_SERVE=1 bash scripts/demo.sh      # stop after the evaluation
set -euo pipefail
cd "$(dirname "$0")/.."
SESSIONS=${SESSIONS:-50000}
DEMO=${DEMO_DIR:-demo}
PORT=${PORT:-5000}

bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSESSIONREC_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target sessionrec
bin=build/src/sessionrec
mkdir -p "$DEMO"

echo "== generate $SESSIONS synthetic sessions"
"$bin" generate --sessions "$SESSIONS" --seed 42 --output "$DEMO/events.jsonl"
echo "== split (OTTO protocol, last 7 days are the test period)"
"$bin" split --data "$DEMO/events.jsonl" --days 7 --seed 0 --out-dir "$DEMO/split"
echo "== train"
"$bin" train --input "$DEMO/split/train.jsonl" --model-dir "$DEMO/model"
echo "== recommend + evaluate (official protocol: session items allowed)"
"$bin" recommend --model-dir "$DEMO/model" --input "$DEMO/split/test_sessions.jsonl" \
  --output "$DEMO/predictions.csv" --include-seen
"$bin" evaluate --labels "$DEMO/split/test_labels.jsonl" --predictions "$DEMO/predictions.csv" \
  --sessions "$DEMO/split/test_sessions.jsonl"

if [ -n "${NO_SERVE:-}" ]; then exit 0; fi
echo "== serve on 127.0.0.1:$PORT (Ctrl-C to stop)"
exec "$bin" serve --model-dir "$DEMO/model" --host 127.0.0.1 --port "$PORT"
