import { isUtf8 } from 'node:buffer';
import { DEFAULT_MAX_JSON_DEPTH, jsonDepthExceeds } from '../json-depth';
import { documentId, documentIdOf, type RecordCoordinates } from './document-id';
import { bulkActionFor, targetIndexFor, type BulkAction, type IndexTarget } from './index-target';
import { compileFieldPath } from '../ecs-field';
import { planJsonFields, scanJsonFields, type JsonFieldPlan } from '../scan-json-fields';
import { scanJsonObject, scannedTimestamp, type JsonObjectScan } from './scan-json-object';
import { utcTimestampMillis } from './utc-timestamp-bytes';

/** One event ready for a bulk request. */
export interface BulkDocument {
  readonly index: string;
  readonly id: string;
  /**
   * The event as one line of JSON (NDJSON forbids raw newlines inside a source): the record's own
   * UTF-8 bytes when they could be forwarded as they are, otherwise re-serialised text.
   */
  readonly source: Buffer | string;
  /** The `_bulk` action; absent = `index` (daily indices). Data streams take `create` only. */
  readonly action?: BulkAction;
}

/**
 * Why a record can never be indexed; such records go to the dead-letter topic at once.
 * `prepare_failed` is the indexer's own: preparing the record threw (a bug its content triggers).
 */
export type UnindexableReason = 'empty_value' | 'not_json' | 'not_json_object' | 'too_deep' | 'missing_timestamp' | 'prepare_failed';

export type PreparedRecord =
  | { readonly kind: 'document'; readonly document: BulkDocument }
  | { readonly kind: 'unindexable'; readonly reason: UnindexableReason; readonly detail: string };

export interface EnrichedRecord {
  readonly coordinates: RecordCoordinates;
  /**
   * Where the event entered iocflow (the enricher's `iocflow.origin` headers, see
   * record-headers.ts). When present it names the document, so an event the enricher wrote twice
   * (a replay after a crash) lands on one document; absent, the record's own coordinates do.
   */
  readonly origin?: RecordCoordinates;
  /** The Kafka record value: the enriched event as JSON. */
  readonly value: Buffer | string | null;
  /** The Kafka record timestamp as kafkajs gives it (epoch milliseconds as a string). */
  readonly timestamp: string | number;
}

export interface PrepareOptions {
  /** Daily indices of a validated prefix, or a validated data stream. */
  readonly target: IndexTarget;
  /** Dotted path of an event id field; absent = topic-partition-offset ids. */
  readonly idField?: string;
  /** The index-date fallback of last resort; passed in, the core reads no clock. */
  readonly nowMs: number;
  /** Deepest nesting of objects and arrays accepted (INDEXER_MAX_DEPTH); default DEFAULT_MAX_JSON_DEPTH. */
  readonly maxDepth?: number;
}

/**
 * Turns one enriched-logs record into a bulk document: its index (the daily index of its
 * `@timestamp`, or the data stream), deterministic id, and the record's own bytes as the source.
 * A data stream refuses documents without `@timestamp`, so there an event without a readable one
 * is unindexable (`missing_timestamp`): the event is dead-lettered as it came, not given a time.
 *
 * Fast path: the bytes are checked to be valid UTF-8 and scanned to be one JSON object on one
 * line, `@timestamp` (and the id field, when one is configured: `scanJsonFields` builds only those
 * two) is read on the way, and the very same Buffer becomes the source: no string decoding, no
 * object tree, nothing re-serialised. Everything else (several lines, a byte order mark, anything
 * the scan does not vouch for) takes the parse path: the value is decoded and parsed, refused with the parser's
 * message when it is not a JSON object, and sent as the producer's text, with any line breaks
 * turned into spaces (in valid JSON a raw CR or LF can only be white space between tokens, so
 * nothing is re-serialised: no recursion on a deep event, numbers kept as written). Both paths
 * keep numbers such as 64-bit ids exactly as written, and give the same verdict for every input.
 *
 * An event nested deeper than `maxDepth` is unindexable (`too_deep`) on either path: checked
 * before anything else, free for any value shorter than twice the limit (see jsonDepthExceeds).
 */
