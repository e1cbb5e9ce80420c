import { CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, OPEN_ARRAY, OPEN_OBJECT, QUOTE, lastString, skipScalar, skipString } from '../json-lexer';

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
      i = byte === QUOTE ? skipString(bytes, i) : skipScalar(bytes, i);
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
      i = skipString(bytes, keyStart);
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
