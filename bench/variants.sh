#!/usr/bin/env bash
# One ddb-local build (in memory) started once per variant of its flags and measured in one interleaved
# ../shared/bench/compare.sh run; prints p50/p99/p99.9 and server CPU us/op per variant (bench/tails.py).
# The result files stay in bench/results.
# usage: bench/variants.sh BUILD_DIR "NAME=FLAGS" "NAME=FLAGS"... [-- compare.sh options]
#   bench/variants.sh build-release "poll0=--idle-poll-us 0" "poll100=--idle-poll-us 100" -- --connections 1
# A variant whose flags start with the path of a ddb-local binary runs that binary instead (another build,
# e.g. one made from an older commit with `git worktree add`):
#   bench/variants.sh build-release "old=/tmp/old/build-release/ddb-local" "new=" "new2=--threads 2"
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$1/ddb-local"
shift
BENCH="$(cd ../shared/bench && pwd)"
OUT="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$OUT"' EXIT
RESULTS="$PWD/bench/results"
args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  name="${1%%=*}"
  read -r -a flags <<<"${1#*=}"
  shift
  bin="$BIN"
  if [ "${#flags[@]}" -gt 0 ] && [ -x "${flags[0]}" ] && [ -f "${flags[0]}" ]; then
    bin="${flags[0]}"
    flags=("${flags[@]:1}")
  fi
  "$bin" -inMemory --port 0 "${flags[@]}" >"$OUT/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 200); do grep -q "Listening on" "$OUT/$name.log" && break; sleep 0.05; done
  port=$(sed -n 's/.*Listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$OUT/$name.log")
  args+=(--target "$name=http://127.0.0.1:$port" --pid "$name=${pids[-1]}")
done
[ "${1:-}" = "--" ] && shift
"$BENCH/compare.sh" "${args[@]}" --workloads a,b,c,d,h --duration 8 --warmup 4 --rounds 2 --items 20000 \
  --out "$RESULTS" "$@" | tee "$OUT/run.log"
python3 bench/tails.py "$(sed -n 's/^results: \([^ ]*\.json\).*/\1/p' "$OUT/run.log" | tail -1)"