export function prepareBulkDocument(record: EnrichedRecord, options: PrepareOptions): PreparedRecord {
  const value = record.value;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  if (value !== null && tooDeep(value, maxDepth)) {
    return { kind: 'unindexable', reason: 'too_deep', detail: `objects and arrays nested more than ${maxDepth} deep` };
  }
  if (Buffer.isBuffer(value) && isUtf8(value)) {
    const idField = options.idField;
    if (idField === undefined || idField.length === 0) {
      const scanned = scanJsonObject(value);
      if (scanned !== undefined) return toDocument(options, eventTimestamp(value, scanned), record, documentId(record.origin ?? record.coordinates), value);
    } else {
      // the id field and `@timestamp` read by one scan that builds only them; one line and no byte order mark, as the source is sent as it is
      const scanned = scanJsonFields(value, idFieldPlan(idField));
      if (scanned !== undefined && scanned.start === 0 && value.indexOf(LF) < 0 && value.indexOf(CR) < 0) {
        return toDocument(options, scanned.value(1), record, documentIdOf(record.origin ?? record.coordinates, scanned.value(0)), value);
      }
    }
  }
  return parseAndPrepare(record, options);
}

/**
 * The scanned `@timestamp`: its milliseconds read from the bytes when it has the usual UTC form
 * (the same number `parseEventTime` gets from the decoded string), else the decoded value.
 */
function eventTimestamp(bytes: Buffer, scanned: JsonObjectScan): unknown {
  if (scanned.timestampStart < 0) return undefined;
  return utcTimestampMillis(bytes, scanned.timestampStart, scanned.timestampEnd) ?? scannedTimestamp(bytes, scanned);
}

const LF = 0x0a;
const CR = 0x0d;
const idFieldPlans = new Map<string, JsonFieldPlan>();

/** What the scan reads with an id field configured: the field (nested or dotted) and `@timestamp`. */
function idFieldPlan(idField: string): JsonFieldPlan {
  let plan = idFieldPlans.get(idField);
  if (plan === undefined) {
    plan = planJsonFields([compileFieldPath(idField), compileFieldPath('@timestamp')]);
    idFieldPlans.set(idField, plan);
  }
  return plan;
}

/** Brackets are ASCII, so a string nests at most length / 2 deep: only a long one is encoded to be scanned. */
function tooDeep(value: Buffer | string, maxDepth: number): boolean {
  if (typeof value !== 'string') return jsonDepthExceeds(value, maxDepth);
  return value.length >= 2 * (maxDepth + 1) && jsonDepthExceeds(Buffer.from(value, 'utf8'), maxDepth);
}

function parseAndPrepare(record: EnrichedRecord, options: PrepareOptions): PreparedRecord {
  const text = record.value === null ? '' : typeof record.value === 'string' ? record.value : record.value.toString('utf8');
  if (text.trim().length === 0) return { kind: 'unindexable', reason: 'empty_value', detail: 'record value is empty or null' };
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (error) {
    return { kind: 'unindexable', reason: 'not_json', detail: error instanceof Error ? error.message : String(error) };
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return { kind: 'unindexable', reason: 'not_json_object', detail: `record value is a JSON ${Array.isArray(event) ? 'array' : typeof event}` };
  }
  const source = text.includes('\n') || text.includes('\r') ? text.replaceAll('\r', ' ').replaceAll('\n', ' ') : text;
  const id = documentId(record.origin ?? record.coordinates, event, options.idField);
  return toDocument(options, (event as Record<string, unknown>)['@timestamp'], record, id, source);
}

function toDocument(options: PrepareOptions, eventTimestamp: unknown, record: EnrichedRecord, id: string, source: Buffer | string): PreparedRecord {
  const index = targetIndexFor(options.target, eventTimestamp, record.timestamp, options.nowMs);
  if (index === undefined) {
    return { kind: 'unindexable', reason: 'missing_timestamp', detail: 'a data stream needs @timestamp (ISO-8601 or epoch milliseconds); the event has none that can be read' };
  }
  const action = bulkActionFor(options.target);
  return { kind: 'document', document: action === 'index' ? { index, id, source } : { index, id, source, action } };
}
