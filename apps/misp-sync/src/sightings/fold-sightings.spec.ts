import { buildThreatHit, type ObservableKind } from '@iocflow/core';
import { foldSightings } from './fold-sightings';
import { sightingId } from './sighting-window';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 3, 6);

function hit(kind: ObservableKind, indicator: string, eventMs: number | undefined, offset: number, atMs = T0 + 2 * HOUR, mode: 'live' | 'retrospective' = 'live'): Buffer {
  const match = { field: 'f', atomic: indicator, kind, indicator, feeds: ['x'] };
  const record =
    mode === 'live'
      ? buildThreatHit({ mode, origin: { topic: 'raw', partition: 0, offset: String(offset) }, document: { id: `raw-0-${offset}` }, eventTimestamp: eventMs, match, atMs })
      : buildThreatHit({ mode, document: { index: 'logs-x', id: `d${offset}` }, eventTimestamp: eventMs, match, atMs });
  return Buffer.from(JSON.stringify(record));
}

describe('foldSightings', () => {
  it('gives one sighting per indicator per window of event time, however many hits', () => {
    const fold = foldSightings([hit('domain', 'evil.com', T0 + 1, 1), hit('domain', 'evil.com', T0 + 59 * 60_000, 2), hit('domain', 'evil.com', T0 + HOUR, 3), hit('ip', '10.0.0.1', T0 + 5, 4)], HOUR, () => false);
    expect(fold.due).toEqual([
      { id: sightingId('domain', 'evil.com', T0), kind: 'domain', value: 'evil.com', windowStart: T0 },
      { id: sightingId('domain', 'evil.com', T0 + HOUR), kind: 'domain', value: 'evil.com', windowStart: T0 + HOUR },
      { id: sightingId('ip', '10.0.0.1', T0), kind: 'ip', value: '10.0.0.1', windowStart: T0 },
    ]);
    expect(fold.suppressed).toBe(1);
  });

  it('suppresses what the state already holds (a restart, a replay)', () => {
    const sent = new Set([sightingId('domain', 'evil.com', T0)]);
    const fold = foldSightings([hit('domain', 'evil.com', T0 + 10, 1), hit('domain', 'evil.com', T0 + 20, 2)], HOUR, (id) => sent.has(id));
    expect(fold.due).toEqual([]);
    expect(fold.suppressed).toBe(2);
  });

  it('dates a hit without event time, or stamped in the future, at the time the hit was made', () => {
    const fold = foldSightings([hit('domain', 'a.com', undefined, 1), hit('domain', 'b.com', T0 + 100 * HOUR, 2)], HOUR, () => false);
    expect(fold.due.map((d) => d.windowStart)).toEqual([T0 + 2 * HOUR, T0 + 2 * HOUR]);
  });

  it('folds retrospective hits too, at their event time', () => {
    const fold = foldSightings([hit('sha256', 'ab'.repeat(32), T0 - 48 * HOUR, 1, T0, 'retrospective')], HOUR, () => false);
    expect(fold.due.map((d) => d.windowStart)).toEqual([T0 - 48 * HOUR]);
  });

  it('skips unreadable hit records with their reason', () => {
    const fold = foldSightings([null, Buffer.from('{}'), hit('domain', 'evil.com', T0, 1)], HOUR, () => false);
    expect(fold.invalid).toEqual(['empty value', '@timestamp is not an ISO-8601 time']);
    expect(fold.due).toHaveLength(1);
  });
});
