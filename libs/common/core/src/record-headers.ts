import { isDigit, ZERO } from './json-lexer';

/**
 * Kafka headers iocflow adds to the records it writes. Names are one contract for every stage
 * (and for users' consumers of the dead-letter topics), so they live here, once.
 *
 * - `iocflow.origin`: where the event entered iocflow, `<raw topic>/<partition>/<offset>` (one
 *   header, not three: kafkajs pays per header on every record). The enricher sets it on every
 *   record it writes, overwriting whatever a producer sent, so it is stable across enricher
 *   replays: the indexer derives the Elasticsearch `_id` from it, and a re-enriched event
 *   overwrites its own document instead of duplicating.
 * - `iocflow.source.*`: on a dead letter, the coordinates of the record the stage that rejected
 *   it was reading (raw-logs for the enricher, enriched-logs for the indexer).
 * - `iocflow.dlq.reason`, `iocflow.dlq.message`: why it was rejected (a reason code from the
 *   service's closed set, and a human-readable detail).
 * - `iocflow.dlq.stage`: where it was rejected, the pipeline stage's stable name (the service's
 *   closed set, declared beside its pipeline: the enricher's ENRICHER_STAGES, the indexer's
 *   INDEXER_STAGES); the same value as the `stage` label of the dead-letter counter and the
 *   `stage` field of the log line.
 * - `iocflow.dlq.truncated`, `iocflow.dlq.sha256`: only on a dead letter whose value was cut to
 *   fit the dead-letter topic (see capDeadLetterValue): the original value's length in bytes
 *   (decimal) and the SHA-256 of the whole original value (lowercase hex).
 * - `iocflow.dlq.key.truncated`, `iocflow.dlq.headers.dropped`: only on a dead letter whose
 *   original key or headers were too large to keep (see capDeadLetterEnvelope): the key's
 *   original length in bytes, and how many original headers were left out.
 * - `iocflow.dlq.at`: on every dead letter, the ISO-8601 time it was dead-lettered.
 * - the indexer's details of an Elasticsearch rejection: `iocflow.dlq.error.*` (type, reason,
 *   HTTP status, innermost cause type) and `iocflow.dlq.index` / `.id` (where the document would
 *   have gone).
 *
 * deadLetterRecord (dead-letter-record.ts) writes the dead-letter envelope of both services.
 */
export const ORIGIN_HEADER = 'iocflow.origin';

export const SOURCE_HEADERS = {
  topic: 'iocflow.source.topic',
  partition: 'iocflow.source.partition',
  offset: 'iocflow.source.offset',
} as const;

export const DEAD_LETTER_HEADERS = {
  reason: 'iocflow.dlq.reason',
  stage: 'iocflow.dlq.stage',
  message: 'iocflow.dlq.message',
  truncated: 'iocflow.dlq.truncated',
  sha256: 'iocflow.dlq.sha256',
  keyTruncated: 'iocflow.dlq.key.truncated',
  headersDropped: 'iocflow.dlq.headers.dropped',
  errorType: 'iocflow.dlq.error.type',
  errorReason: 'iocflow.dlq.error.reason',
  errorStatus: 'iocflow.dlq.error.status',
  errorCause: 'iocflow.dlq.error.cause',
  index: 'iocflow.dlq.index',
  id: 'iocflow.dlq.id',
  at: 'iocflow.dlq.at',
} as const;

/** Kafka coordinates of one record. */
export interface RecordOrigin {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are 64-bit: kept as the decimal string the client gives. */
  readonly offset: string;
}

/** The origin header's value: `<topic>/<partition>/<offset>` (a topic name cannot contain `/`). */
export function formatOrigin(topic: string, partition: number | string, offset: string): string {
  return `${topic}/${partition}/${offset}`;
}

/**
 * The origin header's value as bytes, for a producer on the hot path: `prefix` is
 * originPrefix(topic, partition), built once per batch, and `offset` a decimal string (so its
 * latin1 and UTF-8 bytes are the same). Byte for byte what a producer writes for
 * `formatOrigin(topic, partition, offset)`; a Buffer is written as it is, where a string would be
 * encoded per record (and measured once more for the send's size).
 */
export function originValue(prefix: Buffer, offset: string): Buffer {
  const value = Buffer.allocUnsafe(prefix.length + offset.length);
  prefix.copy(value, 0);
  value.write(offset, prefix.length, 'latin1');
  return value;
}

