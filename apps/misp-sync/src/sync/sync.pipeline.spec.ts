import { Registry } from 'prom-client';
import type { IndicatorRecord, MispAttribute, SyncSentinel } from '@iocflow/core';
import type { IndicatorDiff } from './diff-indicators';
import type { SourceSpec } from './source-freshness';
import { SyncMetrics } from './sync.metrics';
import { SyncPipeline } from './sync.pipeline';
import type { AttributePage, AttributeSource, IndicatorStorePort, PullWindow } from './sync-ports';
import type { SyncCursor } from './sync-cursor';
import { attribute } from '../../test/test-fixtures';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const NOW_SEC = NOW / 1000;
const uuid = (n: number): string => `55555555-5555-4555-8555-${String(n).padStart(12, '0')}`;
const ordinary = (n: number): MispAttribute => attribute({ uuid: uuid(n), value: `ok-${n}.example`, timestamp: NOW_SEC - 3600 + n });

/** The sinks as the pipeline sees them, recording what was written (the integration tier runs the real ones). */
interface HarnessOptions {
  readonly restored?: SyncCursor;
  readonly records?: readonly IndicatorRecord[];
  readonly freshness?: SyncSentinel;
  readonly sources?: readonly SourceSpec[];
  /** The source throws this after its pages (MISP failing in the middle of a pull). */
  readonly failure?: Error;
  /**
   * Writes that take a turn of the event loop (a timer) before they are acknowledged, as real ones
   * do; each page taken from the source and each publish's start and end go to `events`.
   */
  readonly slowWrites?: boolean;
  /** The indicator topic refuses the publish of this page (1-based, counted in publishes). */
  readonly failPublish?: { readonly call: number; readonly error: Error };
  /** The pipeline's applyBatch (SYNC_APPLY_BATCH); absent = its default. */
  readonly applyBatch?: number;
}

function harness(pages: readonly (readonly MispAttribute[])[] | ((window: PullWindow) => readonly (readonly MispAttribute[])[]), options: HarnessOptions = {}) {
  const published: { key: string; value: IndicatorRecord | null }[] = [];
  const freshness: string[] = [];
  const stored = new Map<string, string>();
  const deleted: string[] = [];
  const storeSentinels: string[] = [];
  const warnings: Record<string, unknown>[] = [];
  const cursors: SyncCursor[] = [];
  const windows: unknown[] = [];
  const events: string[] = [];
  let publishes = 0;
  const source: AttributeSource = {
    async *pages(window): AsyncIterable<AttributePage> {
      windows.push(window);
      let taken = 0;
      for (const attributes of typeof pages === 'function' ? pages(window) : pages) {
        events.push(`page ${++taken} taken`);
        yield { attributes };
      }
      if (options.failure !== undefined) throw options.failure;
    },
    async *pagesByUuid(): AsyncIterable<AttributePage> {
      yield* [];
    },
  };
  const store: IndicatorStorePort = {
    apply: async (diff: IndicatorDiff) => {
      for (const [key, value] of diff.sets) stored.set(key, value);
      for (const key of diff.deletes) {
        stored.delete(key);
        deleted.push(key);
      }
    },
    writeSentinel: async (sentinel) => void storeSentinels.push(sentinel),
    checkAndRepair: async () => undefined,
  };
  const registry = new Registry();
  const pipeline = new SyncPipeline(
    {
      source,
      store,
      changes: {
        publish: async (records) => {
          const call = ++publishes;
          events.push(`publish ${call} started`);
          if (options.slowWrites === true) await new Promise((resolve) => setTimeout(resolve, 1));
          if (options.failPublish?.call === call) throw options.failPublish.error;
          published.push(...records);
          events.push(`publish ${call} acknowledged`);
        },
        publishFreshness: async (sentinel) => void freshness.push(sentinel) },
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
    { feedRules: { feedTagPattern: 'Feed-*', defaultFeed: 'misp' }, lookbackMs: 0, fullSyncIntervalMs: 3_600_000, clockSkewMarginSec: 120, progressIntervalMs: 60_000, seedCompat: false, maxRecordBytes: 900 * 1024, maxStoreValueBytes: 1_047_552, ...(options.sources === undefined ? {} : { sources: options.sources }), ...(options.applyBatch === undefined ? {} : { applyBatch: options.applyBatch }) },
  );
  const counter = async (name: string): Promise<Record<string, number>> => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const values = (metric?.values ?? []) as { value: number; labels: Record<string, string | number> }[];
    return Object.fromEntries(values.map((v) => [Object.values(v.labels).join(',') || 'total', v.value]));
  };
  return { pipeline, published, freshness, stored, deleted, storeSentinels, warnings, cursors, windows, events, counter };
}

