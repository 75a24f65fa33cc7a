#!/usr/bin/env bash
# clang-tidy with the curated profile (.clang-tidy) over every source file of src/; any warning
# fails. Usage: scripts/tidy.sh BUILD_DIR [FILE_REGEX] — BUILD_DIR holds compile_commands.json
# (the test command uses its clang ThreadSanitizer build).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:?usage: scripts/tidy.sh BUILD_DIR [FILE_REGEX]}"
files="${2:-$PWD/src/.*\.cc\$}"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if ! run-clang-tidy -p "$build" -j"$(nproc)" -quiet "$files" >"$out" 2>&1; then
  grep -E "(warning|error):" "$out" | sort -u
  echo "clang-tidy: $(grep -cE '(warning|error):' "$out" | tr -d ' ') findings (profile: .clang-tidy)" >&2
  exit 1
fi
echo "clang-tidy: 0 findings in $(grep -c '"file"' "$build/compile_commands.json") compile commands"
