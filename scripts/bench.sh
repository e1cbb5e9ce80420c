#!/usr/bin/env bash
# `npm run bench [name...]`: bundles the benchmarks and runs them on the local stack.
# Without names it runs every dist/bench/*.js; results go to stdout (copy them into docs/benchmarks.md).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
source scripts/ensure-deps.sh
bash scripts/stack.sh up
nx run bench:build --outputStyle=stream
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for file in dist/bench/*.js; do names+=("$(basename "$file" .js)"); done
fi
for name in "${names[@]}"; do
  echo "==> bench $name"
  node --expose-gc "dist/bench/$name.js"
done
