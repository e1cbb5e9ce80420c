import fc from 'fast-check';
import { assessSyncSentinel, formatSyncSentinel, judgeSyncSentinel, parseSyncSentinel, type SourceSchedule } from './sync-sentinel';

// Issue 11, deliverable 4, for issue 12's freshness record: the sentinel is read from memcached and
// from the indicator topic, where any producer may have written anything under the reserved key.
// (core may not use @iocflow/testing: the arbitraries are local.)
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.integer({ min: 0xd800, max: 0xdfff }), { maxLength: 4 }).map((codes) => String.fromCharCode(...codes)),
  fc.constantFrom('__proto__', 'constructor', '', '2025-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '3000-01-01', '1e308', 'x\r\nflush_all'),
);
const hostileJson = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    hostileText,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileText, fc.constantFrom('format', 'sources', 'lastSuccessAt', 'indicatorCount', 'intervalMs', 'progressAt', 'runStartedAt')), tie('value'), { maxKeys: 5 }),
  ),
})).value;
const time = fc.oneof(fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((date) => date.toISOString()), hostileText);
const schedule = fc.record({ lastSuccessAt: time, intervalMs: fc.oneof(fc.double(), fc.constantFrom(0, 60_000, 1e308, -1)), runStartedAt: time, progressAt: time }, { requiredKeys: [] });
const sentinelLike = fc.record(
  { format: fc.oneof(fc.constant(2), hostileJson), lastSuccessAt: time, indicatorCount: fc.oneof(fc.nat(), hostileJson), sources: fc.oneof(fc.dictionary(hostileText, fc.oneof(schedule, hostileJson), { maxKeys: 4 }), hostileJson) },
  { requiredKeys: [] },
);
const raw = fc.oneof(hostileJson.map((json) => JSON.stringify(json) ?? 'null'), sentinelLike.map((json) => JSON.stringify(json)), fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)));
const now = fc.integer({ min: 0, max: 4_102_444_800_000 });

describe('the sync sentinel on arbitrary values (fast-check)', () => {
  it('is parsed, assessed and judged without an exception; a verdict names a known problem or none', () => {
    fc.assert(
      fc.property(raw, now, fc.nat({ max: 86_400_000 }), (value, nowMs, maxStalenessMs) => {
        const parsed = parseSyncSentinel(value);
        const assessment = assessSyncSentinel(parsed, nowMs, maxStalenessMs);
        expect([undefined, 'malformed', 'stale', 'future']).toContain(assessment.problem);
        if (assessment.problem !== undefined) expect(typeof assessment.reason).toBe('string');
        for (const source of assessment.sources) expect(['fresh', 'running', 'stale', 'future']).toContain(source.state);
        expect([undefined, 'missing', 'malformed', 'stale', 'future']).toContain(judgeSyncSentinel(value, nowMs, maxStalenessMs));
      }),
      { seed: 11_120, numRuns: 500, endOnFailure: true },
    );
  });

  it('round-trips what misp-sync writes, whatever its feed names', () => {
    const sources = fc.dictionary(
      hostileText.map((name) => `feed:${name}`),
      fc.record({ lastSuccessAt: fc.date({ min: new Date(0), max: new Date(4_102_444_800_000), noInvalidDate: true }).map((date) => date.toISOString()), intervalMs: fc.nat() }),
      { minKeys: 1, maxKeys: 4 },
    );
    fc.assert(
      fc.property(sources, (schedules: Record<string, SourceSchedule>) => {
        const text = formatSyncSentinel({ lastSuccessAt: '2025-01-01T00:00:00.000Z', indicatorCount: 1, sources: { misp: { lastSuccessAt: '2025-01-01T00:00:00.000Z', intervalMs: 60_000 }, ...schedules } });
        expect(parseSyncSentinel(text)?.sources).toEqual({ misp: { lastSuccessAt: '2025-01-01T00:00:00.000Z', intervalMs: 60_000 }, ...schedules });
      }),
      { seed: 11_121, numRuns: 300, endOnFailure: true },
    );
  });
});
