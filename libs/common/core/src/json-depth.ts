/**
 * Deepest nesting of JSON objects and arrays iocflow handles by default: Elasticsearch's own
 * parser refuses a document nested deeper than 1,000 (Jackson's `StreamReadConstraints`), and
 * V8's recursive `JSON.stringify` throws a RangeError at about 5,000 levels, so a text that must
 * be serialised again (the enricher's rebuild of a pre-enriched event) stays well clear of it.
 */
export const DEFAULT_MAX_JSON_DEPTH = 1000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * Whether the JSON text (UTF-8 bytes) opens more than `maxDepth` objects or arrays inside each
 * other. One pass, no allocation, brackets inside strings ignored; text that is not valid JSON
 * gets an answer too (a bound, not a verdict on validity).
 *
 * Costs nothing for the usual event: every level takes at least two bytes (`[` and `]`), so a
 * text shorter than 2 × (maxDepth + 1) bytes cannot nest deeper and is not scanned at all.
 */
export function jsonDepthExceeds(bytes: Uint8Array, maxDepth: number): boolean {
  const end = bytes.length;
  if (end < 2 * (maxDepth + 1)) return false;
  let depth = 0;
  for (let i = 0; i < end; i++) {
    const byte = bytes[i];
    if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth--;
    } else if (byte === QUOTE) {
      // past the string: a backslash escapes the next byte, whatever it is
      for (i++; i < end; i++) {
        const inner = bytes[i];
        if (inner === BACKSLASH) i++;
        else if (inner === QUOTE) break;
      }
    }
  }
  return false;
}
