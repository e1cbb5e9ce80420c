import { formatSyncSentinel, judgeSyncSentinel, parseSyncSentinel } from './sync-sentinel';

describe('parseSyncSentinel', () => {
  it('round-trips what formatSyncSentinel writes, keeping extra fields', () => {
    const text = formatSyncSentinel({ lastSuccessAt: '2025-01-01T00:00:00.000Z', indicatorCount: 3, extra: { source: 'misp' } });
    expect(parseSyncSentinel(text)).toEqual({ lastSuccessAt: '2025-01-01T00:00:00.000Z', indicatorCount: 3, extra: { source: 'misp' } });
    expect(parseSyncSentinel(Buffer.from(text))).toEqual(parseSyncSentinel(text));
  });

  it('never lets extra fields shadow the required ones', () => {
    const text = formatSyncSentinel({ lastSuccessAt: '2025-01-01T00:00:00.000Z', indicatorCount: 3, extra: { indicatorCount: 'x' } });
    expect(parseSyncSentinel(text)?.indicatorCount).toBe(3);
  });

  it.each([
    ['absent', undefined],
    ['null', null],
    ['not JSON', 'ok'],
    ['an array', '[]'],
    ['no time', '{"indicatorCount":1}'],
    ['a bad time', '{"lastSuccessAt":"yesterday","indicatorCount":1}'],
    ['a negative count', '{"lastSuccessAt":"2025-01-01T00:00:00Z","indicatorCount":-1}'],
    ['a fractional count', '{"lastSuccessAt":"2025-01-01T00:00:00Z","indicatorCount":1.5}'],
  ])('refuses %s', (_name, raw) => {
    expect(parseSyncSentinel(raw)).toBeUndefined();
  });
});

describe('judgeSyncSentinel', () => {
  const now = Date.parse('2025-01-01T00:10:00Z');
  const at = (iso: string): string => formatSyncSentinel({ lastSuccessAt: iso, indicatorCount: 1 });

  it('accepts a fresh sentinel', () => {
    expect(judgeSyncSentinel(at('2025-01-01T00:05:00Z'), now, 15 * 60_000)).toBeUndefined();
  });
  it('reports missing, malformed, stale and future', () => {
    expect(judgeSyncSentinel(undefined, now, 60_000)).toBe('missing');
    expect(judgeSyncSentinel('{', now, 60_000)).toBe('malformed');
    expect(judgeSyncSentinel(at('2025-01-01T00:05:00Z'), now, 60_000)).toBe('stale');
    expect(judgeSyncSentinel(at('2025-01-01T01:00:00Z'), now, 60_000)).toBe('future');
  });
});