/** An indicator the pipeline tracked before a restart, from attribute `n` (as `ordinary(n)` makes it). */
const tracked = (n: number): IndicatorRecord => ({
  key: `domain-ok-${n}.example`,
  kind: 'domain',
  value: `ok-${n}.example`,
  feeds: ['Feed-RansomwareTracker'],
  attributes: [{ attributeUuid: uuid(n), mispType: 'domain', eventUuid: '22222222-2222-4222-8222-222222222222', eventInfo: 'Test event', feeds: ['Feed-RansomwareTracker'], tags: [], toIds: true, timestamp: NOW_SEC - 7200 }],
  updatedAt: '2025-12-31T00:00:00.000Z',
});
const iso = (ms: number): string => new Date(ms).toISOString();
const tombstones = (published: readonly { key: string; value: IndicatorRecord | null }[]): string[] => published.filter((record) => record.value === null).map((record) => record.key);

// The flow of sync.pipeline.ts on fakes of its ports: fetch → normalise → diff → store → publish →
// commit → reconcile → advance (cursor, then the freshness record).
describe('SyncPipeline flow', () => {
  it('full sync: pulls every matchable attribute, stores and publishes each indicator, saves the cursor, then writes the freshness record', async () => {
    const { pipeline, stored, published, cursors, windows, freshness, storeSentinels } = harness([[ordinary(1)], [ordinary(2)]]);
    await pipeline.restore();
    expect(await pipeline.sync()).toEqual({ ok: true, mode: 'full', attributes: 2, added: 2, updated: 0, removed: 0, cursor: NOW_SEC - 3600 + 2 });
    expect(windows).toEqual([{ matchableTypesOnly: true }]);
    expect([...stored]).toEqual([
      ['domain-ok-1.example', 'Feed-RansomwareTracker'],
      ['domain-ok-2.example', 'Feed-RansomwareTracker'],
    ]);
    expect(published.map((record) => [record.key, record.value?.feeds])).toEqual([
      ['domain-ok-1.example', ['Feed-RansomwareTracker']],
      ['domain-ok-2.example', ['Feed-RansomwareTracker']],
    ]);
    expect(cursors).toEqual([{ timestamp: NOW_SEC - 3600 + 2, eventTimestamp: NOW_SEC - 120, lastFullSyncAt: iso(NOW) }]);
    // one freshness record, the same text to memcached and to the indicator topic
    expect(freshness).toHaveLength(1);
    expect(storeSentinels).toEqual(freshness);
    expect(JSON.parse(freshness[0] ?? '{}')).toMatchObject({ lastSuccessAt: iso(NOW), indicatorCount: 2, sources: { misp: { lastSuccessAt: iso(NOW), intervalMs: 60_000 } } });
  });

  it('incremental: pulls from the cursor (attribute and event timestamps) and turns a soft delete into a removal', async () => {
    const cursor = { timestamp: NOW_SEC - 600, eventTimestamp: NOW_SEC - 900, lastFullSyncAt: iso(NOW - 1_800_000) };
    const softDeleted = attribute({ uuid: uuid(1), value: 'ok-1.example', timestamp: NOW_SEC - 300, deleted: true });
    // the attribute-timestamp window returns the changes; the event-timestamp window nothing new
    const { pipeline, stored, deleted, published, cursors, windows } = harness((window) => (window.timestamp === undefined ? [] : [[softDeleted, ordinary(3)]]), {
      restored: cursor,
      records: [tracked(1), tracked(2)],
    });
    await pipeline.restore();
    expect(await pipeline.sync()).toMatchObject({ ok: true, mode: 'incremental', attributes: 2, added: 1, removed: 1 });
    expect(windows).toEqual([{ timestamp: NOW_SEC - 600 }, { eventTimestamp: NOW_SEC - 900 }]);
    expect(deleted).toEqual(['domain-ok-1.example']);
    expect(stored.get('domain-ok-3.example')).toBe('Feed-RansomwareTracker');
    expect(tombstones(published)).toEqual(['domain-ok-1.example']);
    expect(pipeline.state.size).toBe(2);
    // the cursor advances to the newest attribute seen; the last full sync is kept
    expect(cursors).toEqual([{ timestamp: NOW_SEC - 300, eventTimestamp: NOW_SEC - 120, lastFullSyncAt: cursor.lastFullSyncAt }]);
  });

  it('full reconciliation: an attribute MISP no longer returns is removed, one that is returned stays', async () => {
    const { pipeline, deleted, published } = harness([[ordinary(2)]], {
      restored: { timestamp: NOW_SEC - 600, lastFullSyncAt: iso(NOW - 7_200_000) },
      records: [tracked(1), tracked(2)],
    });
    await pipeline.restore();
    expect(await pipeline.sync()).toMatchObject({ ok: true, mode: 'full', attributes: 1, removed: 1 });
    expect(deleted).toEqual(['domain-ok-1.example']);
    expect(tombstones(published)).toEqual(['domain-ok-1.example']);
    expect([...pipeline.state.values()].map((record) => record.key)).toEqual(['domain-ok-2.example']);
  });

  it('a source failing mid-pull removes nothing and moves neither the cursor nor the last success; the next run does', async () => {
    const lastSuccess: SyncSentinel = { lastSuccessAt: iso(NOW - 600_000), indicatorCount: 2, sources: { misp: { lastSuccessAt: iso(NOW - 600_000), intervalMs: 60_000 } }, extra: {} };
    const failing = harness([[ordinary(2)]], {
      restored: { timestamp: NOW_SEC - 600, lastFullSyncAt: iso(NOW - 7_200_000) },
      records: [tracked(1), tracked(2)],
      freshness: lastSuccess,
      failure: new Error('MISP_UNAVAILABLE: 503'),
    });
    await failing.pipeline.restore();
    const outcome = await failing.pipeline.sync();
    expect(outcome).toMatchObject({ ok: false, mode: 'full' });
    expect(outcome.ok === false && outcome.error).toEqual(new Error('MISP_UNAVAILABLE: 503'));
    expect(failing.deleted).toEqual([]);
    expect(tombstones(failing.published)).toEqual([]);
    expect(failing.cursors).toEqual([]);
    expect(failing.pipeline.state.size).toBe(2);
    // no freshness record claims a success this run did not have (its single page wrote no heartbeat)
    expect(failing.freshness).toEqual([]);

    const recovered = harness([[ordinary(2)]], { restored: { timestamp: NOW_SEC - 600, lastFullSyncAt: iso(NOW - 7_200_000) }, records: [tracked(1), tracked(2)], freshness: lastSuccess });
    await recovered.pipeline.restore();
    expect(await recovered.pipeline.sync()).toMatchObject({ ok: true, removed: 1 });
    expect(recovered.cursors).toHaveLength(1);
    expect(JSON.parse(recovered.freshness.at(-1) ?? '{}')).toMatchObject({ sources: { misp: { lastSuccessAt: iso(NOW) } } });
  });

  it('writes no freshness record until every configured source has succeeded once', async () => {
    const sources = [
      { name: 'misp', intervalMs: 60_000 },
      { name: 'feed:X', intervalMs: 3_600_000 },
    ];
    const { pipeline, freshness, storeSentinels } = harness([[ordinary(1)]], { sources });
    await pipeline.restore();
    expect(await pipeline.sync()).toMatchObject({ ok: true });
    expect(freshness).toEqual([]);
    expect(storeSentinels).toEqual([]);
  });
});

