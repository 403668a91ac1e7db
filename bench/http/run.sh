#!/usr/bin/env bash
# HTTP benchmark of `sessionrec serve` with wrk on loopback (server and wrk share the
# machine). Builds nothing: pass a Release binary.
#
# Usage: bench/http/run.sh SESSIONREC_BINARY MODEL_DIR SESSIONS.jsonl [seconds=20]
#   SESSIONS.jsonl: OTTO JSONL sessions to make request bodies from (e.g. the test.jsonl
#   written by `sessionrec split`, or ../shared/data/otto-sample/train.jsonl).
# Env: THREADS (server threads, default: cores), CONNECTIONS (32), WRK_THREADS (2),
#      SERVE_ARGS (extra flags for serve).
# Prints: time to the first answer, /recommend req/s and latency, /batch_recommend of
# 1,000 sessions (sessions/s), server RSS against the model directory's size.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$1"; model="$2"; sessions="$3"; secs="${4:-20}"
conns="${CONNECTIONS:-32}"; wrk_threads="${WRK_THREADS:-2}"
out=bench/http/out
python3 bench/http/make_bodies.py "$sessions" "$out" --batch-size 1000

log="$out/serve.log"
start_ns=$(date +%s%N)
"$bin" serve --model-dir "$model" --port 0 ${THREADS:+--threads "$THREADS"} ${SERVE_ARGS:-} \
  > "$out/serve.stdout" 2> "$log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' EXIT
port=""
for _ in $(seq 1 600); do
  port=$(sed -n 's|^listening on http://[^:]*:\([0-9]*\)$|\1|p' "$out/serve.stdout" 2>/dev/null || true)
  [ -n "$port" ] && break
  sleep 0.01
done
[ -n "$port" ] || { echo "server did not start:"; cat "$log"; exit 1; }
url="http://127.0.0.1:$port"
first=$(head -n1 "$out/recommend.txt")
until curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -d "$first" "$url/recommend"; do
  sleep 0.005
done
end_ns=$(date +%s%N)
echo "start-up to the first /recommend answer: $(( (end_ns - start_ns) / 1000000 )) ms"
grep -E "loaded model|listening" "$log" | sed 's/^/  /'

echo "== /recommend: wrk -t$wrk_threads -c$conns -d${secs}s (bodies: $(wc -l < "$out/recommend.txt") sessions)"
BODIES="$out/recommend.txt" wrk -t"$wrk_threads" -c"$conns" -d"${secs}s" --latency \
  -s bench/http/recommend.lua "$url"
echo "== /batch_recommend of 1000 sessions: wrk -t2 -c2 -d${secs}s"
BATCH="$out/batch.json" wrk -t2 -c2 -d"${secs}s" -s bench/http/batch.lua "$url"

rss_kb=$(awk '/VmHWM/{print $2}' /proc/$pid/status)
model_kb=$(du -sk "$model" | cut -f1)
echo "server peak RSS: $((rss_kb / 1024)) MiB; model dir: $((model_kb / 1024)) MiB;" \
  "budget (model + 200 MiB): $(((model_kb / 1024) + 200)) MiB"
kill -TERM $pid
wait $pid && echo "SIGTERM: exit 0"
trap - EXIT
