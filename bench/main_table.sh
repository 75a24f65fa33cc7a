#!/usr/bin/env bash
# The README's main performance table in one command: ddb-local in memory and with -dbPath, Amazon
# DynamoDB Local 1.25.1 (in memory) and dynalite (in memory), each started here, measured in one
# interleaved ../shared/bench/compare.sh run of every workload (16 connections, 100k items, 10 s of
# warm-up and 10 s measured per workload and target); prints the summary, then the table of
# p50/p99/p99.9 and server CPU us/op (bench/tails.py). The oracles come from tests/oracle (npm ci there,
# which scripts/test.sh does).
# usage: bench/main_table.sh BUILD_DIR [compare.sh options, e.g. --rounds 2 --workloads b,c]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$(cd "$1" && pwd)/ddb-local"
shift
BENCH="$(cd ../shared/bench && pwd)"
ORACLE="$PWD/tests/oracle/node_modules"
OUT="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$OUT"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# start NAME PORT COMMAND...: runs it in the background and waits until the port answers HTTP.
args=()
start() {
  local name=$1 port=$2
  shift 2
  (cd "$OUT" && exec "$@") >"$OUT/$name.log" 2>&1 &
  pids+=($!)
  for i in $(seq 600); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    [ "$i" = 600 ] && { echo "$name did not start:" >&2; cat "$OUT/$name.log" >&2; exit 1; }
    sleep 0.05
  done
  args+=(--target "$name=http://127.0.0.1:$port" --pid "$name=${pids[-1]}")
}
p=$(free_port)
start ours-mem "$p" "$BIN" -inMemory -port "$p"
p=$(free_port)
mkdir "$OUT/db"
start ours-disk "$p" "$BIN" -dbPath "$OUT/db" -port "$p"
p=$(free_port)
start ddblocal "$p" java -Djava.library.path="$ORACLE/amplify-dynamodb-simulator/emulator/DynamoDBLocal_lib" \
  -jar "$ORACLE/amplify-dynamodb-simulator/emulator/DynamoDBLocal.jar" -inMemory -port "$p" -disableTelemetry
p=$(free_port)
start dynalite "$p" "$ORACLE/.bin/dynalite" --port "$p"
"$BENCH/compare.sh" "${args[@]}" --rounds 1 --out "$PWD/bench/results" "$@" | tee "$OUT/run.log"
python3 bench/tails.py "$(sed -n 's/^results: \([^ ]*\.json\).*/\1/p' "$OUT/run.log" | tail -1)"
