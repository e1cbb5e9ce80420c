import { Registry } from 'prom-client';
import type { IndicatorRecord, MispAttribute, SyncSentinel } from '@iocflow/core';
import type { IndicatorDiff } from './diff-indicators';
import type { SourceSpec } from './source-freshness';
import { SyncMetrics } from './sync.metrics';
import { SyncPipeline } from './sync.pipeline';
import type { AttributePage, AttributeSource, IndicatorStorePort } from './sync-ports';
import type { SyncCursor } from './sync-cursor';
import { attribute } from './test-fixtures';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const NOW_SEC = NOW / 1000;
const uuid = (n: number): string => `55555555-5555-4555-8555-${String(n).padStart(12, '0')}`;
const ordinary = (n: number): MispAttribute => attribute({ uuid: uuid(n), value: `ok-${n}.example`, timestamp: NOW_SEC - 3600 + n });

/** The sinks as the pipeline sees them, recording what was written (the integration tier runs the real ones). */
function harness(pages: readonly (readonly MispAttribute[])[], options: { restored?: SyncCursor; records?: readonly IndicatorRecord[]; freshness?: SyncSentinel; sources?: readonly SourceSpec[] } = {}) {
  const published: { key: string; value: IndicatorRecord | null }[] = [];
  const freshness: string[] = [];
  const stored = new Map<string, string>();
  const warnings: Record<string, unknown>[] = [];
  const cursors: SyncCursor[] = [];
  const windows: unknown[] = [];
  const source: AttributeSource = {
    async *pages(window): AsyncIterable<AttributePage> {
      windows.push(window);
      for (const attributes of pages) yield { attributes };
    },
    async *pagesByUuid(): AsyncIterable<AttributePage> {
      yield* [];
    },
  };
  const store: IndicatorStorePort = {
    apply: async (diff: IndicatorDiff) => {
      for (const [key, value] of diff.sets) stored.set(key, value);
      for (const key of diff.deletes) stored.delete(key);
    },
    writeSentinel: async () => undefined,
    checkAndRepair: async () => undefined,
  };
  const registry = new Registry();
  const pipeline = new SyncPipeline(
    {
      source,
      store,
      changes: { publish: async (records) => void published.push(...records), publishFreshness: async (sentinel) => void freshness.push(sentinel) },
      syncState: {
        restore: async (state) => {
          for (const record of options.records ?? []) state.restore(record.key, record);
          return { ...(options.restored === undefined ? {} : { cursor: options.restored }), ...(options.freshness === undefined ? {} : { freshness: options.freshness }) };
        },
        saveCursor: async (cursor) => void cursors.push(cursor),
      },
      metrics: new SyncMetrics(registry),
      logger: { info: () => undefined, warn: (_message, fields) => void warnings.push(fields ?? {}), error: () => undefined },
      now: () => NOW,
    },
    { feedRules: { feedTagPattern: 'Feed-*', defaultFeed: 'misp' }, lookbackMs: 0, fullSyncIntervalMs: 3_600_000, clockSkewMarginSec: 120, progressIntervalMs: 60_000, seedCompat: false, maxRecordBytes: 900 * 1024, maxStoreValueBytes: 1_047_552, ...(options.sources === undefined ? {} : { sources: options.sources }) },
  );
  const counter = async (name: string): Promise<Record<string, number>> => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const values = (metric?.values ?? []) as { value: number; labels: Record<string, string | number> }[];
    return Object.fromEntries(values.map((v) => [Object.values(v.labels).join(',') || 'total', v.value]));
  };
  return { pipeline, published, freshness, stored, warnings, cursors, windows, counter };
}

