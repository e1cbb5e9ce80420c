/**
 * The JSON grammar's tokens over UTF-8 bytes (RFC 8259, as `JSON.parse` reads it): the one home of
 * the byte-level skips that the validating scans share — the enricher's `scanJsonFields` and the
 * indexer's `scanJsonObject`. Each skip takes the index of a token's first byte and answers the
 * index just past it, or -1 when the bytes there are not that token. Nothing is allocated.
 */

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
export const DOT = 0x2e;
export const ZERO = 0x30;
const NINE = 0x39;

/**
 * What the last `skipString` saw, read right after it (a shared record instead of a result object:
 * the skip runs for every key and value, and allocates nothing).
 */
export const lastString = {
  /** The string held an escape (`\n`, `\u0041`, …): its bytes are not its characters. */
  escaped: false,
  /** Every byte was ASCII: its bytes are its Latin-1 characters. */
  ascii: true,
};

/**
 * Byte classes inside a string: 0 = plain ASCII, 1 = closing quote, 2 = backslash, 3 = control
 * character (invalid unescaped), 4 = a byte of a multi-byte UTF-8 character (callers check UTF-8
 * validity apart, natively).
 */
const STRING_BYTE = new Uint8Array(256);
for (let byte = 0; byte < 0x20; byte += 1) STRING_BYTE[byte] = 3;
for (let byte = 0x80; byte < 0x100; byte += 1) STRING_BYTE[byte] = 4;
STRING_BYTE[QUOTE] = 1;
STRING_BYTE[BACKSLASH] = 2;

/** Past a string starting at the quote at `i`; -1 when it is not a valid JSON string. Sets `lastString`. */
export function skipString(bytes: Uint8Array, i: number): number {
  const end = bytes.length;
  let escaped = false;
  let ascii = true;
  i += 1;
  while (i < end) {
    // the plain run is the hot loop: one table load per byte
    let kind = STRING_BYTE[bytes[i] as number] as number;
    while (kind === 0 && ++i < end) kind = STRING_BYTE[bytes[i] as number] as number;
    if (i >= end) return -1;
    if (kind === 1) {
      lastString.escaped = escaped;
      lastString.ascii = ascii;
      return i + 1;
    }
    if (kind === 4) {
      ascii = false;
      i += 1;
      continue;
    }
    if (kind === 3) return -1;
    escaped = true;
    const next = bytes[i + 1];
    if (next === 0x75) {
      // \uXXXX (a lone surrogate is valid JSON: JSON.parse keeps it)
      for (let k = i + 2; k < i + 6; k += 1) if (!isHexDigit(bytes[k])) return -1;
      i += 6;
    } else if (
      next === QUOTE ||
      next === BACKSLASH ||
      next === 0x2f || // /
      next === 0x62 || // b
      next === 0x66 || // f
      next === 0x6e || // n
      next === 0x72 || // r
      next === 0x74 // t
    ) {
      i += 2;
    } else {
      return -1;
    }
  }
  return -1;
}

/** Past a number or `true` / `false` / `null` at `i`; -1 when there is none. */
export function skipScalar(bytes: Uint8Array, i: number): number {
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

/**
 * Past JSON white space (space, tab, LF, CR). Hot call sites test `<= 0x20` first: compact JSON
 * has none, and a call per token costs more than that test.
 */
export function skipSpace(bytes: Uint8Array, i: number): number {
  for (;;) {
    const byte = bytes[i];
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) i += 1;
    else return i;
  }
}

function literal(bytes: Uint8Array, i: number, word: string): number {
  for (let k = 0; k < word.length; k += 1) if (bytes[i + k] !== word.charCodeAt(k)) return -1;
  return i + word.length;
}

function isHexDigit(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= ZERO && byte <= NINE) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66));
}

/** An ASCII digit `0`–`9` (a byte, or a UTF-16 code unit: the same below 0x80). */
export function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= ZERO && byte <= NINE;
}
