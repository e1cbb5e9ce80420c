import { BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, OPEN_ARRAY, OPEN_OBJECT, QUOTE, lastString, skipScalar, skipString } from '../json-lexer';

/**
 * A validating, allocation-free scan of one JSON text held as UTF-8 bytes: the indexer's fast path.
 *
 * The indexer only needs three things from an event before it forwards the producer's bytes to
 * Elasticsearch: that the text is one JSON object (RFC 8259), that it sits on one line (NDJSON),
 * and the value of the top-level `@timestamp` (for the daily index). `JSON.parse` answers all three
 * but builds the whole object tree of every event, and decoding the bytes to a string first costs a
 * copy: together the largest share of the indexer's own CPU (and of its garbage). This scan walks
 * the bytes once without building anything.
 *
 * It answers `undefined` ("not vouched for") for anything it does not handle itself, and the
 * caller then takes the `JSON.parse` path, which gives the exact verdict and error message:
 * - invalid JSON, or JSON that is not an object;
 * - any CR or LF byte (the text must be re-serialised onto one line);
 * - a top-level key written with escapes (it might spell `@timestamp`).
 * UTF-8 validity is not checked here (the caller checks it natively with `isUtf8`). The tokens are
 * read by core's json-lexer, shared with the enricher's scanJsonFields.
 * So for any input, a non-`undefined` answer is the one `JSON.parse` would give.
 */
export interface JsonObjectScan {
  /**
   * Where the top-level `@timestamp` value stands in the bytes (the last one, as `JSON.parse`
   * keeps), when it is a string, number, boolean or null: `[timestampStart, timestampEnd)`, quotes
   * included; both -1 when there is none. Read it with `scannedTimestamp`, or straight from the
   * bytes (`utcTimestampMillis`): nothing is decoded unless asked for.
   */
  readonly timestampStart: number;
  readonly timestampEnd: number;
}

/** The top-level `@timestamp` a scan found, decoded as `JSON.parse` would; undefined when there is none. */
export function scannedTimestamp(bytes: Uint8Array, scan: JsonObjectScan): unknown {
  return scan.timestampStart < 0 ? undefined : decodeScalar(bytes, scan.timestampStart, scan.timestampEnd);
}

const OBJECT = 1;
const ARRAY = 2;

/** `"@timestamp"`, quotes included. */
const TIMESTAMP_KEY = Buffer.from('"@timestamp"', 'latin1');

const NO_TIMESTAMP: JsonObjectScan = { timestampStart: -1, timestampEnd: -1 };

/** Where a scan stands: the next byte to read, or -1 once the text is known not to qualify. */
type Position = number;

export function scanJsonObject(bytes: Uint8Array): JsonObjectScan | undefined {
  const end = bytes.length;
  const containers: number[] = [];
  let timestampStart = -1;
  let timestampEnd = -1;
  let timestampKeyPending = false;

  let i = skipSpace(bytes, 0);
  if (bytes[i] !== OPEN_OBJECT) return undefined;

  // Each turn reads one value at `i`, then the commas, keys and closing brackets after it.
  // (No closures in here: a captured `i` would live in a context object instead of a register.)
  for (;;) {
    if ((bytes[i] as number) <= 0x20) i = skipSpace(bytes, i);
    if (i < 0 || i >= end) return undefined;
    const start = i;
    const byte = bytes[i];
    let expectKey = false;
    if (byte === OPEN_OBJECT) {
      i += 1;
      if ((bytes[i] as number) <= 0x20) i = skipSpace(bytes, i);
      if (i < 0) return undefined;
      if (bytes[i] === CLOSE_OBJECT) {
        i += 1;
      } else {
        containers.push(OBJECT);
        expectKey = true;
      }
    } else if (byte === OPEN_ARRAY) {
      i += 1;
      if ((bytes[i] as number) <= 0x20) i = skipSpace(bytes, i);
      if (i < 0) return undefined;
      if (bytes[i] === CLOSE_ARRAY) {
        i += 1;
      } else {
        containers.push(ARRAY);
        continue;
      }
    } else {
      i = byte === QUOTE ? skipStringByWords(bytes, i, end) : skipScalar(bytes, i);
      if (i < 0) return undefined;
      if (timestampKeyPending && containers.length === 1) {
        timestampStart = start;
        timestampEnd = i;
      }
    }

    // after a complete value: close containers, or move past a comma (and the next key)
    while (!expectKey) {
      if ((bytes[i] as number) <= 0x20) i = skipSpace(bytes, i);
      if (i < 0) return undefined;
      const depth = containers.length;
      if (depth === 0) {
        if (i !== end) return undefined;
        return timestampStart < 0 ? NO_TIMESTAMP : { timestampStart, timestampEnd };
      }
      const container = containers[depth - 1];
      const next = bytes[i];
      if (next === COMMA) {
        i += 1;
        if (container === ARRAY) break;
        expectKey = true;
      } else if ((container === OBJECT && next === CLOSE_OBJECT) || (container === ARRAY && next === CLOSE_ARRAY)) {
        containers.pop();
        i += 1;
      } else {
        return undefined;
      }
    }

    if (expectKey) {
      // `"key" :`, then the loop reads its value
      const keyStart = (bytes[i] as number) <= 0x20 ? skipSpace(bytes, i) : i;
      if (keyStart < 0 || bytes[keyStart] !== QUOTE) return undefined;
      i = skipStringByWords(bytes, keyStart, end);
      if (i < 0) return undefined;
      if (containers.length === 1) {
        if (lastString.escaped) return undefined;
        timestampKeyPending = isTimestampKey(bytes, keyStart);
        // a later `@timestamp` replaces an earlier one, whatever its value
        if (timestampKeyPending) timestampStart = -1;
      }
      if ((bytes[i] as number) <= 0x20) i = skipSpace(bytes, i);
      if (i < 0 || bytes[i] !== COLON) return undefined;
      i += 1;
    }
  }
}