// Writes that take time (as real ones do) while MISP's next page is already requested: a page is
// staged only once the one before it is committed, and a page that fails to arrive leaves the
// state as it would with writes acknowledged at once.
describe('SyncPipeline with writes in flight', () => {
  /** Pages where each one changes what the one before it wrote: reordered or lost, the end differs. */
  const chained = (): MispAttribute[][] => [
    [ordinary(1), ordinary(2)],
    // page 1's attribute 1 removed, attribute 2 moved to another value, 3 added
    [attribute({ uuid: uuid(1), value: 'ok-1.example', timestamp: NOW_SEC - 1000, deleted: true }), attribute({ uuid: uuid(2), value: 'moved-2.example', timestamp: NOW_SEC - 1000 }), ordinary(3)],
    // attribute 1 back, 3 gains a feed, 4 added
    [attribute({ uuid: uuid(1), value: 'ok-1.example', timestamp: NOW_SEC - 900 }), attribute({ uuid: uuid(3), value: 'ok-3.example', timestamp: NOW_SEC - 900, tags: [{ name: 'Feed-Other', inherited: true }] }), ordinary(4)],
    [ordinary(5)],
  ];

  it('stages each page only after the one before it is acknowledged, and ends as with writes acknowledged at once', async () => {
    const overlapped = harness(chained(), { slowWrites: true });
    await overlapped.pipeline.restore();
    const outcome = await overlapped.pipeline.sync();
    // the same run with writes acknowledged at once: there is nothing to overlap with
    const sequential = harness(chained());
    await sequential.pipeline.restore();
    expect(outcome).toEqual(await sequential.pipeline.sync());
    expect(outcome).toMatchObject({ ok: true, attributes: 9 });
    expect(overlapped.published).toEqual(sequential.published);
    expect([...overlapped.stored]).toEqual([...sequential.stored]);
    expect(overlapped.deleted).toEqual(['domain-ok-1.example', 'domain-ok-2.example']);
    expect([...overlapped.pipeline.state.values()]).toEqual([...sequential.pipeline.state.values()]);
    // page N+1's publish starts only after page N's is acknowledged
    const at = (event: string): number => overlapped.events.indexOf(event);
    for (const n of [1, 2, 3]) expect(at(`publish ${n + 1} started`)).toBeGreaterThan(at(`publish ${n} acknowledged`));
    expect(overlapped.events.filter((event) => event.startsWith('publish'))).toEqual([1, 2, 3, 4].flatMap((n) => [`publish ${n} started`, `publish ${n} acknowledged`]));
  });

  it.each([1, 2, 4, 9, 100])('a page applied in slices of %i (SYNC_APPLY_BATCH) ends as its attributes applied page by page, each slice published after the one before it is acknowledged', async (applyBatch) => {
    const paged = harness(chained());
    await paged.pipeline.restore();
    await paged.pipeline.sync();
    const sliced = harness([chained().flat()], { slowWrites: true, applyBatch });
    await sliced.pipeline.restore();
    const outcome = await sliced.pipeline.sync();
    expect(outcome).toMatchObject({ ok: true, attributes: 9 });
    // the same keys and values (in another order where a key was removed and added again)
    const byKey = <T>(entries: Iterable<readonly [string, T]>): (readonly [string, T])[] => [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    expect(byKey(sliced.stored)).toEqual(byKey(paged.stored));
    expect(byKey([...sliced.pipeline.state.values()].map((record) => [record.key, record] as const))).toEqual(byKey([...paged.pipeline.state.values()].map((record) => [record.key, record] as const)));
    expect(sliced.pipeline.state.size).toBe(5);
    expect(sliced.cursors).toEqual(paged.cursors);
    const publishes = Math.ceil(9 / applyBatch);
    expect(sliced.events.filter((event) => event.startsWith('publish'))).toEqual(Array.from({ length: publishes }, (_, i) => [`publish ${i + 1} started`, `publish ${i + 1} acknowledged`]).flat());
    // the slices' records in order: the last record published for each key is the state's
    const last = new Map(sliced.published.map((record) => [record.key, record.value]));
    for (const [key, value] of last) expect(value ?? undefined).toEqual(sliced.pipeline.state.get(key));
  });

  it.each([
    ['MISP down', new Error('MISP_UNAVAILABLE: 503')],
    ['a timeout', new Error('MISP_TIMEOUT: no reply within 30 s')],
    ['a page that is no restSearch reply', new Error('MISP_BAD_RESPONSE: not JSON')],
  ])('a next page that fails to arrive (%s) while the current one is written: that one is committed first, the run fails as without writes in flight', async (_case, error) => {
    const pages = chained().slice(0, 2);
    const overlapped = harness(pages, { slowWrites: true, failure: error });
    await overlapped.pipeline.restore();
    const outcome = await overlapped.pipeline.sync();
    const sequential = harness(pages, { failure: error });
    await sequential.pipeline.restore();
    expect(outcome).toEqual(await sequential.pipeline.sync());
    expect(outcome).toEqual({ ok: false, mode: 'full', error });
    // both pages committed and written, nothing else: no cursor, no reconciliation, no last success
    expect(overlapped.events.at(-1)).toBe('publish 2 acknowledged');
    expect(overlapped.published).toEqual(sequential.published);
    expect([...overlapped.pipeline.state.values()]).toEqual([...sequential.pipeline.state.values()]);
    expect([...overlapped.pipeline.state.values()].map((record) => record.key).sort()).toEqual(['domain-moved-2.example', 'domain-ok-3.example']);
    expect(overlapped.cursors).toEqual([]);
    expect(overlapped.freshness).toEqual([]);
  });

  it('a page whose write fails while the next one arrives: the run fails with that write\'s error, the next page is never staged', async () => {
    const refused = new Error('KAFKA_REJECTED: MESSAGE_TOO_LARGE');
    const { pipeline, events, published, cursors } = harness(chained(), { slowWrites: true, failPublish: { call: 2, error: refused } });
    await pipeline.restore();
    expect(await pipeline.sync()).toEqual({ ok: false, mode: 'full', error: refused });
    expect(events.filter((event) => event.startsWith('publish'))).toEqual(['publish 1 started', 'publish 1 acknowledged', 'publish 2 started']);
    expect(published.map((record) => record.key)).toEqual(['domain-ok-1.example', 'domain-ok-2.example']);
    // page 2 was never committed: the state is page 1's
    expect([...pipeline.state.values()].map((record) => record.key)).toEqual(['domain-ok-1.example', 'domain-ok-2.example']);
    expect(cursors).toEqual([]);
  });
});

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
    expect(await counter('iocflow_misp_sync_attributes_skipped_total')).toEqual({ 'misp,normalise,future_timestamp': 1, 'misp,normalise,invalid_value': 2, 'misp,normalise,error': 1 });
    expect(await counter('iocflow_misp_sync_limits_applied_total')).toEqual({ event_info: 17 });
    // the cursor never passes the pull's start, so the future attribute is pulled again later
    expect(cursors.at(-1)?.timestamp).toBeLessThanOrEqual(NOW_SEC - 120);
    expect(warnings[0]).toMatchObject({ source: 'misp', stage: 'normalise', reason: 'future_timestamp', attributeUuid: uuid(100) });
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
