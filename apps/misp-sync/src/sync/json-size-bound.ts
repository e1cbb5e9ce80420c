/** Longest JSON text of a finite number (`-1.2345678901234567e-308`); non-finite numbers serialise as `null`. */
const MAX_NUMBER_CHARS = 24;
/** Longest UTF-8 encoding of one UTF-16 unit in JSON text: a `\uXXXX` escape (6 bytes). */
const MAX_BYTES_PER_UNIT = 6;

/**
 * An upper bound on `Buffer.byteLength(JSON.stringify(value))` for plain JSON data (strings,
 * numbers, booleans, null, arrays, plain objects; undefined members are counted as if present),
 * computed without building the text: a record far under a size limit is known to fit without
 * being serialised just to be measured.
 */
export function jsonSizeBound(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return value.length * MAX_BYTES_PER_UNIT + 2;
    case 'number':
      return MAX_NUMBER_CHARS;
    case 'boolean':
      return 5;
    case 'object': {
      if (value === null) return 4;
      if (Array.isArray(value)) {
        let bytes = 2;
        for (const item of value as readonly unknown[]) bytes += jsonSizeBound(item) + 1;
        return bytes;
      }
      // for…in over own keys: no entries array per object (this runs for every topic record).
      const object = value as Record<string, unknown>;
      let bytes = 2;
      for (const key in object) {
        if (Object.prototype.hasOwnProperty.call(object, key)) bytes += key.length * MAX_BYTES_PER_UNIT + 2 + 1 + jsonSizeBound(object[key]) + 1;
      }
      return bytes;
    }
    default:
      // undefined, functions, symbols: JSON leaves them out of objects and writes `null` in arrays.
      return 4;
  }
}
