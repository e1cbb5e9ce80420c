import { readThreatHit, type ThreatHit } from '@iocflow/core';
import { MemcachedClient } from '@iocflow/io';
import { MemcachedProcess, pollUntil, requireService } from '@iocflow/testing';
import type { Registry } from 'prom-client';
import type { EnricherRuntime } from '../../src/enricher.runtime';
import { counterValues, createTopics, deleteTopics, enricherConfig, produce, record, runNames, seedMemcached, startEnricher, TopicCollector } from './enricher-harness';

/**
 * The hits stream against real Kafka and memcached: every enriched event with a match has its
 * hit records on the hits topic, and no hit exists without its enriched event.
 */
describe('enricher hits stream, against real Kafka and memcached', () => {
  const names = runNames('enr-hits');
  let memcached: MemcachedProcess;
  let client: MemcachedClient;
  let collector: TopicCollector;
  let runtime: EnricherRuntime;
  let registry: Registry;

  beforeAll(async () => {
    await requireService('kafka');
    await requireService('memcached');
    memcached = await MemcachedProcess.start();
    client = new MemcachedClient({ servers: memcached.server });
    await seedMemcached(client, { 'domain-evil.example': 'Feed-A', 'ip-203.0.113.7': 'Feed-B,Feed-C' });
    await createTopics(names);
    collector = new TopicCollector([names.enriched, names.hits, names.dlq]);
    ({ runtime, registry } = await startEnricher(enricherConfig(names, memcached.server, { ELASTICSEARCH_INDEX: 'hits-it' })));
    await collector.start();
  });

  afterAll(async () => {
    await runtime?.stop();
    await collector?.stop();
    await client?.close();
    await memcached?.stop();
    await deleteTopics(names);
  });

  it('writes one hit per match, in step with enriched-logs: every hit event has its hits, no hit without its event', async () => {
    const events: string[] = [];
    for (let i = 0; i < 300; i++) {
      const kind = i % 5;
      const event =
        kind === 0
          ? { '@timestamp': '2026-12-03T06:00:00Z', event: { id: `e${i}` }, destination: { domain: `a${i}.evil.example` } }
          : kind === 1
            ? { '@timestamp': '2026-12-02T06:00:00Z', event: { id: `e${i}` }, source: { ip: '203.0.113.7' }, dns: { question: { name: 'evil.example' } } }
            : kind === 2
              ? { event: { id: `e${i}` }, destination: { domain: 'good.example' } }
              : { event: { id: `e${i}` }, message: 'no observable' };
      events.push(JSON.stringify(event));
    }
    events.push('not json');
    await produce(events.map((value, i) => record(names.raw, `k${i}`, value)));
    await collector.waitFor(names.enriched, 300);
    // 60 events with one match, 60 with two
    await collector.waitFor(names.hits, 180);
    await collector.waitFor(names.dlq, 1);

    const enriched = collector.of(names.enriched).map((m) => ({ origin: String(m.headers['iocflow.origin']), event: JSON.parse(String(m.value)) as { misp_src: string; threat?: { enrichments: unknown[] } } }));
    const hits: { key: string; hit: ThreatHit }[] = collector.of(names.hits).map((m) => {
      const read = readThreatHit(m.value);
      if (!read.ok) throw new Error(read.reason);
      return { key: String(m.key), hit: read.hit };
    });
    const hitsByOrigin = new Map<string, ThreatHit[]>();
    for (const { hit } of hits) {
      const { topic, partition, offset } = hit.iocflow.origin!;
      const origin = `${topic}/${partition}/${offset}`;
      hitsByOrigin.set(origin, [...(hitsByOrigin.get(origin) ?? []), hit]);
    }
    // every enriched event that hit has exactly one hit per enrichment; the others none
    for (const { origin, event } of enriched) {
      const expected = event.misp_src === 'none' ? 0 : (event.threat?.enrichments.length ?? 0);
      expect([origin, hitsByOrigin.get(origin)?.length ?? 0]).toEqual([origin, expected]);
    }
    // no hit without its enriched event
    const origins = new Set(enriched.map((e) => e.origin));
    expect([...hitsByOrigin.keys()].filter((origin) => !origins.has(origin))).toEqual([]);
    // keys are the hit ids, unique
    expect(hits.every(({ key, hit }) => key === hit.iocflow.hit.id)).toBe(true);
    expect(new Set(hits.map((h) => h.key)).size).toBe(hits.length);
    // the document it names is the indexer's: the daily index of @timestamp and the origin id
    const first = hits.find(({ hit }) => hit.threat.enrichments[0].matched.field === 'destination.domain')!.hit;
    expect(first.iocflow.document).toEqual({ index: 'hits-it-2026.12.03', id: `${names.raw}-${first.iocflow.origin!.partition}-${first.iocflow.origin!.offset}` });
    expect(first.threat.enrichments[0]).toMatchObject({ matched: { atomic: expect.stringMatching(/^a\d+\.evil\.example$/), type: 'indicator_match_rule' }, indicator: { type: 'domain-name', name: 'evil.example' }, feed: { name: ['Feed-A'] } });
    // Counted once the broker acknowledged the send, which the collector can read before: waited for.
    await pollUntil(async () => ((await counterValues(registry, 'iocflow_enricher_hit_records_total'))['total'] ?? 0) >= 180, { description: '180 hit records counted' });
    expect(await counterValues(registry, 'iocflow_enricher_hit_records_total')).toEqual({ total: 180 });
  });
});
