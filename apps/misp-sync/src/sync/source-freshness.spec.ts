import { assessSyncSentinel, formatSyncSentinel, parseSyncSentinel } from '@iocflow/core';
import { SourceFreshness } from './source-freshness';

const T = Date.parse('2025-01-01T00:00:00Z');
const iso = (ms: number): string => new Date(T + ms).toISOString();
const second = 1000;
const minute = 60 * second;

describe('SourceFreshness', () => {
  const sources = [
    { name: 'misp', intervalMs: minute },
    { name: 'feed:X', intervalMs: 60 * minute },
  ];

  it('writes nothing until every source has succeeded once, then each one with its interval; lastSuccessAt is the oldest', () => {
    const book = new SourceFreshness(sources, 30 * second);
    book.succeeded('misp', T + 5 * second, { mode: 'incremental' });
    expect(book.content(7)).toBeUndefined();
    book.succeeded('feed:X', T + 9 * second, { mode: 'feed' });
    expect(book.content(7)).toEqual({
      lastSuccessAt: iso(5 * second),
      indicatorCount: 7,
      sources: { misp: { lastSuccessAt: iso(5 * second), intervalMs: minute }, 'feed:X': { lastSuccessAt: iso(9 * second), intervalMs: 60 * minute } },
      extra: { mode: 'feed', source: 'feed:X' },
    });
  });

  it('asks for a heartbeat only once a run has applied pages for heartbeatMs, then every heartbeatMs, with the run marks', () => {
    const book = new SourceFreshness(sources, 30 * second);
    book.succeeded('misp', T, {});
    book.succeeded('feed:X', T, {});
    book.runStarted('feed:X', T + 60 * minute);
    expect(book.progressed('feed:X', T + 60 * minute + 10 * second)).toBe(false);
    // A short run's success is its only write: no marks without a heartbeat.
    expect(book.content(1)?.sources['feed:X']).toEqual({ lastSuccessAt: iso(0), intervalMs: 60 * minute });
    expect(book.progressed('feed:X', T + 60 * minute + 30 * second)).toBe(true);
    expect(book.content(1, 'feed:X')?.sources['feed:X']).toEqual({ lastSuccessAt: iso(0), intervalMs: 60 * minute, runStartedAt: iso(60 * minute), progressAt: iso(60 * minute + 30 * second) });
    book.heartbeatWritten('feed:X', T + 60 * minute + 30 * second);
    expect(book.progressed('feed:X', T + 60 * minute + 45 * second)).toBe(false);
    // Another source's write now carries the published run's latest progress too.
    expect(book.content(1)?.sources['feed:X']).toMatchObject({ progressAt: iso(60 * minute + 45 * second) });
    expect(book.progressed('feed:X', T + 61 * minute)).toBe(true);
  });

  it('drops the marks when the run succeeds or fails; a failure after a heartbeat asks for a rewrite', () => {
    const book = new SourceFreshness(sources, 30 * second);
    book.succeeded('misp', T, {});
    book.succeeded('feed:X', T, {});
    book.runStarted('misp', T + minute);
    expect(book.failed('misp')).toBe(false);
    book.runStarted('misp', T + 2 * minute);
    book.progressed('misp', T + 3 * minute);
    book.heartbeatWritten('misp', T + 3 * minute);
    expect(book.failed('misp')).toBe(true);
    expect(book.content(1)?.sources['misp']).toEqual({ lastSuccessAt: iso(0), intervalMs: minute });
    expect(book.progressed('misp', T + 4 * minute)).toBe(false);
  });

  it('carries last successes over a restart from the freshness record, for configured sources only', () => {
    const previous = parseSyncSentinel(
      formatSyncSentinel({
        lastSuccessAt: iso(0),
        indicatorCount: 3,
        sources: { misp: { lastSuccessAt: iso(0), intervalMs: minute }, 'feed:Old': { lastSuccessAt: iso(0), intervalMs: minute }, 'feed:X': { lastSuccessAt: iso(minute), intervalMs: 1, progressAt: iso(2 * minute), runStartedAt: iso(minute) } },
      }),
    );
    const book = new SourceFreshness(sources, 30 * second);
    book.restore(previous);
    expect(Object.keys(book.content(3)?.sources ?? {})).toEqual(['misp', 'feed:X']);
    // The interval is today's configuration; the run of the previous process is over.
    expect(book.content(3)?.sources['feed:X']).toEqual({ lastSuccessAt: iso(minute), intervalMs: 60 * minute });
    book.restore(undefined);
    expect(book.content(3)).toBeDefined();
  });

  it('carries no last success from the future over a restart (issue 11: timestamps beyond now + the skew margin are not trusted)', () => {
    const previous = parseSyncSentinel(
      formatSyncSentinel({ lastSuccessAt: iso(0), indicatorCount: 3, sources: { misp: { lastSuccessAt: iso(0), intervalMs: minute }, 'feed:X': { lastSuccessAt: '3000-01-01T00:00:00.000Z', intervalMs: 60 * minute } } }),
    );
    const book = new SourceFreshness(sources, 30 * second);
    book.restore(previous, T + 2 * minute);
    // feed:X has not succeeded as far as this process can trust: nothing is written until it does.
    expect(book.content(3)).toBeUndefined();
    book.succeeded('feed:X', T + minute, {});
    expect(book.content(3)?.sources).toEqual({ misp: { lastSuccessAt: iso(0), intervalMs: minute }, 'feed:X': { lastSuccessAt: iso(minute), intervalMs: 60 * minute } });
  });

  it('keeps an hourly feed fresh between its polls and a long full sync fresh while it progresses (judged by the core rule)', () => {
    const book = new SourceFreshness(sources, 30 * second);
    book.succeeded('misp', T, {});
    book.succeeded('feed:X', T, {});
    const judge = (nowMs: number, heartbeat?: string) =>
      assessSyncSentinel(parseSyncSentinel(formatSyncSentinel(book.content(1, heartbeat) ?? { lastSuccessAt: iso(0), indicatorCount: 0 })), nowMs, 15 * minute).sources.map((s) => `${s.source}:${s.state}`);
    expect(judge(T + 45 * minute)).toContain('feed:X:fresh');
    // MISP's full sync starts on time and runs for two hours, one page every few seconds.
    book.runStarted('misp', T + minute);
    let now = T + minute;
    while (now < T + 2 * 60 * minute) {
      now += 5 * second;
      if (book.progressed('misp', now)) book.heartbeatWritten('misp', now);
    }
    expect(judge(now)).toEqual(['misp:running', 'feed:X:stale']);
    // It stops progressing: stale once M has passed since its last page.
    expect(judge(now + 15 * minute + 30 * second)[0]).toBe('misp:stale');
  });
});
