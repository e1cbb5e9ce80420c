import { createHash } from 'node:crypto';
import { getField } from '../ecs-field';

/** Where a Kafka record came from; the coordinates identify it for ever within one topic. */
export interface RecordCoordinates {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are 64-bit: kept as the decimal string kafkajs gives. */
  readonly offset: string;
}

/**
 * Event-supplied ids are used verbatim only when short and printable; anything else is replaced by
 * a hash so an id stays within Elasticsearch's 512-byte `_id` limit and a log line in Kibana stays
 * readable. The `sha256-` prefix cannot collide with a verbatim id in practice (a verbatim id of
 * that exact form would need a SHA-256 preimage).
 */
const MAX_VERBATIM_ID_BYTES = 128;
const PRINTABLE = /^[\x21-\x7e]+$/;

/**
 * The deterministic `_id` of one event, so a replay (after a crash, a rebalance or a re-run)
 * overwrites the same document instead of adding a duplicate.
 *
 * - Default: `<topic>-<partition>-<offset>` — unique per record, stable across replays of the
 *   same topic. (Re-producing the same event to a new offset is a new document: use an id field
 *   for end-to-end deduplication.)
 * - With `idField` (a dotted ECS path such as `event.id`): the event's own id, when it is a
 *   non-empty string or a finite number; otherwise the coordinates, so an event without an id is
 *   still indexed exactly once.
 */
export function documentId(coordinates: RecordCoordinates, event?: unknown, idField?: string): string {
  return documentIdOf(coordinates, idField !== undefined && idField.length > 0 ? getField(event, idField) : undefined);
}

/** `documentId` from the id field's value already read (`undefined`: no id field, or no value). */
export function documentIdOf(coordinates: RecordCoordinates, value: unknown): string {
  const text = typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
  if (text.length > 0) {
    return PRINTABLE.test(text) && text.length <= MAX_VERBATIM_ID_BYTES
      ? text
      : `sha256-${createHash('sha256').update(text, 'utf8').digest('hex')}`;
  }
  return coordinatesPrefix(coordinates.topic, coordinates.partition) + coordinates.offset;
}

/**
 * `<topic>-<partition>-` per partition of the last topic named: an indexer's records name a few
 * raw partitions of one topic, so each prefix is built once instead of once per record.
 */
const prefixes = { topic: '', byPartition: [] as (string | undefined)[] };
const CACHED_PARTITIONS = 1024;

function coordinatesPrefix(topic: string, partition: number): string {
  if (!(Number.isInteger(partition) && partition >= 0 && partition < CACHED_PARTITIONS)) return `${topic}-${partition}-`;
  if (topic !== prefixes.topic) {
    prefixes.topic = topic;
    prefixes.byPartition = [];
  }
  let text = prefixes.byPartition[partition];
  if (text === undefined) {
    text = `${topic}-${partition}-`;
    prefixes.byPartition[partition] = text;
  }
  return text;
}
