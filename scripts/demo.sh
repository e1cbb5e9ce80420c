#!/usr/bin/env bash
# `npm run demo`: the main job end to end on the local stack.
#   1. dependencies and the stack (Kafka, memcached, Elasticsearch), then the builds;
#   2. a MISP stand-in serving real MISP events (PyMISP's, test/fixtures) under the feed tags a MISP
#      fed by feeds gives them (tools/demo/misp-event-feeds.json);
#   3. misp-sync --once with two sources: that MISP, and a MISP-format feed directory read directly
#      (FEED_URL, test/fixtures/derived/misp-feed) -> memcached + the compacted indicator topic;
#   4. enricher, indexer and hunter (retro-hunt) as background services;
#   5. real log samples (Zeek DNS and HTTP, nginx, plus planted indicators of both sources) into
#      raw-logs, then a table of what reached Elasticsearch with which misp_src;
#   6. retro-hunt: one event indexed while its domain is no indicator, then the domain added to a
#      MISP event and synced: the hunter's alert for the already-indexed event;
#   7. the services are stopped with SIGTERM (graceful: drain, commit, leave the group).
# Left running afterwards: only the local stack (`npm run stack:down` stops it).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
source scripts/ensure-deps.sh
bash scripts/stack.sh up
echo "==> build"
nx run-many -t build --projects=misp-sync,enricher,indexer,hunter,misp-standin,demo --parallel=1 --outputStyle=stream >/dev/null

run_dir="${IOCFLOW_STACK_DIR:-/var/tmp/iocflow-stack}/demo"
mkdir -p "$run_dir"
echo "==> service logs in $run_dir"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
export MEMCACHED_SERVERS="${MEMCACHED_SERVERS:-127.0.0.1:${MEMCACHED_PORT:-11211}}"
export ELASTICSEARCH_URL="${ELASTICSEARCH_URL:-http://127.0.0.1:${ELASTICSEARCH_PORT:-9200}}"
export RAW_LOGS_TOPIC="${RAW_LOGS_TOPIC:-raw-logs}" ENRICHED_LOGS_TOPIC="${ENRICHED_LOGS_TOPIC:-enriched-logs}" IOC_TOPIC="${IOC_TOPIC:-misp-iocs}" THREAT_HITS_TOPIC="${THREAT_HITS_TOPIC:-threat-hits}"
export ELASTICSEARCH_INDEX="${ELASTICSEARCH_INDEX:-iocflow-logs}"
standin_port="${MISP_STANDIN_PORT:-18088}"
export MISP_STANDIN_API_KEY="demo-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

wait_http() { # url seconds
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    if ((SECONDS > deadline)); then echo "timed out waiting for $1" >&2; return 1; fi
    sleep 0.5
  done
}

echo "==> MISP stand-in (real MISP events from test/fixtures, under feed tags) on 127.0.0.1:$standin_port"
MISP_STANDIN_PORT="$standin_port" MISP_STANDIN_EVENT_TAGS="$repo/tools/demo/misp-event-feeds.json" \
  node dist/tools/misp-standin/main.js >"$run_dir/misp-standin.log" 2>&1 &
pids+=($!)
until grep -q "listening" "$run_dir/misp-standin.log" 2>/dev/null; do
  kill -0 "${pids[-1]}" 2>/dev/null || { cat "$run_dir/misp-standin.log" >&2; exit 1; }
  sleep 0.2
done

# A full pull every time (MISP_FULL_SYNC_INTERVAL=0): the stack's indicator topic may hold state from an
# earlier demo, and a full pull reconciles it with what the stand-in serves now.
feed_dir="$repo/test/fixtures/derived/misp-feed"
echo "==> misp-sync --once: the MISP stand-in and the MISP feed file://$feed_dir"
MISP_URL="http://127.0.0.1:$standin_port" MISP_API_KEY="$MISP_STANDIN_API_KEY" MISP_INITIAL_LOOKBACK="${MISP_INITIAL_LOOKBACK:-36500d}" \
  IOC_EXPIRY="${IOC_EXPIRY:-false}" MISP_PUBLISHED_ONLY="${MISP_PUBLISHED_ONLY:-false}" \
  MISP_FULL_SYNC_INTERVAL=0 FEED_URL="file://$feed_dir" FEED_NAME="${FEED_NAME:-Feed-Ransomware-IOCs}" \
  node dist/apps/misp-sync/main.js --once >"$run_dir/misp-sync.log" 2>&1 || { tail -20 "$run_dir/misp-sync.log" >&2; exit 1; }
grep -h '"message"' "$run_dir/misp-sync.log" | tail -3

echo "==> the log topic $RAW_LOGS_TOPIC (the users' to create; the enricher waits for no topic it reads)"
node dist/tools/demo/main.js topics

echo "==> enricher, indexer and hunter"
HTTP_PORT=19101 node dist/apps/enricher/main.js >"$run_dir/enricher.log" 2>&1 &
pids+=($!)
HTTP_PORT=19102 node dist/apps/indexer/main.js >"$run_dir/indexer.log" 2>&1 &
pids+=($!)
# a new group each run, starting at the topic's end: only what changes from now on is hunted
HTTP_PORT=19103 HUNTER_GROUP_ID="iocflow-demo-hunter-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')" RETRO_HUNT_START=latest \
  node dist/apps/hunter/main.js >"$run_dir/hunter.log" 2>&1 &
pids+=($!)
wait_http http://127.0.0.1:19101/health/ready 90 || { tail -20 "$run_dir/enricher.log" >&2; exit 1; }
wait_http http://127.0.0.1:19102/health/ready 90 || { tail -20 "$run_dir/indexer.log" >&2; exit 1; }
wait_http http://127.0.0.1:19103/health/ready 90 || { tail -20 "$run_dir/hunter.log" >&2; exit 1; }

echo "==> logs in, enriched documents out"
node dist/tools/demo/main.js

echo "==> retro-hunt: an event indexed before its indicator existed"
retro_domain=$(node dist/tools/demo/main.js retro-plant)
# the change in MISP (the stand-in's control API), then an incremental sync publishes it
curl -fsS -o /dev/null -X POST -H 'content-type: application/json' \
  -d "{\"type\":\"domain\",\"value\":\"$retro_domain\",\"to_ids\":true}" \
  "http://127.0.0.1:$standin_port/__standin/events/5b646415-7b48-40d5-86b4-c0070acd0835/attributes"
MISP_URL="http://127.0.0.1:$standin_port" MISP_API_KEY="$MISP_STANDIN_API_KEY" MISP_INITIAL_LOOKBACK="${MISP_INITIAL_LOOKBACK:-36500d}" \
  IOC_EXPIRY="${IOC_EXPIRY:-false}" MISP_PUBLISHED_ONLY="${MISP_PUBLISHED_ONLY:-false}" \
  FEED_URL="file://$feed_dir" FEED_NAME="${FEED_NAME:-Feed-Ransomware-IOCs}" \
  node dist/apps/misp-sync/main.js --once >>"$run_dir/misp-sync.log" 2>&1 || { tail -20 "$run_dir/misp-sync.log" >&2; exit 1; }
node dist/tools/demo/main.js retro-check "$retro_domain"
