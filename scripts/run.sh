#!/usr/bin/env bash
# The README's run command: installs build dependencies, builds (Release), and runs the main job,
# `cruddur serve` with demo data on embedded defaults (API on :4567, DynamoDB endpoint on :8000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DDDB_TESTS=OFF >/dev/null
cmake --build build-release -j"$(nproc)"
exec ./build-release/cruddur serve --data-dir ./cruddur-data "$@"
