import { MemcachedClient } from '@iocflow/io';
import { MemcachedProcess, pollUntil, requireService } from '@iocflow/testing';
import type { Registry } from 'prom-client';
import type { EnricherRuntime } from '../../src/enricher.runtime';
import { counterValues, createTopics, deleteTopics, enricherConfig, produce, record, runNames, seedMemcached, startEnricher, TopicCollector } from './enricher-harness';

const FRESH = 0;
const STALE = 60 * 60_000;

/** Events whose answers we know: one hit, one miss. */
function events(topic: string, tag: string) {
  return [
    record(topic, `${tag}-hit`, JSON.stringify({ destination: { domain: 'www.evil-outage.example' } })),
    record(topic, `${tag}-miss`, JSON.stringify({ destination: { domain: 'good-outage.example' } })),
  ];
}

describe('enricher, no false "none" when the store is stale, empty or down (real Kafka, real memcached)', () => {
  beforeAll(async () => {
    await requireService('kafka');
    await requireService('memcached');
  });

  describe('hold mode (default)', () => {
    const names = runNames('enr-hold');
    let memcached: MemcachedProcess;
    let client: MemcachedClient;
    let collector: TopicCollector;
    let runtime: EnricherRuntime;
    let registry: Registry;

    beforeAll(async () => {
      memcached = await MemcachedProcess.start();
      client = new MemcachedClient({ servers: memcached.server });
      await createTopics(names);
      collector = new TopicCollector([names.enriched]);
      await collector.start();
      ({ runtime, registry } = await startEnricher(enricherConfig(names, memcached.server, { ENRICHER_MAX_STALENESS: '10m' })));
    });

    afterAll(async () => {
      await runtime?.stop();
      await collector?.stop();
      await client?.close();
      await memcached?.stop();
      await deleteTopics(names);
    });

    it('holds events while the sentinel is stale (nothing produced, not ready), then enriches them correctly', async () => {
      await seedMemcached(client, { 'domain-evil-outage.example': 'Feed-Outage' }, STALE);
      await produce(events(names.raw, 'stale'));
      await pollUntil(async () => ((await counterValues(registry, 'iocflow_enricher_store_unavailable_total'))['STORE_STALE'] ?? 0) >= 3, { description: 'held lookups' });
      expect(collector.of(names.enriched)).toHaveLength(0);
      expect(runtime.status().usable).toBe(false);

      await seedMemcached(client, {}, FRESH);
      await collector.waitFor(names.enriched, 2);
      const byKey = new Map(collector.json(names.enriched).map((doc, i) => [String(collector.of(names.enriched)[i]?.key), doc]));
      expect(byKey.get('stale-hit')?.['misp_src']).toBe('Feed-Outage');
      expect(byKey.get('stale-miss')?.['misp_src']).toBe('none');
      await pollUntil(() => runtime.status().usable, { description: 'ready again' });
    });

    it('holds while the sentinel is missing (empty or flushed store)', async () => {
      await seedMemcached(client, { 'domain-evil-outage.example': 'Feed-Outage' }, null);
      const before = collector.of(names.enriched).length;
      await produce(events(names.raw, 'empty'));
      await pollUntil(async () => ((await counterValues(registry, 'iocflow_enricher_store_unavailable_total'))['STORE_EMPTY'] ?? 0) >= 2, { description: 'held lookups' });
      expect(collector.of(names.enriched)).toHaveLength(before);
      await seedMemcached(client, {}, FRESH);
      await collector.waitFor(names.enriched, before + 2);
      expect(collector.json(names.enriched).slice(before).map((doc) => doc['misp_src']).sort()).toEqual(['Feed-Outage', 'none']);
    });

    it('holds while memcached is down, reconnects by itself and resumes with correct answers', async () => {
      const before = collector.of(names.enriched).length;
      await memcached.stop();
      await produce(events(names.raw, 'down'));
      await pollUntil(async () => ((await counterValues(registry, 'iocflow_enricher_store_unavailable_total'))['STORE_UNREACHABLE'] ?? 0) >= 2, { description: 'held lookups' });
      expect(collector.of(names.enriched)).toHaveLength(before);
      expect(runtime.status().usable).toBe(false);

      // memcached restarts empty: a restarted store has no sentinel, so the batch stays held until misp-sync repopulates it.
      const emptyBefore = (await counterValues(registry, 'iocflow_enricher_store_unavailable_total'))['STORE_EMPTY'] ?? 0;
      await memcached.start();
      await pollUntil(async () => ((await counterValues(registry, 'iocflow_enricher_store_unavailable_total'))['STORE_EMPTY'] ?? 0) >= emptyBefore + 2, { description: 'held on the empty restarted store' });
      expect(collector.of(names.enriched)).toHaveLength(before);
      await seedMemcached(client, { 'domain-evil-outage.example': 'Feed-Outage' }, FRESH);
      await collector.waitFor(names.enriched, before + 2);
      expect(collector.json(names.enriched).slice(before).map((doc) => doc['misp_src']).sort()).toEqual(['Feed-Outage', 'none']);
    });
  });

  describe('pass-unknown mode', () => {
    const names = runNames('enr-unknown');
    let memcached: MemcachedProcess;
    let client: MemcachedClient;
    let collector: TopicCollector;
    let runtime: EnricherRuntime;

    beforeAll(async () => {
      memcached = await MemcachedProcess.start();
      client = new MemcachedClient({ servers: memcached.server });
      await createTopics(names);
      collector = new TopicCollector([names.enriched]);
      await collector.start();
      ({ runtime } = await startEnricher(enricherConfig(names, memcached.server, { ENRICHER_ON_STORE_UNAVAILABLE: 'pass-unknown' })));
    });

    afterAll(async () => {
      await runtime?.stop();
      await collector?.stop();
      await client?.close();
      await memcached?.stop();
      await deleteTopics(names);
    });

    it('passes events through as "unknown" (never "none") while the store is stale, then enriches normally', async () => {
      await seedMemcached(client, { 'domain-evil-outage.example': 'Feed-Outage' }, STALE);
      await produce([...events(names.raw, 'stale'), record(names.raw, 'stale-no-observable', '{"message":"hello"}')]);
      await collector.waitFor(names.enriched, 3);
      const stale = new Map(collector.of(names.enriched).map((m) => [String(m.key), JSON.parse(String(m.value)).misp_src]));
      expect(Object.fromEntries(stale)).toEqual({ 'stale-hit': 'unknown', 'stale-miss': 'unknown', 'stale-no-observable': 'none' });

      await seedMemcached(client, {}, FRESH);
      await produce(events(names.raw, 'fresh'));
      await collector.waitFor(names.enriched, 5);
      const fresh = new Map(collector.of(names.enriched).map((m) => [String(m.key), JSON.parse(String(m.value)).misp_src]));
      expect(fresh.get('fresh-hit')).toBe('Feed-Outage');
      expect(fresh.get('fresh-miss')).toBe('none');
    });
  });
});
