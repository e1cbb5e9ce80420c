/**
 * Daily index names: `<prefix>-YYYY.MM.DD` (UTC).
 *
 * The prefix comes from configuration and is validated once, at boot, against Elasticsearch's
 * index-name rules. The only part derived from an event is the date, which is parsed into a
 * number and re-formatted: an event value is never copied into an index name, so a hostile
 * `@timestamp` cannot address another index.
 */

/** Characters Elasticsearch forbids anywhere in an index name. */
const FORBIDDEN_CHARACTERS = /[\\/*?"<>| ,#:]/;
/** Longest index name Elasticsearch accepts, in UTF-8 bytes. */
const MAX_INDEX_NAME_BYTES = 255;
/** `-YYYY.MM.DD` */
const DATE_SUFFIX_BYTES = 11;
/** Years a daily index may carry; outside them the event time is treated as absent. */
const MIN_YEAR = 1970;
const MAX_YEAR = 9999;

export class InvalidIndexPrefixError extends Error {
  readonly code = 'INVALID_INDEX_PREFIX';
  /** A configuration error: retrying with the same value cannot help. */
  readonly retryable = false;

  constructor(prefix: string, why: string) {
    super(`invalid Elasticsearch index prefix ${JSON.stringify(prefix)}: ${why}`);
    this.name = 'InvalidIndexPrefixError';
  }
}

/** Returns the prefix unchanged when a daily index built from it is a valid index name; throws otherwise. */
export function validateIndexPrefix(prefix: string): string {
  if (prefix.length === 0) throw new InvalidIndexPrefixError(prefix, 'must not be empty');
  if (prefix !== prefix.toLowerCase()) throw new InvalidIndexPrefixError(prefix, 'must be lower-case');
  if (FORBIDDEN_CHARACTERS.test(prefix)) {
    throw new InvalidIndexPrefixError(prefix, 'must not contain \\ / * ? " < > | space , # :');
  }
  if (/^[-_+]/.test(prefix)) throw new InvalidIndexPrefixError(prefix, 'must not start with -, _ or +');
  if (prefix === '.' || prefix === '..') throw new InvalidIndexPrefixError(prefix, 'must not be . or ..');
  if (Buffer.byteLength(prefix, 'utf8') + DATE_SUFFIX_BYTES > MAX_INDEX_NAME_BYTES) {
    throw new InvalidIndexPrefixError(prefix, `must leave room for the date within ${MAX_INDEX_NAME_BYTES} bytes`);
  }
  return prefix;
}

/**
 * Milliseconds since the epoch of an event's `@timestamp`, or undefined when it is absent or not a
 * time we can place in a daily index. Accepts ISO-8601 / RFC 3339 strings and epoch milliseconds
 * (number or all-digit string), the forms Elasticsearch's default `date` mapping accepts.
 */
export function parseEventTime(value: unknown): number | undefined {
  let millis: number;
  if (typeof value === 'number') {
    millis = value;
  } else if (typeof value === 'string') {
    millis = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
  } else {
    return undefined;
  }
  // the years MIN_YEAR..MAX_YEAR, as a range of (whole, as Date keeps them) milliseconds: no Date built per event
  const whole = Math.trunc(millis);
  return whole >= MIN_MS && whole < END_MS ? millis : undefined;
}

/** First millisecond of MIN_YEAR and of the year after MAX_YEAR, UTC. */
const MIN_MS = Date.UTC(MIN_YEAR, 0, 1);
const END_MS = Date.UTC(MAX_YEAR + 1, 0, 1);

/** `<prefix>-YYYY.MM.DD` for the UTC day of `millis`. The prefix must have passed `validateIndexPrefix`. */
export function dailyIndexName(prefix: string, millis: number): string {
  // consecutive events mostly share a day: the last name is kept (per UTC day and prefix)
  const dayNumber = Math.floor(Math.trunc(millis) / DAY_MS);
  if (dayNumber === lastDay.number && prefix === lastDay.prefix) return lastDay.name;
  const day = new Date(millis);
  const month = String(day.getUTCMonth() + 1).padStart(2, '0');
  const date = String(day.getUTCDate()).padStart(2, '0');
  const name = `${prefix}-${day.getUTCFullYear()}.${month}.${date}`;
  lastDay = { number: dayNumber, prefix, name };
  return name;
}

const DAY_MS = 86_400_000;
let lastDay = { number: Number.NaN, prefix: '', name: '' };

/**
 * The daily index of one event: the day of its `@timestamp`, or of the Kafka record timestamp
 * when the event has none we can read (a producer clock is better than dropping the event), or
 * of `nowMs` when the record timestamp is unusable too (Kafka reports -1 for "no timestamp").
 */
export function indexNameFor(prefix: string, eventTimestamp: unknown, recordTimestampMs: unknown, nowMs: number): string {
  return dailyIndexName(prefix, parseEventTime(eventTimestamp) ?? parseEventTime(recordTimestampMs) ?? nowMs);
}
