#!/usr/bin/env bash
# Installs the pinned npm dependencies (including the Node 24 runtime from the `node` package)
# when node_modules is missing or older than package-lock.json. Sourced by demo.sh and test.sh.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ ! -x "$repo/node_modules/.bin/nx" ] || [ "$repo/package-lock.json" -nt "$repo/node_modules/.package-lock.json" ]; then
  echo "==> installing npm dependencies (npm ci)"
  (cd "$repo" && npm ci --no-audit --no-fund)
fi
# Our kafkajs patch (idempotent; npm ci runs it as postinstall, this covers older installs).
node "$repo/scripts/patch-kafkajs.cjs"
export PATH="$repo/node_modules/.bin:$PATH"
