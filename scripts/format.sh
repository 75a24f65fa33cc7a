#!/usr/bin/env bash
# Formats every C++ source of the project with clang-format 14 and .clang-format;
# --check changes nothing and fails (listing the files) if any file differs.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files 'src/*.cc' 'src/*.h' 'tests/unit/*.cc' 'tests/fuzz/*.cc' 'tests/layering/*.cc')
if [ "${1:-}" = --check ]; then
  bad=()
  for f in "${files[@]}"; do clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f"); done
  if [ ${#bad[@]} -gt 0 ]; then
    echo "format: ${#bad[@]} files differ from .clang-format (run scripts/format.sh): ${bad[*]}" >&2
    exit 1
  fi
  echo "format: ${#files[@]} files, 0 differences"
else
  clang-format -i "${files[@]}"
fi
