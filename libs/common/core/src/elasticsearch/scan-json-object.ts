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
 * UTF-8 validity is not checked here (the caller checks it natively with `isUtf8`).
 * So for any input, a non-`undefined` answer is the one `JSON.parse` would give.
 */
export interface JsonObjectScan {
  /** The top-level `@timestamp` value (the last one, as `JSON.parse` keeps), when it is a string, number, boolean or null. */
  readonly timestamp: unknown;
}

const OBJECT = 1;
const ARRAY = 2;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** `"@timestamp"`, quotes included. */
const TIMESTAMP_KEY = Buffer.from('"@timestamp"', 'latin1');

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
        return { timestamp: timestampStart < 0 ? undefined : decodeScalar(bytes, timestampStart, timestampEnd) };
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
        if (hasEscape(bytes, keyStart)) return undefined;
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

/** Whether the (valid) string at `start` contains a backslash before its closing quote. */
function hasEscape(bytes: Uint8Array, start: number): boolean {
  for (let k = start + 1; ; k += 1) {
    const byte = bytes[k];
    if (byte === QUOTE) return false;
    if (byte === BACKSLASH) return true;
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

/**
 * Byte classes inside a string: 0 = plain (most bytes, UTF-8 continuation bytes included),
 * 1 = closing quote, 2 = backslash, 3 = control character (invalid unescaped).
 */
const STRING_BYTE = new Uint8Array(256);
for (let byte = 0; byte < 0x20; byte += 1) STRING_BYTE[byte] = 3;
STRING_BYTE[QUOTE] = 1;
STRING_BYTE[BACKSLASH] = 2;

/** Past a string starting at the quote at `i`; -1 when it is not a valid JSON string. */
function skipString(bytes: Uint8Array, i: Position): Position {
  const end = bytes.length;
  i += 1;
  while (i < end) {
    // the plain run is the hot loop: one table load per byte
    let kind = STRING_BYTE[bytes[i] as number] as number;
    while (kind === 0 && ++i < end) kind = STRING_BYTE[bytes[i] as number] as number;
    if (i >= end) return -1;
    if (kind === 1) return i + 1;
    if (kind === 3) return -1;
    const escaped = bytes[i + 1];
    if (escaped === 0x75) {
      // \uXXXX
      for (let k = i + 2; k < i + 6; k += 1) if (!isHexDigit(bytes[k])) return -1;
      i += 6;
    } else if (
      escaped === QUOTE ||
      escaped === BACKSLASH ||
      escaped === 0x2f || // /
      escaped === 0x62 || // b
      escaped === 0x66 || // f
      escaped === 0x6e || // n
      escaped === 0x72 || // r
      escaped === 0x74 // t
    ) {
      i += 2;
    } else {
      return -1;
    }
  }
  return -1;
}

function isHexDigit(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= ZERO && byte <= NINE) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66));
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= ZERO && byte <= NINE;
}

/** Past a number or `true` / `false` / `null` at `i`; -1 when there is none. */
function skipScalar(bytes: Uint8Array, i: Position): Position {
  const byte = bytes[i];
  if (byte === 0x74) return literal(bytes, i, 'true');
  if (byte === 0x66) return literal(bytes, i, 'false');
  if (byte === 0x6e) return literal(bytes, i, 'null');
  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  if (bytes[i] === MINUS) i += 1;
  if (bytes[i] === ZERO) {
    i += 1;
  } else if (isDigit(bytes[i])) {
    while (isDigit(bytes[i])) i += 1;
  } else {
    return -1;
  }
  if (bytes[i] === DOT) {
    i += 1;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i += 1;
  }
  if (bytes[i] === 0x65 || bytes[i] === 0x45) {
    i += 1;
    if (bytes[i] === PLUS || bytes[i] === MINUS) i += 1;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i += 1;
  }
  return i;
}

function literal(bytes: Uint8Array, i: Position, word: string): Position {
  for (let k = 0; k < word.length; k += 1) if (bytes[i + k] !== word.charCodeAt(k)) return -1;
  return i + word.length;
}
