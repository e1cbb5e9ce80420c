import { MemcachedClient } from '@iocflow/io';
import { MemcachedProcess, requireService, type ServiceProcess } from '@iocflow/testing';
import { parseLookupRules } from '../../../src/pipeline/lookup-rules';
import { startEnricherBundle, seedIndicators } from '../../producers/enricher-bundle';
import { actualHits, expectedHits, expectedMispSrc, pickIndicators, sortHits } from '../../producers/expected-enrichment';
import { documentedLookupRules } from '../../producers/producer-doc';
import { suricataEveEvents, zeekJsonEvents } from '../../producers/producer-fixtures';
import { createTopics, deleteTopics, produce, record, runNames, TopicCollector } from '../enricher-harness';

/**
 * docs/producers.md's Zeek and Suricata rules, concatenated as the document says for one topic
 * carrying both, in the built enricher (memcached mode) on the real Kafka and a private memcached:
 * real Zeek JSON and Suricata EVE records go into raw-logs, and each must come out of
 * enriched-logs with the enrichments the oracle derives from its values and the loaded indicators
 * (one per documented rule, found in the data), the others with `misp_src: none`. Nothing is
 * dead-lettered.
 */
describe('docs/producers.md Zeek and Suricata rules through the built enricher', () => {
  const names = runNames('producers-rules');
  const events = [...zeekJsonEvents(), ...suricataEveEvents()];
  const combined = JSON.stringify([...(JSON.parse(documentedLookupRules('zeek')) as unknown[]), ...(JSON.parse(documentedLookupRules('suricata')) as unknown[])]);
  const rules = parseLookupRules(combined);
  const { indicators } = pickIndicators(events, rules);
  let memcached: MemcachedProcess;
  let client: MemcachedClient;
  let collector: TopicCollector;
  let enricher: ServiceProcess | undefined;

  beforeAll(async () => {
    await requireService('kafka');
    await requireService('memcached');
    memcached = await MemcachedProcess.start();
    client = new MemcachedClient({ servers: memcached.server });
    await seedIndicators(client, indicators);
    await createTopics(names);
    collector = new TopicCollector([names.enriched, names.dlq]);
    await collector.start();
    enricher = await startEnricherBundle(names, memcached.server, { ENRICHER_LOOKUP_RULES: combined });
  });

  afterAll(async () => {
    await enricher?.stop();
    await collector?.stop();
    await client?.close();
    await memcached?.stop();
    await deleteTopics(names);
  });

  it('enriches every real Zeek and Suricata event exactly as its values call for', async () => {
    await produce(events.map((event, i) => record(names.raw, `event-${i}`, event.line)));
    await collector.waitFor(names.enriched, events.length, 90_000);
    const byKey = new Map(collector.json(names.enriched).map((value, i) => [String(collector.of(names.enriched)[i]?.key), value]));
    const mismatches: string[] = [];
    events.forEach((event, i) => {
      const enriched = byKey.get(`event-${i}`);
      const expected = expectedHits(JSON.parse(event.line) as Record<string, unknown>, rules, indicators);
      const wanted = { misp_src: expectedMispSrc(expected, indicators), hits: sortHits(expected) };
      const got = { misp_src: enriched?.['misp_src'], hits: enriched === undefined ? [] : sortHits(actualHits(enriched)) };
      if (JSON.stringify(got) !== JSON.stringify(wanted)) mismatches.push(`${event.origin}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(got)}`);
    });
    expect(mismatches).toEqual([]);
    expect(collector.of(names.dlq)).toHaveLength(0);
    const hits = events.filter((event) => expectedHits(JSON.parse(event.line) as Record<string, unknown>, rules, indicators).length > 0);
    expect(hits.length).toBeGreaterThan(10);
  });
});
