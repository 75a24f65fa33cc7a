#!/usr/bin/env bash
# The README's run command: installs build dependencies, builds (Release), and runs the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DDDB_TESTS=OFF >/dev/null
cmake --build build-release -j"$(nproc)"
exec ./build-release/ddb-local -port 8000 -dbPath ./data "$@"
