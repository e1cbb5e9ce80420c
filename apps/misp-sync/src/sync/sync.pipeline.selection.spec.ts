import { Registry } from 'prom-client';
import type { IndicatorRecord, MispAttribute } from '@iocflow/core';
import { AttributeSelection } from '../selection/attribute-selection';
import { ExpiryPolicy } from '../selection/expiry-policy';
import { IndicatorFilter } from '../selection/indicator-filter';
import { IndicatorGuard } from '../selection/indicator-guard';
import type { IndicatorDiff } from './diff-indicators';
import type { IndicatorStoreSink } from './indicator-store.sink';
import { SyncMetrics } from './sync.metrics';
import { SyncPipeline } from './sync.pipeline';
import type { AttributePage, AttributeSource } from './sync-ports';
import { attribute } from '../../test/test-fixtures';

const DAY = 86_400;
const START = Date.parse('2026-01-01T00:00:00Z');
const uuid = (n: number): string => `66666666-6666-4666-8666-${String(n).padStart(12, '0')}`;

/** The pipeline with the issue-15 filter and expiry, fake sinks recording what was written, and a movable clock. */
function harness(pages: () => readonly MispAttribute[]) {
  let now = START;
  const published: { key: string; value: IndicatorRecord | null }[] = [];
  const stored = new Map<string, string>();
  const warnings: { message: string; fields: Record<string, unknown> }[] = [];
  const source: AttributeSource = {
    // The event-timestamp window of an incremental pull returns nothing here: each attribute once per run.
    async *pages(window): AsyncIterable<AttributePage> {
      if (window.eventTimestamp === undefined) yield { attributes: pages() };
    },
    async *pagesByUuid(): AsyncIterable<AttributePage> {
      yield* [];
    },
  };
  const store = {
    apply: async (diff: IndicatorDiff) => {
      for (const [key, value] of diff.sets) stored.set(key, value);
      for (const key of diff.deletes) stored.delete(key);
    },
    writeSentinel: async () => undefined,
    checkAndRepair: async () => undefined,
  } as unknown as IndicatorStoreSink;
  const registry = new Registry();
  const expiry = new ExpiryPolicy({ ip: 30 * DAY, domain: 90 * DAY, url: 90 * DAY, uri: 90 * DAY, email: 0, md5: 0, sha1: 0, sha256: 0, sha512: 0 });
  const filter = new IndicatorFilter(
    new AttributeSelection({ publishedOnly: true, includeTags: [], excludeTags: [], orgs: [], maxTlp: 'amber+strict', distributions: [0, 1, 2, 3, 4], excludeDecayed: false }),
    new IndicatorGuard({ minIpv4Prefix: 8, minIpv6Prefix: 32, warninglists: [{ name: 'rfc1918', type: 'cidr', list: ['10.0.0.0/8'], matchingAttributes: [] }], allowlist: [] }),
    expiry,
  );
  const pipeline = new SyncPipeline(
    {
      source,
      store,
      changes: { publish: async (records) => void published.push(...records), publishFreshness: async () => undefined },
      syncState: { restore: async () => ({}), saveCursor: async () => undefined },
      metrics: new SyncMetrics(registry),
      logger: { info: () => undefined, warn: (message, fields) => void warnings.push({ message, fields: fields ?? {} }), error: () => undefined },
      now: () => now,
    },
    { feedRules: { feedTagPattern: 'Feed-*', defaultFeed: 'misp' }, lookbackMs: 0, fullSyncIntervalMs: 365 * DAY * 1000, clockSkewMarginSec: 120, progressIntervalMs: 60_000, seedCompat: false, filter, expiry, expiryCheckIntervalMs: 60_000 },
  );
  const counter = async (name: string): Promise<Record<string, number>> => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const values = (metric?.values ?? []) as { value: number; labels: Record<string, string | number> }[];
    return Object.fromEntries(values.map((v) => [Object.values(v.labels).join(','), v.value]));
  };
  return { pipeline, published, stored, warnings, counter, advance: (ms: number) => (now += ms) };
}

