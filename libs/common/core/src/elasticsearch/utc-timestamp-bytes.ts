import { COLON, DOT, QUOTE, ZERO } from '../json-lexer';

/**
 * The indexer's `@timestamp` read straight from the event's bytes, for the usual form only.
 *
 * Events almost always carry `@timestamp` as a JSON string `"YYYY-MM-DDTHH:MM:SS[.fraction]Z"`
 * (ECS, Beats, Logstash, the enricher). Reading it the general way costs a Buffer slice, a UTF-8
 * decode, `JSON.parse` of the string, a regular expression and `Date.parse`, about 1 µs per
 * document; this reads the digits where they stand.
 *
 * It answers exactly what `Date.parse` answers for the string, or `undefined` ("not this form":
 * the caller decodes the value and takes `parseEventTime`). The form, as V8's ISO parser reads it:
 * a four-digit year, month 01–12, day 01–31 (a day past the month's end runs on into the next
 * month, as `Date.parse` does: `2023-02-31` is 3 March), `T`, hours 00–23, minutes and seconds
 * 00–59, optionally a dot and one to nine digits of which the first three are the milliseconds
 * (the rest are dropped, not rounded), and `Z`. Anything else (offsets, lower-case `t` or `z`,
 * hour 24, no seconds, escapes, other lengths) is left to the general path.
 */
export function utcTimestampMillis(bytes: Uint8Array, start: number, end: number): number | undefined {
  // `"YYYY-MM-DDTHH:MM:SSZ"` is 22 bytes; quotes at both ends
  if (end - start < 22 || bytes[start] !== QUOTE || bytes[end - 1] !== QUOTE || bytes[end - 2] !== UPPER_Z) return undefined;
  const at = start + 1;
  if (bytes[at + 4] !== DASH || bytes[at + 7] !== DASH || bytes[at + 10] !== UPPER_T || bytes[at + 13] !== COLON || bytes[at + 16] !== COLON) {
    return undefined;
  }
  const year = digits(bytes, at, 4);
  const month = digits(bytes, at + 5, 2);
  const day = digits(bytes, at + 8, 2);
  const hours = digits(bytes, at + 11, 2);
  const minutes = digits(bytes, at + 14, 2);
  const seconds = digits(bytes, at + 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59) {
    return undefined;
  }
  let millis = 0;
  // after the seconds: `Z` (end - 2 = at + 19), or `.` and one or more digits before it
  const zAt = end - 2;
  if (zAt !== at + 19) {
    // one to nine digits (V8 reads ten or more differently: `.0001000000` is 1 ms there)
    if (bytes[at + 19] !== DOT || zAt < at + 21 || zAt > at + 29) return undefined;
    for (let k = at + 20; k < zAt; k += 1) {
      const digit = (bytes[k] as number) - ZERO;
      if (digit < 0 || digit > 9) return undefined;
      if (k < at + 23) millis += digit * (FRACTION_WEIGHT[k - at - 20] as number);
    }
  }
  return (((daysFromCivil(year, month, day) * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000 + millis;
}

const DASH = 0x2d;
const UPPER_T = 0x54;
const UPPER_Z = 0x5a;
const FRACTION_WEIGHT = [100, 10, 1] as const;

/** The decimal value of `count` ASCII digits at `at`, or -1 when one is not a digit. */
function digits(bytes: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let k = at; k < at + count; k += 1) {
    const digit = (bytes[k] as number) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`); a day past
 * the month's end counts on into the next month, as `Date.UTC` does. (`Date.UTC` itself maps the
 * years 0–99 to 1900–1999, which `Date.parse` does not: hence the arithmetic.)
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
