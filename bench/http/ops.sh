#!/usr/bin/env bash
# Operations benchmark (docs/operations.md), all side by side in one run on loopback:
#   1. metrics cost: the same /recommend load on a server with metrics and one with
#      --no-metrics (answer cache off, so every request computes), alternated ROUNDS times;
#   2. answer cache: cold requests (every body new: cold.lua) against repeated ones
#      (recommend.lua's bodies after a warm-up pass), on the in-process tier and on the
#      Redis tier (--cache-size 0 --redis-url), under load (-c CONNECTIONS) and one at a
#      time (-c1: latency without queueing).
# Usage: bench/http/ops.sh SESSIONREC_BINARY MODEL_DIR SESSIONS.jsonl [seconds=10] [rounds=3]
# Env: THREADS (server threads, default 2), CONNECTIONS (32), WRK_THREADS (2), BODIES_N
#      (distinct bodies, default 500).
# Needs wrk and redis-server. Prints one line per run and the ratios at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$1"; model="$2"; sessions="$3"; secs="${4:-10}"; rounds="${5:-3}"
conns="${CONNECTIONS:-32}"; wt="${WRK_THREADS:-2}"; threads="${THREADS:-2}"
out=bench/http/out/ops
mkdir -p "$out"
python3 bench/http/make_bodies.py "$sessions" "$out" --batch-size 10 > /dev/null
# A fixed set of bodies, small enough for the warm-up to put every one in the cache.
head -n "${BODIES_N:-500}" "$out/recommend.txt" > "$out/bodies.txt"
export BODIES="$out/bodies.txt"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done' EXIT

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$out" > "$out/redis.log" 2>&1 &
pids+=($!)

start() {  # NAME FLAGS...: starts a server, sets PORT_<NAME>
  local name="$1"; shift
  "$bin" serve --model-dir "$model" --port 0 --threads "$threads" --log-level warn "$@" \
    > "$out/$name.stdout" 2> "$out/$name.log" &
  pids+=($!)
  local port=""
  for _ in $(seq 1 1200); do
    port=$(sed -n 's|^listening on http://[^:]*:\([0-9]*\)$|\1|p' "$out/$name.stdout" 2>/dev/null || true)
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { echo "$name did not start:"; cat "$out/$name.log"; exit 1; }
  printf -v "PORT_$name" '%s' "$port"
}

# run LABEL PORT SCRIPT CONNS: prints "LABEL req/s p50" and records them.
declare -A RPS P50
run() {
  local label="$1" port="$2" script="$3" c="$4" t="$wt"
  [ "$c" -lt "$t" ] && t="$c"
  local res
  res=$(wrk -t"$t" -c"$c" -d"${secs}s" --latency -s "bench/http/$script" "http://127.0.0.1:$port")
  local rps p50 errs
  rps=$(awk '/^Requests\/sec/{print $2}' <<< "$res")
  p50=$(awk '/^p50:/{print $2}' <<< "$res")
  errs=$(awk '/^non-2xx/{print $NF}' <<< "$res")
  printf '%-34s %10.0f req/s   p50 %7.3f ms   errors %s\n' "$label" "$rps" "$p50" "$errs"
  RPS[$label]=$(awk -v a="${RPS[$label]:-0}" -v b="$rps" 'BEGIN{print a+b}')
  P50[$label]=$(awk -v a="${P50[$label]:-0}" -v b="$p50" 'BEGIN{print a+b}')
}

start metrics --cache-size 0
start nometrics --cache-size 0 --no-metrics
start local --cache-size 100000
start redis --cache-size 0 --redis-url "redis://127.0.0.1:$redis_port"
echo "model $model; $(wc -l < "$BODIES") bodies; server threads $threads; wrk -t$wt -c$conns -d${secs}s"

echo "== 1. metrics cost (cache off), $rounds rounds alternated"
for _ in $(seq 1 "$rounds"); do
  run "metrics on" "$PORT_metrics" recommend.lua "$conns"
  run "metrics off" "$PORT_nometrics" recommend.lua "$conns"
done

echo "== 2. answer cache: cold (every request new) vs repeated (warmed up)"
for tier in local redis; do
  port_var="PORT_$tier"; port="${!port_var}"
  secs_saved="$secs"; secs=3
  run "warm-up $tier" "$port" recommend.lua "$conns" > /dev/null
  secs="$secs_saved"
  for _ in $(seq 1 "$rounds"); do
    run "$tier cold c$conns" "$port" cold.lua "$conns"
    run "$tier repeated c$conns" "$port" recommend.lua "$conns"
    run "$tier cold c1" "$port" cold.lua 1
    run "$tier repeated c1" "$port" recommend.lua 1
  done
done
curl -s "http://127.0.0.1:$PORT_redis/metrics" | grep -E '^sessionrec_(answer_cache|redis)' | sed 's/^/  /'

echo "== ratios (means over $rounds rounds)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a/b}'; }
echo "metrics on / off throughput: $(ratio "${RPS[metrics on]}" "${RPS[metrics off]}")"
for tier in local redis; do
  for c in "c$conns" c1; do
    echo "$tier $c: repeated/cold throughput $(ratio "${RPS[$tier repeated $c]}" "${RPS[$tier cold $c]}")," \
      "cold/repeated p50 latency $(ratio "${P50[$tier cold $c]}" "${P50[$tier repeated $c]}")"
  done
done