describe('SyncPipeline with selection, false-positive control and expiry (issue 15)', () => {
  const t0 = START / 1000 - DAY;
  const good = attribute({ uuid: uuid(1), type: 'domain|ip', value: 'evil.example|198.51.100.7', timestamp: t0 });
  const hash = attribute({ uuid: uuid(2), type: 'sha256', value: 'a'.repeat(64), timestamp: t0 });
  const red = attribute({ uuid: uuid(3), value: 'red.example', timestamp: t0, tags: [{ name: 'tlp:red', inherited: true }] });
  const broad = attribute({ uuid: uuid(4), type: 'ip-dst', value: '::ffff:0:0/96', timestamp: t0 });
  const privateIp = attribute({ uuid: uuid(5), type: 'ip-dst', value: '10.1.2.3', timestamp: t0 });
  const suffix = attribute({ uuid: uuid(6), value: 'github.io', timestamp: t0 });

  it('stores what qualifies, refuses the rest with counted reasons, logs each refused value once, and never crashes', async () => {
    const h = harness(() => [good, hash, red, broad, privateIp, suffix]);
    await h.pipeline.restore();
    expect(await h.pipeline.sync()).toMatchObject({ ok: true, attributes: 6 });
    expect([...h.stored.keys()].sort()).toEqual(['domain-evil.example', 'ip-198.51.100.7', `sha256-${'a'.repeat(64)}`]);
    expect(await h.counter('iocflow_misp_sync_attributes_deselected_total')).toEqual({ 'misp,tlp': 1 });
    expect(await h.counter('iocflow_misp_sync_indicators_refused_total')).toEqual({ 'misp,broad_ip_range': 1, 'misp,warninglist': 1, 'misp,public_suffix': 1 });
    const refusals = h.warnings.filter((warning) => warning.message === 'indicator refused');
    expect(refusals.map((warning) => [warning.fields['stage'], warning.fields['reason'], warning.fields['value']])).toEqual([
      ['filter', 'broad_ip_range', '0.0.0.0/0'],
      ['filter', 'warninglist', '10.1.2.3'],
      ['filter', 'public_suffix', 'github.io'],
    ]);
    // A second run returns the same attributes: counted again, logged no more.
    h.advance(61_000);
    await h.pipeline.sync();
    expect(h.warnings.filter((warning) => warning.message === 'indicator refused')).toHaveLength(3);
  });

  it('skips an attribute the filter throws on at the filter stage (error), and applies the others', async () => {
    const h = harness(() => [good, hash]);
    const apply = jest.spyOn(IndicatorFilter.prototype, 'apply').mockImplementationOnce(() => {
      throw new TypeError('boom');
    });
    try {
      await h.pipeline.restore();
      expect(await h.pipeline.sync()).toMatchObject({ ok: true });
    } finally {
      apply.mockRestore();
    }
    expect([...h.stored.keys()]).toEqual([`sha256-${'a'.repeat(64)}`]);
    expect(await h.counter('iocflow_misp_sync_attributes_skipped_total')).toEqual({ 'misp,filter,error': 1 });
    expect(h.warnings.find((warning) => warning.message === 'attribute skipped')?.fields).toMatchObject({ stage: 'filter', reason: 'error', detail: 'boom' });
  });

  it('writes expiresAt into the topic record: the kind’s maximum age after the last change', async () => {
    const h = harness(() => [good, hash]);
    await h.pipeline.restore();
    await h.pipeline.sync();
    const record = (key: string) => h.published.find((entry) => entry.key === key)?.value;
    expect(record('ip-198.51.100.7')?.expiresAt).toBe(new Date((t0 + 30 * DAY) * 1000).toISOString());
    expect(record('domain-evil.example')?.expiresAt).toBe(new Date((t0 + 90 * DAY) * 1000).toISOString());
    expect(record(`sha256-${'a'.repeat(64)}`)).not.toHaveProperty('expiresAt');
  });

  it('removes an indicator once past its age while running, kind by kind, like a deletion', async () => {
    let served: readonly MispAttribute[] = [good, hash];
    const h = harness(() => served);
    await h.pipeline.restore();
    await h.pipeline.sync();
    // Incremental pulls from now on: MISP has nothing new, the sweep alone removes.
    served = [];
    // Day 31 after the change: the ip part has expired, the domain part and the hash have not.
    h.advance(30 * DAY * 1000);
    await h.pipeline.sync();
    expect([...h.stored.keys()].sort()).toEqual(['domain-evil.example', `sha256-${'a'.repeat(64)}`]);
    expect(h.published.at(-1)).toEqual({ key: 'ip-198.51.100.7', value: null });
    expect(await h.counter('iocflow_misp_sync_indicators_expired_total')).toEqual({ ip: 1 });
    // Day 91: the domain too; the hash never expires.
    h.advance(60 * DAY * 1000);
    await h.pipeline.sync();
    expect([...h.stored.keys()]).toEqual([`sha256-${'a'.repeat(64)}`]);
  });

  it('removes an attribute that stops qualifying (here: its event is unpublished) as a deletion', async () => {
    let served: readonly MispAttribute[] = [good];
    const h = harness(() => served);
    await h.pipeline.restore();
    await h.pipeline.sync();
    expect(h.stored.size).toBe(2);
    served = [{ ...good, timestamp: t0 + 1, event: { ...good.event!, published: false } }];
    h.advance(61_000);
    await h.pipeline.sync();
    expect(h.stored.size).toBe(0);
    expect(await h.counter('iocflow_misp_sync_attributes_deselected_total')).toEqual({ 'misp,unpublished': 1 });
  });
});
