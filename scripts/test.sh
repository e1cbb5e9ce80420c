#!/usr/bin/env bash
# `npm test`: every test, on the real local stack.
#   1. dependencies (npm ci if needed), rsyslogd with its Kafka output for the producers test
#      (scripts/ensure-rsyslog.sh: apt-get as root when missing, never starts a daemon) and the stack
#      (Kafka, memcached, Elasticsearch: `stack.sh up`, a no-op when it already runs);
#   2. unit specs of every project;
#   3. the apps' builds (integration and end-to-end tests start the built services);
#   4. integration specs, one project at a time, against the real services — nothing mocked.
# A missing service fails the run; nothing is skipped. The last line is "N passed, N failed".
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
source scripts/ensure-deps.sh
bash scripts/stack.sh up

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
export IOCFLOW_JEST_RESULTS="$results"
status=0

# Missing and not installable (not root): the rsyslog integration test fails and says what to install.
bash scripts/ensure-rsyslog.sh || status=1

echo "==> unit tests"
nx run-many -t test --parallel=2 --outputStyle=stream --skip-nx-cache || status=1

echo "==> build"
nx run-many -t build --parallel=1 --outputStyle=stream || status=1

echo "==> integration tests (real Kafka, memcached, Elasticsearch)"
nx run-many -t integration --parallel=1 --outputStyle=stream --skip-nx-cache || status=1

node scripts/summarise-jest.js "$results" || status=1
exit "$status"
