import { advanceCursor, formatSyncCursor, fullSyncFrom, isFullSyncDue, parseSyncCursor, trustedCursor } from './sync-cursor';

describe('sync cursor', () => {
  it('round-trips and rejects what it did not write', () => {
    const cursor = { timestamp: 1_700_000_000, eventTimestamp: 1_700_000_100, lastFullSyncAt: '2025-01-01T00:00:00.000Z' };
    expect(parseSyncCursor(formatSyncCursor(cursor))).toEqual(cursor);
    expect(parseSyncCursor('{"timestamp":5}')).toEqual({ timestamp: 5 });
    for (const bad of [null, undefined, '', 'nope', '[]', '{"timestamp":"5"}', '{"timestamp":-1}', '{"timestamp":1,"lastFullSyncAt":"never"}', '{"timestamp":1,"eventTimestamp":"x"}']) {
      expect(parseSyncCursor(bad)).toBeUndefined();
    }
  });

  it.each([
    ['nothing seen keeps the previous cursor', 100, undefined, 500, 100],
    ['first pull with nothing seen starts at 0', undefined, undefined, 500, 0],
    ['moves to the newest attribute seen (overlapping that second next time)', 100, 200, 500, 200],
    ['never passes the pull start', 100, 900, 500, 500],
    ['never moves back', 300, 200, 500, 300],
  ])('%s', (_name, previous, maxSeen, start, expected) => {
    expect(advanceCursor(previous, maxSeen, start)).toBe(expected);
  });

  it('bounds a full pull by the lookback, or not at all for 0', () => {
    expect(fullSyncFrom(1_000_000, 400_000)).toBe(600);
    expect(fullSyncFrom(1_000_000, 0)).toBeUndefined();
  });

  it('asks for a full reconciliation when none happened or the interval passed', () => {
    const now = Date.parse('2025-01-01T06:00:00.000Z');
    expect(isFullSyncDue(undefined, now, 3_600_000)).toBe(true);
    expect(isFullSyncDue({ timestamp: 1 }, now, 3_600_000)).toBe(true);
    expect(isFullSyncDue({ timestamp: 1, lastFullSyncAt: '2025-01-01T05:30:00.000Z' }, now, 3_600_000)).toBe(false);
    expect(isFullSyncDue({ timestamp: 1, lastFullSyncAt: '2025-01-01T05:00:00.000Z' }, now, 3_600_000)).toBe(true);
  });

  // Issue 11: a cursor from the future asks MISP only for what comes after it, i.e. nothing for as long.
  it('trusts a restored cursor only up to now plus the clock-skew margin', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const nowSec = now / 1000;
    const good = { timestamp: nowSec - 60, eventTimestamp: nowSec - 60, lastFullSyncAt: '2025-12-31T23:00:00.000Z' };
    expect(trustedCursor(good, now, 120)).toEqual(good);
    expect(trustedCursor({ ...good, timestamp: nowSec + 121 }, now, 120)).toBeUndefined();
    expect(trustedCursor({ ...good, timestamp: 99_999_999_999 }, now, 120)).toBeUndefined();
    expect(trustedCursor({ ...good, eventTimestamp: nowSec + 3600 }, now, 120)).toEqual({ timestamp: good.timestamp, lastFullSyncAt: good.lastFullSyncAt });
    expect(trustedCursor({ ...good, lastFullSyncAt: '2027-01-01T00:00:00.000Z' }, now, 120)).toEqual({ timestamp: good.timestamp, eventTimestamp: good.eventTimestamp });
    expect(trustedCursor(undefined, now, 120)).toBeUndefined();
  });
});
