#!/usr/bin/env bash
# Installs what building (and, with --test, testing) needs, from Debian's packages.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
BUILD_PKGS=(build-essential cmake g++ ccache libboost-dev librocksdb-dev rapidjson-dev libfmt-dev libssl-dev
            libsqlite3-dev libpq-dev zlib1g-dev libdeflate-dev libcli11-dev libhiredis-dev libspdlog-dev libhnswlib-dev)
TEST_PKGS=(libgtest-dev clang clang-format clang-tidy libclang-rt-14-dev awscli python3-boto3 python3-pytest nodejs npm postgresql wrk
           openjdk-17-jre-headless chromium openssl redis-server)
want=("${BUILD_PKGS[@]}")
if [ "${1:-}" = "--test" ]; then want+=("${TEST_PKGS[@]}"); fi
missing=()
for p in "${want[@]}"; do
  # node/npm may come from outside Debian on some machines; a working binary is enough.
  if [ "$p" = nodejs ] && command -v node >/dev/null; then continue; fi
  if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
  if [ "$p" = openjdk-17-jre-headless ] && command -v java >/dev/null; then continue; fi
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
