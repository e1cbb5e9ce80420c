import { assessSyncSentinel, formatSyncSentinel, judgeSyncSentinel, parseSyncSentinel, type SourceSchedule } from './sync-sentinel';

describe('parseSyncSentinel', () => {
  it('round-trips what formatSyncSentinel writes, keeping extra fields', () => {
    const text = formatSyncSentinel({ lastSuccessAt: '2025-01-01T00:00:00.000Z', indicatorCount: 3, extra: { source: 'misp' } });
    expect(parseSyncSentinel(text)).toEqual({ lastSuccessAt: '2025-01-01T00:00:00.000Z', indicatorCount: 3, extra: { source: 'misp' } });
    expect(parseSyncSentinel(Buffer.from(text))).toEqual(parseSyncSentinel(text));
  });

  it('round-trips per-source schedules (format 2)', () => {
    const sources = {
      misp: { lastSuccessAt: '2025-01-01T00:00:00.000Z', intervalMs: 60_000 },
      'feed:X': { lastSuccessAt: '2025-01-01T00:00:00.000Z', intervalMs: 3_600_000, runStartedAt: '2025-01-01T01:00:00.000Z', progressAt: '2025-01-01T01:05:00.000Z' },
    };
    const text = formatSyncSentinel({ lastSuccessAt: '2025-01-01T00:00:00.000Z', indicatorCount: 3, sources, extra: { mode: 'feed' } });
    expect(JSON.parse(text)).toMatchObject({ format: 2, lastSuccessAt: '2025-01-01T00:00:00.000Z', indicatorCount: 3 });
    expect(parseSyncSentinel(text)).toEqual({ lastSuccessAt: '2025-01-01T00:00:00.000Z', indicatorCount: 3, sources, extra: { mode: 'feed' } });
  });

  it('never lets extra fields shadow the required ones', () => {
    const text = formatSyncSentinel({ lastSuccessAt: '2025-01-01T00:00:00.000Z', indicatorCount: 3, extra: { indicatorCount: 'x', format: 2, sources: 'x' } });
    expect(parseSyncSentinel(text)).toEqual({ lastSuccessAt: '2025-01-01T00:00:00.000Z', indicatorCount: 3, extra: {} });
    expect(parseSyncSentinel(formatSyncSentinel({ lastSuccessAt: '2025-01-01T00:00:00Z', indicatorCount: 1, sources: { misp: { lastSuccessAt: '2025-01-01T00:00:00Z', intervalMs: 1 } }, extra: { format: 1, sources: {} } }))?.sources).toEqual({
      misp: { lastSuccessAt: '2025-01-01T00:00:00Z', intervalMs: 1 },
    });
  });

  it('reads a format-1 sentinel (and its old `sources` of plain times) without schedules', () => {
    const old = '{"lastSuccessAt":"2025-01-01T00:00:00Z","indicatorCount":1,"sources":{"misp":"2025-01-01T00:00:00Z"}}';
    expect(parseSyncSentinel(old)).toEqual({ lastSuccessAt: '2025-01-01T00:00:00Z', indicatorCount: 1, extra: { sources: { misp: '2025-01-01T00:00:00Z' } } });
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
    ['format 2 without sources', '{"format":2,"lastSuccessAt":"2025-01-01T00:00:00Z","indicatorCount":1}'],
    ['format 2 with no source', '{"format":2,"lastSuccessAt":"2025-01-01T00:00:00Z","indicatorCount":1,"sources":{}}'],
    ['a source without interval', '{"format":2,"lastSuccessAt":"2025-01-01T00:00:00Z","indicatorCount":1,"sources":{"misp":{"lastSuccessAt":"2025-01-01T00:00:00Z"}}}'],
    ['a negative interval', '{"format":2,"lastSuccessAt":"2025-01-01T00:00:00Z","indicatorCount":1,"sources":{"misp":{"lastSuccessAt":"2025-01-01T00:00:00Z","intervalMs":-1}}}'],
    ['a bad progress time', '{"format":2,"lastSuccessAt":"2025-01-01T00:00:00Z","indicatorCount":1,"sources":{"misp":{"lastSuccessAt":"2025-01-01T00:00:00Z","intervalMs":1,"progressAt":"soon"}}}'],
    ['a source that is a string', '{"format":2,"lastSuccessAt":"2025-01-01T00:00:00Z","indicatorCount":1,"sources":{"misp":"2025-01-01T00:00:00Z"}}'],
  ])('refuses %s', (_name, raw) => {
    expect(parseSyncSentinel(raw)).toBeUndefined();
  });
});

