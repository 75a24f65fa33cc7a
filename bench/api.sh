#!/usr/bin/env bash
# Benchmarks cruddur's HTTP API with wrk: GET /api/message_groups, GET /api/messages/<group> (the
# newest page) and POST /api/messages, 16 connections, N s each after a 3 s warm-up, once per cache
# mode in one run: none (every read to DynamoDB), embedded (the default) and Redis (a throwaway
# redis-server). Reports req/s, p50/p99, server CPU µs per request and the DynamoDB calls the API
# made per request (from GET /api/stats; the stream worker's own calls are not counted).
#   bench/api.sh [build dir (default build-release)] [seconds (default 10)] [modes (default "none embedded redis")]
# Starts its own `cruddur serve` per mode on free ports with a fresh data directory, and stops it.
# With REMOTE=1 each cruddur talks to its own ddb-local over HTTP (--ddb-endpoint) instead of the
# embedded engine in its process: DynamoDB calls then cost a round trip, as they do in production.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build-release}"
secs="${2:-10}"
modes="${3:-none embedded redis}"
export GROUP=5ae290ed-55d1-47a0-bc6d-fe2bc2700399
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

redis_url=""
if [[ " $modes " == *" redis "* ]]; then
  rport=$(free_port)
  redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no > /dev/null &
  pids+=($!)
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$rport") 2>/dev/null && break; sleep 0.05; done
  redis_url="redis://127.0.0.1:$rport/0"
fi

calls() { curl -s "$1/api/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["dynamodb_calls"])'; }

printf "%-10s %-28s %9s %8s %8s %10s %12s\n" cache request "req/s" "p50 ms" "p99 ms" "srv µs/req" "DDB calls/req"
for mode in $modes; do
  data="$(mktemp -d)"
  port=$(free_port)
  url_flag="$mode"
  [ "$mode" = redis ] && url_flag="$redis_url"
  ddb_flags=(--ddb-port 0)
  if [ "${REMOTE:-0}" = 1 ]; then
    "$build/ddb-local" -inMemory -sharedDb --port 0 > "$data/ddb.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 200); do grep -q "^Listening" "$data/ddb.log" && break; sleep 0.05; done
    ddb_flags=(--ddb-endpoint "$(sed -n 's/^Listening on \(http[^ ]*\).*/\1/p' "$data/ddb.log" | head -1)")
  fi
  AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench \
    "$build/cruddur" serve --data-dir "$data" --port "$port" "${ddb_flags[@]}" --cache-url "$url_flag" > "$data/log" 2>&1 &
  pid=$!
  pids+=($pid)
  for _ in $(seq 200); do grep -q "^Listening" "$data/log" && break; sleep 0.05; done
  export TOKEN=$("$build/cruddur" auth token andrewbrown --data-dir "$data")
  url="http://127.0.0.1:$port"
  sleep 1  # let the stream worker finish the seed's records (their invalidations are not the load's)
  run() {  # name, path, script
    wrk -t1 -c16 -d3s -s "$here/lua/$3" "$url$2" > /dev/null
    local cpu0 cpu1 r c0 c1 ops p50 p99 n
    c0=$(calls "$url")
    cpu0=$(awk '{print $14+$15}' /proc/$pid/stat)
    r=$(wrk -t1 -c16 -d"${secs}s" -s "$here/lua/$3" "$url$2" | grep '^RESULT')
    cpu1=$(awk '{print $14+$15}' /proc/$pid/stat)
    c1=$(calls "$url")
    ops=$(echo "$r" | sed 's/.*ops\/s=\([0-9]*\).*/\1/')
    p50=$(echo "$r" | sed 's/.*p50ms=\([0-9.]*\).*/\1/')
    p99=$(echo "$r" | sed 's/.*p99ms=\([0-9.]*\).*/\1/')
    n=$((ops * secs))
    printf "%-10s %-28s %9s %8s %8s %10.0f %12.2f\n" "$mode" "$1" "$ops" "$p50" "$p99" \
      "$(echo "($cpu1-$cpu0)*10000/$n" | bc -l)" "$(echo "($c1-$c0)/$n" | bc -l)"
  }
  run "GET /api/message_groups" "/api/message_groups" api_get.lua
  run "GET /api/messages/<group>" "/api/messages/$GROUP" api_get.lua
  run "POST /api/messages" "/api/messages" api_post.lua
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
done
