#!/usr/bin/env bash
# Benchmarks cruddur's HTTP API with wrk on the embedded engine: GET /api/message_groups,
# GET /api/messages/<group> and POST /api/messages, 16 connections, 10 s each after a 3 s warm-up.
#   bench/api.sh [build dir (default build-release)] [seconds (default 10)]
# Starts its own `cruddur serve` on free ports with a fresh data directory and stops it afterwards.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build-release}"
secs="${2:-10}"
data="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$build/cruddur" serve --data-dir "$data" --port "$port" --ddb-port 0 > "$data/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do grep -q "^Listening" "$data/log" && break; sleep 0.05; done
export TOKEN=$("$build/cruddur" auth token andrewbrown --data-dir "$data")
export GROUP=5ae290ed-55d1-47a0-bc6d-fe2bc2700399
url="http://127.0.0.1:$port"
run() {  # name, path, script
  wrk -t1 -c16 -d3s -s "$here/lua/$3" "$url$2" > /dev/null
  local cpu0 cpu1 r
  cpu0=$(awk '{print $14+$15}' /proc/$pid/stat)
  r=$(wrk -t1 -c16 -d"${secs}s" -s "$here/lua/$3" "$url$2" | grep '^RESULT')
  cpu1=$(awk '{print $14+$15}' /proc/$pid/stat)
  local ops; ops=$(echo "$r" | sed 's/.*ops\/s=\([0-9]*\).*/\1/')
  printf "%-28s %s srvus/op=%.0f\n" "$1" "$r" "$(echo "($cpu1-$cpu0)*10000/($ops*$secs)" | bc -l)"
}
run "GET /api/message_groups" "/api/message_groups" api_get.lua
run "GET /api/messages/<group>" "/api/messages/$GROUP" api_get.lua
run "POST /api/messages" "/api/messages" api_post.lua