describe('assessSyncSentinel: each source against its own schedule', () => {
  const T = Date.parse('2025-01-01T00:00:00Z');
  const at = (ms: number): string => new Date(T + ms).toISOString();
  const minute = 60_000;
  const M = 15 * minute;
  const sentinel = (sources: Record<string, SourceSchedule>) => parseSyncSentinel(formatSyncSentinel({ lastSuccessAt: at(0), indicatorCount: 1, sources }));
  const hourly = (lastMs: number, extra: Partial<SourceSchedule> = {}): SourceSchedule => ({ lastSuccessAt: at(lastMs), intervalMs: 60 * minute, ...extra });

  it.each<[string, SourceSchedule, number, string]>([
    ['just polled', hourly(0), minute, 'fresh'],
    // The case: an hourly feed is trusted between polls, not for M alone.
    ['45 min after an hourly poll', hourly(0), 45 * minute, 'fresh'],
    ['at its due time (L + I + M)', hourly(0), 75 * minute, 'fresh'],
    ['just past its due time', hourly(0), 75 * minute + 1, 'stale'],
    ['a run that started in time and progressed 10 min ago', hourly(0, { runStartedAt: at(60 * minute), progressAt: at(110 * minute) }), 120 * minute, 'running'],
    ['a run that stopped progressing more than M ago', hourly(0, { runStartedAt: at(60 * minute), progressAt: at(90 * minute) }), 120 * minute, 'stale'],
    ['a run that started after the source went stale', hourly(0, { runStartedAt: at(80 * minute), progressAt: at(119 * minute) }), 120 * minute, 'stale'],
    ['a run without a progress mark', hourly(0, { runStartedAt: at(60 * minute) }), 80 * minute, 'stale'],
    ['a last success in the future', hourly(10 * minute), 0, 'future'],
    ['a progress time in the future', hourly(0, { runStartedAt: at(60 * minute), progressAt: at(200 * minute) }), 80 * minute, 'future'],
  ])('%s', (_name, schedule, nowOffset, state) => {
    const assessment = assessSyncSentinel(sentinel({ 'feed:X': schedule }), T + nowOffset, M);
    expect(assessment.sources.map((s) => [s.source, s.state])).toEqual([['feed:X', state]]);
    expect(assessment.problem).toBe(state === 'fresh' || state === 'running' ? undefined : state);
  });

  it('names only the source that missed its schedule; the others stay fresh', () => {
    const assessment = assessSyncSentinel(sentinel({ misp: { lastSuccessAt: at(0), intervalMs: minute }, 'feed:X': hourly(0) }), T + 30 * minute, M);
    expect(assessment.problem).toBe('stale');
    expect(assessment.sources.map((s) => [s.source, s.state])).toEqual([
      ['misp', 'stale'],
      ['feed:X', 'fresh'],
    ]);
    expect(assessment.reason).toBe('source misp missed its schedule: last success 2025-01-01T00:00:00.000Z, polled every 60 s, due by 2025-01-01T00:16:00.000Z');
  });

  it('reports the due time a run in progress earns', () => {
    const assessment = assessSyncSentinel(sentinel({ 'feed:X': hourly(0, { runStartedAt: at(60 * minute), progressAt: at(110 * minute) }) }), T + 120 * minute, M);
    expect(assessment.sources[0]?.dueMs).toBe(T + 125 * minute);
  });

  it('judges a format-1 sentinel as one source against the limit alone', () => {
    const legacy = parseSyncSentinel(formatSyncSentinel({ lastSuccessAt: at(0), indicatorCount: 1 }));
    expect(assessSyncSentinel(legacy, T + M, M)).toEqual({ sources: [{ source: 'sync', lastSuccessMs: T, intervalMs: 0, dueMs: T + M, state: 'fresh' }] });
    expect(assessSyncSentinel(legacy, T + M + 1, M)).toMatchObject({ problem: 'stale', reason: expect.stringContaining('sync sentinel stale') });
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
