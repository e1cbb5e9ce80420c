import { formatSyncSentinel } from '@iocflow/core';
import { FreshnessJudge } from './freshness-judge';

const T = Date.parse('2025-06-01T12:00:00Z');
const minute = 60_000;

describe('FreshnessJudge', () => {
  const judge = () => new FreshnessJudge(15 * minute, 'sync sentinel', 'the store is empty');
  const sentinel = (intervalMs: number) => formatSyncSentinel({ lastSuccessAt: new Date(T).toISOString(), indicatorCount: 1, sources: { 'feed:A': { lastSuccessAt: new Date(T).toISOString(), intervalMs } } });

  it.each([
    ['no sentinel', undefined, T, { usable: false, code: 'STORE_EMPTY', reason: 'sync sentinel missing: the store is empty' }],
    ['a malformed one', 'yes', T, { usable: false, code: 'STORE_STALE', reason: 'sync sentinel malformed' }],
    ['an hourly source 45 min after its poll', sentinel(60 * minute), T + 45 * minute, { usable: true }],
    ['a minutely source 45 min after its poll', sentinel(minute), T + 45 * minute, { usable: false, code: 'STORE_STALE', reason: expect.stringContaining('sync sentinel: source feed:A missed its schedule') }],
    ['a format-1 sentinel past the limit', formatSyncSentinel({ lastSuccessAt: new Date(T).toISOString(), indicatorCount: 1 }), T + 16 * minute, { usable: false, code: 'STORE_STALE', reason: expect.stringContaining('sync sentinel stale') }],
  ])('%s', (_name, raw, now, verdict) => {
    expect(judge().judge(raw, now)).toEqual(verdict);
  });

  it('remembers the per-source verdict, and reads bytes like text', () => {
    const j = judge();
    expect(j.sources).toEqual([]);
    j.judge(Buffer.from(sentinel(minute)), T);
    expect(j.sources).toEqual([{ source: 'feed:A', lastSuccessMs: T, intervalMs: minute, dueMs: T + 16 * minute, state: 'fresh' }]);
    j.judge(undefined, T);
    expect(j.sources).toEqual([]);
  });
});
