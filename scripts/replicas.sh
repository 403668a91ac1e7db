#!/usr/bin/env bash
# Two `sessionrec serve` replicas behind nginx, sharing one Redis, all on loopback: the
# topology of docker-compose.yml without Docker (docs/operations.md).
#
# Usage: scripts/replicas.sh MODEL_DIR [RUN_DIR]
#   Starts redis-server, two replicas (--redis-url to that Redis) and nginx (round robin
#   over both, retrying the other replica on errors), waits until every replica has loaded
#   the model, writes RUN_DIR/ports.env and RUN_DIR/ready, prints the URLs, and runs until
#   SIGINT/SIGTERM, which stops everything (the replicas drain first).
# Env: SESSIONREC (binary; default build-release/src/sessionrec, else build/src/sessionrec),
#      NGINX_PORT (default 8080), REDIS_PORT, REPLICA_PORTS ("P1 P2"): 0 or unset picks free
#      ports (REDIS_PORT, REPLICA_PORTS); THREADS (per replica, default 1);
#      SERVE_ARGS (extra serve flags, e.g. --admin-token ...).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
model="$(cd "${1:?usage: scripts/replicas.sh MODEL_DIR [RUN_DIR]}" && pwd)"
run="${2:-$(mktemp -d /tmp/sessionrec-replicas.XXXXXX)}"
mkdir -p "$run"
run="$(cd "$run" && pwd)"

bin="${SESSIONREC:-}"
if [ -z "$bin" ]; then
  for c in "$here/build-release/src/sessionrec" "$here/build/src/sessionrec"; do
    [ -x "$c" ] && { bin="$c"; break; }
  done
fi
[ -x "$bin" ] || { echo "replicas: no sessionrec binary (set SESSIONREC)" >&2; exit 1; }
find_bin() { command -v "$1" 2>/dev/null || { [ -x "/usr/sbin/$1" ] && echo "/usr/sbin/$1"; } || true; }
redis_bin="$(find_bin redis-server)"
nginx_bin="$(find_bin nginx)"
[ -n "$redis_bin" ] || { echo "replicas: redis-server not installed (apt-get install redis-server)" >&2; exit 1; }
[ -n "$nginx_bin" ] || { echo "replicas: nginx not installed (apt-get install nginx)" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
nginx_port="${NGINX_PORT:-8080}"; [ "$nginx_port" = 0 ] && nginx_port="$(free_port)"
redis_port="${REDIS_PORT:-0}"; [ "$redis_port" = 0 ] && redis_port="$(free_port)"
read -r p1 p2 <<< "${REPLICA_PORTS:-0 0}"
[ "${p1:-0}" = 0 ] && p1="$(free_port)"
[ "${p2:-0}" = 0 ] && p2="$(free_port)"

pids=()
cleanup() {
  trap - EXIT INT TERM
  [ -f "$run/nginx.pid" ] && kill -QUIT "$(cat "$run/nginx.pid")" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -f "$run/ready"
  echo "replicas: stopped"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

"$redis_bin" --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$run" \
  --daemonize no > "$run/redis.log" 2>&1 &
pids+=($!)

i=0
for port in "$p1" "$p2"; do
  i=$((i + 1))
  # shellcheck disable=SC2086
  "$bin" serve --model-dir "$model" --host 127.0.0.1 --port "$port" --threads "${THREADS:-1}" \
    --redis-url "redis://127.0.0.1:$redis_port" ${SERVE_ARGS:-} \
    > "$run/replica$i.out" 2> "$run/replica$i.log" &
  pids+=($!)
done

# A replica prints "listening on" once its model is live.
for i in 1 2; do
  for _ in $(seq 1 1200); do
    grep -q '^listening on' "$run/replica$i.out" 2>/dev/null && break
    kill -0 "${pids[$i]}" 2>/dev/null || { echo "replicas: replica $i exited:" >&2; cat "$run/replica$i.log" >&2; exit 1; }
    sleep 0.05
  done
  grep -q '^listening on' "$run/replica$i.out" || { echo "replicas: replica $i not ready after 60 s" >&2; exit 1; }
done

user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"  # workers must reach the temp dirs in $run
sed -e "s|@USER@|$user_line|" -e "s|@RUN@|$run|g" -e "s|@LISTEN@|127.0.0.1:$nginx_port|" \
    -e "s|@REPLICA1@|127.0.0.1:$p1|" -e "s|@REPLICA2@|127.0.0.1:$p2|" \
    "$here/deploy/nginx-replicas.conf.in" > "$run/nginx.conf"
"$nginx_bin" -p "$run" -c "$run/nginx.conf" -e "$run/nginx.log" &
pids+=($!)
for _ in $(seq 1 200); do
  curl -sf -o /dev/null "http://127.0.0.1:$nginx_port/ready" && break
  sleep 0.05
done
curl -sf -o /dev/null "http://127.0.0.1:$nginx_port/ready" \
  || { echo "replicas: nginx not answering:" >&2; cat "$run/nginx.log" >&2; exit 1; }

cat > "$run/ports.env" <<ENV
NGINX_PORT=$nginx_port
REDIS_PORT=$redis_port
REPLICA1_PORT=$p1
REPLICA2_PORT=$p2
ENV
echo "nginx   http://127.0.0.1:$nginx_port  (round robin over both replicas)"
echo "replica http://127.0.0.1:$p1  http://127.0.0.1:$p2"
echo "redis   redis://127.0.0.1:$redis_port"
echo "logs    $run"
touch "$run/ready"
wait "${pids[0]}"
