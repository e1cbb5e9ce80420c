import fc from 'fast-check';
import { dailyIndexName, indexNameFor, InvalidIndexPrefixError, parseEventTime, validateIndexPrefix } from './index-name';

describe('validateIndexPrefix', () => {
  it.each(['iocflow-logs', 'logs', 'a.b_c+d', 'é-logs'])('accepts %j', (prefix) => {
    expect(validateIndexPrefix(prefix)).toBe(prefix);
  });

  it.each([
    ['', 'empty'],
    ['Logs', 'upper-case'],
    ['logs/x', 'slash'],
    ['logs\\x', 'backslash'],
    ['logs*', 'wildcard'],
    ['lo?gs', 'question mark'],
    ['lo"gs', 'quote'],
    ['lo<gs', 'lt'],
    ['lo>gs', 'gt'],
    ['lo|gs', 'pipe'],
    ['lo gs', 'space'],
    ['lo,gs', 'comma (would address two indices)'],
    ['lo#gs', 'hash'],
    ['cluster:logs', 'colon (cross-cluster syntax)'],
    ['-logs', 'leading dash'],
    ['_logs', 'leading underscore'],
    ['+logs', 'leading plus'],
    ['.', 'dot'],
    ['..', 'dot dot'],
    ['x'.repeat(245), 'too long once the date is added'],
  ])('rejects %j (%s)', (prefix) => {
    expect(() => validateIndexPrefix(prefix)).toThrow(InvalidIndexPrefixError);
  });

  it('counts bytes, not characters', () => {
    expect(() => validateIndexPrefix('é'.repeat(122))).not.toThrow();
    expect(() => validateIndexPrefix('é'.repeat(123))).toThrow(InvalidIndexPrefixError);
  });

  it('says a retry cannot help', () => {
    try {
      validateIndexPrefix('Bad');
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_INDEX_PREFIX', retryable: false });
    }
  });
});

describe('parseEventTime', () => {
  it.each([
    ['2024-03-05T23:59:59.999Z', Date.UTC(2024, 2, 5, 23, 59, 59, 999)],
    ['2024-03-05T23:30:00-02:00', Date.UTC(2024, 2, 6, 1, 30)],
    ['2019-07-24T12:19:19.371Z', Date.UTC(2019, 6, 24, 12, 19, 19, 371)],
    [1709683200000, 1709683200000],
    ['1709683200000', 1709683200000],
  ])('reads %j', (value, millis) => {
    expect(parseEventTime(value)).toBe(millis);
  });

  it.each([undefined, null, '', 'yesterday', {}, [], true, Number.NaN, Infinity, '../../other-index', -1e15, 1e16])(
    'ignores %j',
    (value) => {
      expect(parseEventTime(value)).toBeUndefined();
    },
  );
});

describe('dailyIndexName', () => {
  it('formats the UTC day with zero padding', () => {
    expect(dailyIndexName('iocflow-logs', Date.UTC(2024, 0, 2, 3, 4))).toBe('iocflow-logs-2024.01.02');
  });
});

describe('indexNameFor', () => {
  const recordTime = Date.UTC(2025, 10, 28, 12);
  const now = Date.UTC(2026, 0, 1);

  it('uses the event @timestamp, in UTC', () => {
    expect(indexNameFor('p', '2024-12-31T23:30:00-01:00', recordTime, now)).toBe('p-2025.01.01');
  });

  it('falls back to the Kafka record timestamp when @timestamp is missing or unreadable', () => {
    expect(indexNameFor('p', undefined, recordTime, now)).toBe('p-2025.11.28');
    expect(indexNameFor('p', 'not a date', recordTime, now)).toBe('p-2025.11.28');
  });

  it('accepts the record timestamp as kafkajs gives it (a string) and falls back to now when it is -1', () => {
    expect(indexNameFor('p', undefined, String(recordTime), now)).toBe('p-2025.11.28');
    expect(indexNameFor('p', undefined, '-1', now)).toBe('p-2026.01.01');
  });

  it('never copies an event value into the name', () => {
    for (const hostile of ['2024-01-01,other-index', '2024-01-01/../_all', '*', '2024.01.01 #x']) {
      const name = indexNameFor('p', hostile, recordTime, now);
      expect(name).toMatch(/^p-\d{4}\.\d{2}\.\d{2}$/);
    }
  });
});

describe('parseEventTime and dailyIndexName against their plain definitions (fast-check, issue 14)', () => {
  // the definitions before the per-event Date was taken out and the last day's name kept
  const plainTime = (value: unknown): number | undefined => {
    const millis = typeof value === 'number' ? value : typeof value === 'string' ? (/^-?\d+$/.test(value) ? Number(value) : Date.parse(value)) : Number.NaN;
    if (!Number.isFinite(millis)) return undefined;
    const year = new Date(millis).getUTCFullYear();
    return year >= 1970 && year <= 9999 ? millis : undefined;
  };
  const plainName = (prefix: string, millis: number): string => {
    const day = new Date(millis);
    return `${prefix}-${day.getUTCFullYear()}.${String(day.getUTCMonth() + 1).padStart(2, '0')}.${String(day.getUTCDate()).padStart(2, '0')}`;
  };
  const edges = [0, -1, -0.5, 0.5, 86_399_999.5, 86_400_000, Date.UTC(10_000, 0, 1), Date.UTC(10_000, 0, 1) - 0.5, 8.64e15, -8.64e15, Number.NaN, Number.POSITIVE_INFINITY];
  const millis = fc.oneof(fc.constantFrom(...edges), fc.double({ min: -1e13, max: 3e14 }), fc.integer({ min: 0, max: 2e12 }));

  it('gives the same time for any value', () => {
    const value = fc.oneof(millis, millis.map(String), fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), fc.string({ maxLength: 12 }), fc.constant(null));
    fc.assert(fc.property(value, (input) => expect(parseEventTime(input)).toBe(plainTime(input))), { seed: 14_021, numRuns: 3000 });
  });

  it('gives the same name for any sequence of times and prefixes', () => {
    const times = fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.oneof(millis.filter((m) => Number.isFinite(m) && Math.abs(m) <= 8.64e15), fc.constant(1_700_000_000_000))), { maxLength: 20 });
    fc.assert(fc.property(times, (sequence) => sequence.forEach(([prefix, at]) => expect(dailyIndexName(prefix, at)).toBe(plainName(prefix, at)))), { seed: 14_022, numRuns: 500 });
  });
});
