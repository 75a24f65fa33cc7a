#!/usr/bin/env bash
# I/O threads and tail latency: one ddb-local build (in memory) started with --threads 1, 2 and 4 and
# measured in one interleaved ../shared/bench/compare.sh run (workloads a,b,c,d,h, 16 connections); prints
# p50/p99/p99.9 and server CPU us/op per thread count (bench/tails.py). The result files stay in bench/results.
# usage: bench/threads.sh [BUILD_DIR (default build-release)] [extra compare.sh options]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${1:-build-release}"
shift || true
exec bench/variants.sh "$BUILD" "threads1=--threads 1" "threads2=--threads 2" "threads4=--threads 4" -- "$@"