/** `<topic>/<partition>/`: the part of the origin header every record of one partition's batch shares (originValue). */
export function originPrefix(topic: string, partition: number | string): Buffer {
  return Buffer.from(formatOrigin(topic, partition, ''), 'utf8');
}

export function originHeaders(origin: RecordOrigin): Record<string, string> {
  return { [ORIGIN_HEADER]: formatOrigin(origin.topic, origin.partition, origin.offset) };
}

export function sourceHeaders(source: RecordOrigin): Record<string, string> {
  return { [SOURCE_HEADERS.topic]: source.topic, [SOURCE_HEADERS.partition]: String(source.partition), [SOURCE_HEADERS.offset]: source.offset };
}

const ORIGIN = /^([A-Za-z0-9._-]{1,249})\/(\d{1,10})\/(\d{1,19})$/;

/**
 * The origin a record carries, or undefined when the header is missing or malformed (such a
 * record did not come through the enricher; the caller falls back to the record's own coordinates).
 */
export function readOrigin(headers: Readonly<Record<string, Buffer | string | undefined>>): RecordOrigin | undefined {
  const value = headers[ORIGIN_HEADER];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return originOfBytes(value);
  const [, topic, partitionText, offset] = ORIGIN.exec(value) ?? [];
  if (topic === undefined || partitionText === undefined || offset === undefined) return undefined;
  const partition = Number(partitionText);
  return partition > MAX_PARTITION ? undefined : { topic, partition, offset };
}

const MAX_PARTITION = 2_147_483_647;
const SLASH = 0x2f;
/** Bytes of a topic name (`[A-Za-z0-9._-]`), as ORIGIN's first group. */
const TOPIC_BYTE = new Uint8Array(256);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-') TOPIC_BYTE[char.charCodeAt(0)] = 1;

/**
 * `ORIGIN` read from the header's bytes (every record carries it: the indexer reads it per
 * document), without decoding them or running the expression: the same grammar, so the same
 * answer (any byte outside it, such as one of a multi-byte UTF-8 character, refuses the value as
 * its decoded character would).
 */
function originOfBytes(bytes: Buffer): RecordOrigin | undefined {
  const end = bytes.length;
  let i = 0;
  while (i < end && TOPIC_BYTE[bytes[i] as number] === 1) i += 1;
  const topicEnd = i;
  if (topicEnd < 1 || topicEnd > 249 || bytes[i] !== SLASH) return undefined;
  let partition = 0;
  for (i += 1; i < end && isDigit(bytes[i]); i += 1) partition = partition * 10 + (bytes[i] as number) - ZERO;
  const partitionDigits = i - topicEnd - 1;
  if (partitionDigits < 1 || partitionDigits > 10 || bytes[i] !== SLASH) return undefined;
  const offsetStart = i + 1;
  let offset = 0;
  for (i = offsetStart; i < end && isDigit(bytes[i]); i += 1) offset = offset * 10 + (bytes[i] as number) - ZERO;
  const offsetDigits = end - offsetStart;
  if (i !== end || offsetDigits < 1 || offsetDigits > 19) return undefined;
  if (partition > MAX_PARTITION) return undefined;
  // up to 15 digits the number is exact, and without a leading zero its decimal form is the text
  const exact = offsetDigits <= 15 && (offsetDigits === 1 || bytes[offsetStart] !== ZERO);
  return { topic: topicText(bytes, topicEnd), partition, offset: exact ? String(offset) : bytes.toString('latin1', offsetStart, end) };
}

/**
 * The topic name of an origin header: the records of a batch name the same few raw topics, so the
 * last one is kept with its bytes and compared instead of decoded again (a call into the runtime
 * and a new string per record).
 */
const lastTopic = { text: '', bytes: new Uint8Array(0) };

function topicText(bytes: Buffer, end: number): string {
  const known = lastTopic.bytes;
  if (known.length === end) {
    let k = 0;
    while (k < end && known[k] === bytes[k]) k += 1;
    if (k === end) return lastTopic.text;
  }
  lastTopic.text = bytes.toString('latin1', 0, end);
  // a copy: the header's bytes belong to the record (and to the client's fetch buffer)
  lastTopic.bytes = Uint8Array.prototype.slice.call(bytes, 0, end);
  return lastTopic.text;
}

