#!/usr/bin/env bash
# Records the real `_bulk` responses that classify-bulk-item.spec.ts is table-tested against.
# Run against the local stack (bash scripts/stack.sh up):
#   bash libs/common/core/src/elasticsearch/__fixtures__/record-bulk-fixtures.sh
# Each scenario provokes one failure on a throw-away index (iocflow-fixture-<scenario>), writes
# the response body to <scenario>.json and deletes the index. Nothing cluster-wide is changed.
set -euo pipefail
ES="${ELASTICSEARCH_URL:-http://127.0.0.1:9200}"
OUT="$(cd "$(dirname "$0")" && pwd)"

es() { curl -sS -H 'content-type: application/json' "$@"; }
bulk() { # <fixture name> <ndjson body> [query string]
  printf '%s' "$2" | curl -sS -H 'content-type: application/x-ndjson' -X POST "$ES/_bulk?${3:-}" --data-binary @- \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); d["took"]=0; print(json.dumps(d, indent=2))' >"$OUT/$1.json"
  echo "recorded $1.json"
}
reset() { es -X DELETE "$ES/iocflow-fixture-$1?ignore_unavailable=true" >/dev/null; }

# created, then the same ids again: updated (an idempotent replay)
reset ok; es -X PUT "$ES/iocflow-fixture-ok" -d '{"settings":{"number_of_replicas":0}}' >/dev/null
body=$'{"index":{"_index":"iocflow-fixture-ok","_id":"t-0-1"}}\n{"misp_src":"none"}\n{"index":{"_index":"iocflow-fixture-ok","_id":"t-0-2"}}\n{"misp_src":"Feed-X"}\n'
bulk created "$body"; bulk replayed "$body"; reset ok

# create on an existing id: 409 version conflict (what a replay would get with `create`)
reset conflict; es -X PUT "$ES/iocflow-fixture-conflict" -d '{"settings":{"number_of_replicas":0}}' >/dev/null
bulk version-conflict $'{"index":{"_index":"iocflow-fixture-conflict","_id":"a"}}\n{"x":1}\n{"create":{"_index":"iocflow-fixture-conflict","_id":"a"}}\n{"x":1}\n'
reset conflict

# create, then the same ids created again: 201, then 409 for each (a replay in data-stream mode,
# which sends `create`; recorded on a plain index: the item shape is the same, and the local
# integ-test zip cannot delete a data stream once created)
reset create; es -X PUT "$ES/iocflow-fixture-create" -d '{"settings":{"number_of_replicas":0}}' >/dev/null
body=$'{"create":{"_index":"iocflow-fixture-create","_id":"t-0-1"}}\n{"@timestamp":"2026-01-01T00:00:00Z"}\n{"create":{"_index":"iocflow-fixture-create","_id":"t-0-2"}}\n{"@timestamp":"2026-01-01T00:00:01Z"}\n'
bulk create-created "$body"; bulk create-replayed "$body"; reset create

# a value that does not fit the mapping, an unparsable source, too many fields, a strict mapping
reset mapping; es -X PUT "$ES/iocflow-fixture-mapping" -d '{"settings":{"number_of_replicas":0,"mapping.total_fields.limit":3},"mappings":{"properties":{"n":{"type":"long"},"@timestamp":{"type":"date"}}}}' >/dev/null
bulk mapping-conflict $'{"index":{"_index":"iocflow-fixture-mapping","_id":"1"}}\n{"n":"not a number"}\n{"index":{"_index":"iocflow-fixture-mapping","_id":"2"}}\n{"n":7}\n'
bulk bad-date $'{"index":{"_index":"iocflow-fixture-mapping","_id":"1"}}\n{"@timestamp":"yesterday"}\n'
bulk malformed-source $'{"index":{"_index":"iocflow-fixture-mapping","_id":"1"}}\n{"n":1,}\n{"index":{"_index":"iocflow-fixture-mapping","_id":"2"}}\n{"n":2}\n'
bulk fields-limit $'{"index":{"_index":"iocflow-fixture-mapping","_id":"1"}}\n{"a":1,"b":2,"c":3,"d":4}\n'
reset mapping
reset strict; es -X PUT "$ES/iocflow-fixture-strict" -d '{"settings":{"number_of_replicas":0},"mappings":{"dynamic":"strict","properties":{"a":{"type":"keyword"}}}}' >/dev/null
bulk strict-dynamic-mapping $'{"index":{"_index":"iocflow-fixture-strict","_id":"1"}}\n{"a":"x","b":"y"}\n'
reset strict

# an _id over 512 bytes, and an empty field name
reset invalid; es -X PUT "$ES/iocflow-fixture-invalid" -d '{"settings":{"number_of_replicas":0}}' >/dev/null
bulk id-too-long "{\"index\":{\"_index\":\"iocflow-fixture-invalid\",\"_id\":\"$(printf 'x%.0s' $(seq 1 513))\"}}"$'\n{"a":1}\n'
bulk empty-field-name $'{"index":{"_index":"iocflow-fixture-invalid","_id":"1"}}\n{"":1}\n'
reset invalid

# an index that does not exist where aliases are required (the 404 of auto-create being off)
bulk index-not-found $'{"index":{"_index":"iocflow-fixture-missing","_id":"1"}}\n{"a":1}\n' 'require_alias=true'

# operator blocks: a write block (403) and the flood-stage disk block (429), set on our index only
reset blocked; es -X PUT "$ES/iocflow-fixture-blocked" -d '{"settings":{"number_of_replicas":0}}' >/dev/null
es -X PUT "$ES/iocflow-fixture-blocked/_settings" -d '{"index.blocks.write":true}' >/dev/null
bulk write-block $'{"index":{"_index":"iocflow-fixture-blocked","_id":"1"}}\n{"a":1}\n'
es -X PUT "$ES/iocflow-fixture-blocked/_settings" -d '{"index.blocks.write":null,"index.blocks.read_only_allow_delete":true}' >/dev/null
bulk flood-stage-block $'{"index":{"_index":"iocflow-fixture-blocked","_id":"1"}}\n{"a":1}\n'
es -X PUT "$ES/iocflow-fixture-blocked/_settings" -d '{"index.blocks.read_only_allow_delete":null}' >/dev/null
reset blocked

# a closed index
reset closed; es -X PUT "$ES/iocflow-fixture-closed" -d '{"settings":{"number_of_replicas":0}}' >/dev/null
es -X POST "$ES/iocflow-fixture-closed/_close" >/dev/null
bulk index-closed $'{"index":{"_index":"iocflow-fixture-closed","_id":"1"}}\n{"a":1}\n'
reset closed

# a primary that cannot be allocated: the item times out as unavailable_shards_exception (503)
reset unassigned; es -X PUT "$ES/iocflow-fixture-unassigned?wait_for_active_shards=0" -d '{"settings":{"number_of_replicas":0,"index.routing.allocation.require._name":"no-such-node"}}' >/dev/null
bulk unavailable-shards $'{"index":{"_index":"iocflow-fixture-unassigned","_id":"1"}}\n{"a":1}\n' 'timeout=1s'
reset unassigned
