#!/usr/bin/env bash
# I/O threads and tail latency: one ddb-local build (in memory) started with --threads 1, 2 and 4 and
# measured in one interleaved ../shared/bench/compare.sh run (workloads a,b,c,d,h, 16 connections); prints
# p50/p99/p99.9 and server CPU us/op per thread count (bench/tails.py). The result files stay in bench/results.
# usage: bench/threads.sh [BUILD_DIR (default build-release)] [extra compare.sh options]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-build-release}/ddb-local"
shift || true
BENCH="$(cd ../shared/bench && pwd)"
OUT="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$OUT"' EXIT
RESULTS="$PWD/bench/results"
args=()
for n in 1 2 4; do
  "$BIN" -inMemory --port 0 --threads "$n" >"$OUT/t$n.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 200); do grep -q "Listening on" "$OUT/t$n.log" && break; sleep 0.05; done
  port=$(sed -n 's/.*Listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$OUT/t$n.log")
  args+=(--target "threads$n=http://127.0.0.1:$port" --pid "threads$n=${pids[-1]}")
done
"$BENCH/compare.sh" "${args[@]}" --workloads a,b,c,d,h --duration 8 --warmup 4 --rounds 2 --items 20000 \
  --out "$RESULTS" "$@" | tee "$OUT/run.log"
python3 bench/tails.py "$(sed -n 's/^results: \([^ ]*\.json\).*/\1/p' "$OUT/run.log" | tail -1)"