/**
 * `skipString` with its usual case read four bytes at a time: a string of printable ASCII without
 * `"` or `\` (most of an event's bytes) is passed over by words, tested with the classic
 * "has a byte below n / equal to c" bit tricks, and its end is the quote that stops the run. Any
 * other string (an escape, a control character, a multi-byte character, no closing quote) is
 * left to `skipString` from its start, so every answer, `lastString` included, is skipString's.
 */
function skipStringByWords(bytes: Uint8Array, i: Position, end: number): Position {
  const j = plainRun(bytes, i + 1, end);
  if (j < end && bytes[j] === QUOTE) {
    lastString.escaped = false;
    lastString.ascii = true;
    return j + 1;
  }
  return skipString(bytes, i);
}

/** Bytes a JSON string holds as they are: 0x20–0x7f but `"` and `\`. */
const PLAIN = new Uint8Array(256);
for (let byte = 0x20; byte < 0x80; byte += 1) PLAIN[byte] = byte === QUOTE || byte === BACKSLASH ? 0 : 1;

/** A 32-bit view of the last ArrayBuffer scanned: records of one fetch share its buffer, so it is made once per fetch. */
const words: { buffer: ArrayBufferLike | undefined; view: Int32Array<ArrayBufferLike> } = { buffer: undefined, view: new Int32Array(0) };

/** The first index from `i` on whose byte is not PLAIN (or `end`). */
function plainRun(bytes: Uint8Array, i: Position, end: number): Position {
  const base = bytes.byteOffset;
  // one by one up to a 4-byte boundary of the underlying buffer
  while (i < end && ((base + i) & 3) !== 0) {
    if (PLAIN[bytes[i] as number] === 0) return i;
    i += 1;
  }
  if (i + 4 <= end) {
    const buffer = bytes.buffer;
    if (buffer !== words.buffer) {
      words.buffer = buffer;
      words.view = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
    }
    const view = words.view;
    for (; i + 4 <= end; i += 4) {
      const word = view[(base + i) >> 2] as number;
      const quote = word ^ 0x22222222;
      const backslash = word ^ 0x5c5c5c5c;
      // the high bit of a byte is set by: a byte below 0x20, a zero byte of `quote` or of
      // `backslash` (exact as long as no byte is 0x80 or above), or such a byte itself
      const special = ((word - 0x20202020) & ~word) | ((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash) | word;
      if ((special & 0x80808080) !== 0) break;
    }
  }
  while (i < end && PLAIN[bytes[i] as number] === 1) i += 1;
  return i;
}

function isTimestampKey(bytes: Uint8Array, start: number): boolean {
  for (let k = 0; k < TIMESTAMP_KEY.length; k += 1) if (bytes[start + k] !== TIMESTAMP_KEY[k]) return false;
  return true;
}

function decodeScalar(bytes: Uint8Array, start: number, end: number): unknown {
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8')) as unknown;
}

/**
 * Past JSON whitespace (space, tab); -1 at CR or LF, which the fast path leaves to re-serialisation.
 * Hot call sites test `<= 0x20` first (a call per token costs more than compact JSON's no space).
 */
function skipSpace(bytes: Uint8Array, i: Position): Position {
  for (;;) {
    const byte = bytes[i];
    if (byte === 0x20 || byte === 0x09) i += 1;
    else if (byte === 0x0a || byte === 0x0d) return -1;
    else return i;
  }
}