// Issue 11: one attribute's content never stops a sync; the others are all synced.
describe('SyncPipeline with hostile attributes', () => {
  it('syncs every ordinary attribute around hostile ones, skips or limits each hostile one with a reason, and never publishes a record over the limit', async () => {
    const throwing = Object.defineProperty(ordinary(900), 'type', {
      get: () => {
        throw new TypeError('boom');
      },
    });
    const hostile: MispAttribute[] = [
      attribute({ uuid: uuid(100), value: 'future.example', timestamp: NOW_SEC + 3600 }),
      attribute({ uuid: uuid(101), type: 'uri', value: `/${'a'.repeat(1_500_000)}` }),
      attribute({ uuid: uuid(102), type: 'url', value: `http://evil.example/${'é'.repeat(30_000)}` }),
      throwing,
      // one value in 17 events with 64 KiB of event info each
      ...Array.from({ length: 17 }, (_, i) => attribute({ uuid: uuid(200 + i), value: 'popular.example', event: { id: String(i), uuid: uuid(300 + i), info: 'i'.repeat(64 * 1024) }, tags: [{ name: `Feed-${i}`, inherited: true }] })),
    ];
    const { pipeline, published, stored, warnings, cursors, counter } = harness([
      [ordinary(1), ordinary(2), ...hostile.slice(0, 2)],
      [ordinary(3), ...hostile.slice(2), ordinary(4)],
    ]);
    await pipeline.restore();
    const outcome = await pipeline.sync();
    expect(outcome).toMatchObject({ ok: true, mode: 'full' });
    for (const n of [1, 2, 3, 4]) expect(stored.get(`domain-ok-${n}.example`)).toBe('Feed-RansomwareTracker');
    expect(stored.has('domain-future.example')).toBe(false);
    expect(stored.get('domain-popular.example')?.split(',')).toHaveLength(17);
    for (const record of published) expect(Buffer.byteLength(JSON.stringify(record.value))).toBeLessThanOrEqual(900 * 1024);
    expect(await counter('misp_sync_attributes_skipped_total')).toEqual({ 'misp,future_timestamp': 1, 'misp,invalid_value': 2, 'misp,error': 1 });
    expect(await counter('misp_sync_limits_applied_total')).toEqual({ event_info: 17 });
    // the cursor never passes the pull's start, so the future attribute is pulled again later
    expect(cursors.at(-1)?.timestamp).toBeLessThanOrEqual(NOW_SEC - 120);
    expect(warnings[0]).toMatchObject({ source: 'misp', reason: 'future_timestamp', attributeUuid: uuid(100) });
    // the log line of the attribute that threw is built safely too (here: it threw on `type`)
    expect(warnings).toHaveLength(1);
  });

  it('applies a future-dated attribute once its time has come, and it can always be removed', async () => {
    const future = attribute({ uuid: uuid(7), value: 'later.example', timestamp: NOW_SEC + 60 });
    const { pipeline, stored } = harness([[future], [attribute({ uuid: uuid(7), value: 'later.example', timestamp: NOW_SEC - 10, deleted: true })]]);
    await pipeline.restore();
    await pipeline.sync();
    // within the clock-skew margin: applied, then removed by the (older) soft delete of the next page
    expect(stored.has('domain-later.example')).toBe(false);
  });

  it('trusts no restored cursor from the future, and reconciles in full first after a restart from capped records', async () => {
    const far = harness([[ordinary(1)]], { restored: { timestamp: 99_999_999_999, lastFullSyncAt: '2025-12-31T23:30:00.000Z' } });
    await far.pipeline.restore();
    expect(far.pipeline.currentCursor).toBeUndefined();

    const capped: IndicatorRecord = {
      key: 'domain-ok-1.example',
      kind: 'domain',
      value: 'ok-1.example',
      feeds: ['Feed-A', 'Feed-B'],
      attributes: [{ attributeUuid: uuid(1), mispType: 'domain', eventUuid: 'e', eventInfo: 'i', feeds: ['Feed-A'], tags: [], toIds: true, timestamp: 1 }],
      attributesOmitted: 1,
      updatedAt: '2025-12-31T00:00:00.000Z',
    };
    const restored = harness([[ordinary(1)]], { restored: { timestamp: NOW_SEC - 600, lastFullSyncAt: '2025-12-31T23:30:00.000Z' }, records: [capped] });
    await restored.pipeline.restore();
    expect(restored.pipeline.currentCursor?.lastFullSyncAt).toBeUndefined();
    expect(await restored.pipeline.sync()).toMatchObject({ ok: true, mode: 'full' });
  });

  // Issue 12 carries each source's last success over a restart from the topic's freshness record;
  // issue 11's rule for timestamps applies to it: none from beyond now + the skew margin.
  it('carries the last successes of a restart, but none from the future', async () => {
    const sources = [
      { name: 'misp', intervalMs: 60_000 },
      { name: 'feed:X', intervalMs: 3_600_000 },
    ];
    const record: IndicatorRecord = {
      key: 'domain-ok-1.example',
      kind: 'domain',
      value: 'ok-1.example',
      feeds: ['Feed-A'],
      attributes: [{ attributeUuid: uuid(1), mispType: 'domain', eventUuid: 'e', eventInfo: 'i', feeds: ['Feed-A'], tags: [], toIds: true, timestamp: 1 }],
      updatedAt: '2025-12-31T00:00:00.000Z',
    };
    const previous = (feedLastSuccess: string): SyncSentinel => ({
      lastSuccessAt: '2025-12-31T23:00:00.000Z',
      indicatorCount: 1,
      sources: { misp: { lastSuccessAt: '2025-12-31T23:00:00.000Z', intervalMs: 60_000 }, 'feed:X': { lastSuccessAt: feedLastSuccess, intervalMs: 3_600_000 } },
      extra: {},
    });
    const past = harness([[ordinary(1)]], { records: [record], freshness: previous('2025-12-31T23:30:00.000Z'), sources });
    await past.pipeline.restore();
    expect(await past.pipeline.sync()).toMatchObject({ ok: true });
    expect(JSON.parse(past.freshness.at(-1) ?? '{}')).toMatchObject({ sources: { misp: { lastSuccessAt: new Date(NOW).toISOString() }, 'feed:X': { lastSuccessAt: '2025-12-31T23:30:00.000Z' } } });

    const future = harness([[ordinary(1)]], { records: [record], freshness: previous('3000-01-01T00:00:00.000Z'), sources });
    await future.pipeline.restore();
    expect(await future.pipeline.sync()).toMatchObject({ ok: true });
    // feed:X never succeeded as far as this process can trust: no freshness record until it does.
    expect(future.freshness).toEqual([]);
  });
});
