import { createHash } from 'node:crypto';
import { DEAD_LETTER_HEADERS } from './record-headers';

/** Default cap on a dead letter's value: below the broker default `message.max.bytes` (1 MiB) with room for key and headers. */
export const DEFAULT_DEAD_LETTER_MAX_BYTES = 900 * 1024;

export interface CappedDeadLetterValue {
  readonly value: Buffer | null;
  /** Headers to add to the dead letter: empty when the value was kept whole. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * A dead letter's value, cut to at most `maxBytes` so the dead-letter topic accepts it: a record
 * a stage refused for being too large must not be refused again by the dead-letter topic (the
 * consumer would stop on it, a poison pill). A value that fits is returned unchanged (the same
 * Buffer). A larger one keeps its first `maxBytes` bytes — a cut that may end inside a UTF-8
 * sequence or a JSON token: it is evidence to look at, not a record to replay — and the headers
 * say so: `iocflow.dlq.truncated` = the original length in bytes, `iocflow.dlq.sha256` = the
 * SHA-256 of the whole original value, so a copy kept at the source can be matched.
 */
export function capDeadLetterValue(value: Buffer | string | null, maxBytes: number): CappedDeadLetterValue {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`capDeadLetterValue: maxBytes must be a non-negative integer, got ${maxBytes}`);
  if (value === null) return { value: null, headers: {} };
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  if (bytes.length <= maxBytes) return { value: bytes, headers: {} };
  return {
    value: bytes.subarray(0, maxBytes),
    headers: {
      [DEAD_LETTER_HEADERS.truncated]: String(bytes.length),
      [DEAD_LETTER_HEADERS.sha256]: createHash('sha256').update(bytes).digest('hex'),
    },
  };
}

/** Most bytes of the original key, and of the original headers, a dead letter keeps (each). */
export const DEAD_LETTER_MAX_ENVELOPE_BYTES = 32 * 1024;

export interface CappedDeadLetterEnvelope {
  readonly key: Buffer | null;
  /** The original headers, or none when they were too large to keep. */
  readonly headers: Readonly<Record<string, Buffer | string>>;
  /** Headers saying what was left out: empty when everything was kept. */
  readonly notes: Readonly<Record<string, string>>;
}

/**
 * A dead letter's key and original headers, bounded so that, with a value cut to
 * DEAD_LETTER_MAX_BYTES, the dead letter always fits the dead-letter topic: a record from a topic
 * that accepts large records could carry a 10 MiB key or headers, and a dead letter the topic
 * refuses would stop the consumer on that record. A key over `maxBytes` keeps its first
 * `maxBytes` bytes (`iocflow.dlq.key.truncated` = its length); headers over `maxBytes` in all
 * (names and values) are left out (`iocflow.dlq.headers.dropped` = how many).
 */
export function capDeadLetterEnvelope(key: Buffer | null, headers: Readonly<Record<string, Buffer | string>>, maxBytes = DEAD_LETTER_MAX_ENVELOPE_BYTES): CappedDeadLetterEnvelope {
  const notes: Record<string, string> = {};
  let keptKey = key;
  if (key !== null && key.length > maxBytes) {
    keptKey = key.subarray(0, maxBytes);
    notes[DEAD_LETTER_HEADERS.keyTruncated] = String(key.length);
  }
  let headerBytes = 0;
  let count = 0;
  for (const name in headers) {
    const value = headers[name] as Buffer | string;
    headerBytes += Buffer.byteLength(name, 'utf8') + (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length);
    count++;
  }
  if (headerBytes <= maxBytes) return { key: keptKey, headers, notes };
  notes[DEAD_LETTER_HEADERS.headersDropped] = String(count);
  return { key: keptKey, headers: {}, notes };
}
