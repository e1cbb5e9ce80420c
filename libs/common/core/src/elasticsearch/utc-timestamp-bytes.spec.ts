import fc from 'fast-check';
import { utcTimestampMillis } from './utc-timestamp-bytes';

/** The reader on the JSON string of `text`, quotes included, inside other bytes (as in an event). */
function read(text: string): number | undefined {
  const json = Buffer.from(`{"@timestamp":${JSON.stringify(text)}}`, 'utf8');
  return utcTimestampMillis(json, '{"@timestamp":'.length, json.length - 1);
}

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** Timestamps of the plain form with every component drawn around and beyond its range. */
const plainForm = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hours: fc.integer({ min: 0, max: 25 }),
    minutes: fc.integer({ min: 0, max: 60 }),
    seconds: fc.integer({ min: 0, max: 61 }),
    fraction: fc.option(fc.stringMatching(/^[0-9]{0,12}$/), { nil: undefined }),
  })
  .map(({ year, month, day, hours, minutes, seconds, fraction }) =>
    `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}${fraction === undefined ? '' : `.${fraction}`}Z`,
  );

/** The plain form with one character replaced, inserted or removed. */
const mutated = fc.tuple(plainForm, fc.nat(), fc.constantFrom('', '0', '9', 'z', 't', '+', ' ', '.', ':', '-', '\\', 'é'), fc.constantFrom('replace', 'insert')).map(
  ([text, at, char, how]) => {
    const i = at % text.length;
    return how === 'replace' ? text.slice(0, i) + char + text.slice(i + 1) : text.slice(0, i) + char + text.slice(i);
  },
);

describe('utcTimestampMillis', () => {
  it.each([
    ['2024-01-15T10:20:30Z', Date.UTC(2024, 0, 15, 10, 20, 30)],
    ['2024-01-15T10:20:30.5Z', Date.UTC(2024, 0, 15, 10, 20, 30, 500)],
    ['2024-01-15T10:20:30.123456Z', Date.UTC(2024, 0, 15, 10, 20, 30, 123)],
    ['2024-01-15T10:20:30.9999Z', Date.UTC(2024, 0, 15, 10, 20, 30, 999)],
    ['2023-02-31T00:00:00Z', Date.UTC(2023, 2, 3)],
    ['2024-02-29T23:59:59.999Z', Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
    ['0050-01-01T00:00:00Z', Date.parse('0050-01-01T00:00:00Z')],
    ['1969-12-31T23:59:59Z', -1000],
  ])('reads %s as Date.parse does', (text, millis) => {
    expect(read(text)).toBe(millis);
    expect(read(text)).toBe(Date.parse(text));
  });

  it.each([
    ['2024-01-15T10:20:30.Z'],
    ['2024-01-15T24:00:00Z'],
    ['2024-01-15T23:59:60Z'],
    ['2024-00-10T00:00:00Z'],
    ['2024-01-15t10:20:30Z'],
    ['2024-01-15T10:20:30z'],
    ['2024-01-15T10:20Z'],
    ['2024-01-15T10:20:30+00:00'],
    ['2024-01-15 10:20:30Z'],
    ['+002024-01-15T10:20:30Z'],
    ['2024-01-1\\u0035T10:20:30Z'],
    ['2020-01-01T00:00:00.0001000000Z'],
  ])('leaves %s to the general path', (text) => {
    expect(read(text)).toBeUndefined();
  });

  it('leaves a number, an unquoted or a cut-off value to the general path', () => {
    const bytes = Buffer.from('1705314030000 "2024-01-15T10:20:30Z');
    expect(utcTimestampMillis(bytes, 0, 13)).toBeUndefined();
    expect(utcTimestampMillis(bytes, 14, bytes.length)).toBeUndefined();
  });

  it('answers what Date.parse answers, or leaves the text to it (generated and mutated timestamps)', () => {
    let read_ = 0;
    fc.assert(
      fc.property(fc.oneof(plainForm, mutated, fc.string({ maxLength: 30 })), (text) => {
        const millis = read(text);
        if (millis !== undefined) {
          read_ += 1;
          expect(millis).toBe(Date.parse(text));
        }
      }),
      { numRuns: 20_000 },
    );
    // the property is not vacuous: most plain-form timestamps are read here
    expect(read_).toBeGreaterThan(1000);
  });
});
