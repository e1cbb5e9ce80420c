import { KafkaAdmin, MemcachedClient } from '@iocflow/io';
import { MemcachedProcess, pollUntil, requireService, uniqueName } from '@iocflow/testing';
import type { Registry } from 'prom-client';
import type { EnricherRuntime } from '../../src/enricher.runtime';
import { indicatorRecord as indicator } from '../indicator-records';
import { counterValues, createTopics, deleteTopics, enricherConfig, kafkaBrokers, produce, record, runNames, seedMemcached, startEnricher, TopicCollector, type RunNames } from './enricher-harness';

/** Events whose answers differ with and without ranges, plus one without any looked-up field. */
const EVENTS = {
  narrow: { source: { ip: '10.77.5.10' } },
  wide: { source: { ip: '10.77.200.1' } },
  outside: { source: { ip: '10.78.0.1' } },
  v6: { destination: { ip: '2001:db8:77:1::5' } },
  exact: { destination: { ip: '10.77.5.9' } },
  domain: { destination: { domain: 'www.evil-ranges.example' } },
  'no-observable': { message: 'GET /index.html 200', host: { name: 'web-1' } },
};

/** Range records the follower cannot use: not JSON, a field of the wrong type, a range that is none. */
const HOSTILE_RANGES = [
  { key: 'ip-10.99.0.0/16', value: 'not json' },
  { key: 'ip-10.98.0.0/16', value: JSON.stringify({ ...(JSON.parse(indicator('ip', '10.98.0.0/16', ['Feed-Bad']).value) as object), attributes: [null] }) },
  { key: 'ip-10.0.0.0/33', value: JSON.stringify({ ...(JSON.parse(indicator('ip', '10.0.0.0/8', ['Feed-Bad']).value) as object), key: 'ip-10.0.0.0/33', value: '10.0.0.0/33' }) },
];

describe('enricher, memcached mode: IP ranges followed from the IOC topic beside the exact keys (real Kafka, real memcached)', () => {
  const names = runNames('enr-ranges');
  const extraTopics: string[] = [];
  let memcached: MemcachedProcess;
  let client: MemcachedClient;
  let collector: TopicCollector;
  let runtime: EnricherRuntime;
  let registry: Registry;
  const others: EnricherRuntime[] = [];

  const src = (key: string): unknown => {
    const message = collector.of(names.enriched).find((m) => String(m.key) === key);
    return message === undefined ? undefined : JSON.parse(String(message.value)).misp_src;
  };

  /** Another enricher on the same raw topic, with its own group and output (not collected: its metrics tell). */
  async function another(tag: string, env: Record<string, string>): Promise<{ runtime: EnricherRuntime; registry: Registry }> {
    const own: RunNames = { ...names, enriched: uniqueName(`enr-ranges-${tag}`), group: uniqueName(`enr-ranges-${tag}-group`) };
    extraTopics.push(own.enriched);
    const started = await startEnricher(enricherConfig(own, memcached.server, env));
    others.push(started.runtime);
    return started;
  }

  beforeAll(async () => {
    await requireService('kafka');
    await requireService('memcached');
    memcached = await MemcachedProcess.start();
    client = new MemcachedClient({ servers: memcached.server });
    // memcached holds what misp-sync writes there: every key, ranges included (never asked by address).
    await seedMemcached(client, {
      'ip-10.77.5.9': 'Feed-Exact',
      'ip-10.77.0.0/16': 'Feed-Wide',
      'ip-10.77.5.0/24': 'Feed-Narrow',
      'ip-2001:db8:77::/48': 'Feed-V6',
      'domain-evil-ranges.example': 'Feed-Domain',
    });
    await createTopics(names);
    await produce(
      [
        indicator('ip', '10.77.0.0/16', ['Feed-Wide']),
        indicator('ip', '10.77.5.0/24', ['Feed-Narrow']),
        indicator('ip', '2001:db8:77::/48', ['Feed-V6']),
        indicator('ip', '10.77.5.9', ['Feed-Exact']),
        indicator('domain', 'evil-ranges.example', ['Feed-Domain']),
        // Issue 11: range records another producer wrote, each skipped alone with its reason (the follower goes on).
        ...HOSTILE_RANGES,
      ].map((r) => ({ topic: names.ioc, key: r.key, value: r.value })),
    );
    collector = new TopicCollector([names.enriched]);
    await collector.start();
    ({ runtime, registry } = await startEnricher(enricherConfig(names, memcached.server)));
  });

  afterAll(async () => {
    for (const other of others) await other.stop();
    await runtime?.stop();
    await collector?.stop();
    await client?.close();
    await memcached?.stop();
    await deleteTopics(names);
    const admin = new KafkaAdmin({ brokers: kafkaBrokers(), clientId: 'enricher-it-admin' });
    await admin.connect();
    await admin.deleteTopics(extraTopics).catch(() => undefined);
    await admin.disconnect();
  });

  it('matches addresses against the ranges by longest prefix (IPv4 and IPv6) after their exact key missed; an exact key wins; no observable is no miss; unusable range records are skipped with their reason', async () => {
    await pollUntil(() => runtime.status().usable, { description: 'ranges loaded and sentinel fresh' });
    await produce(Object.entries(EVENTS).map(([key, event]) => record(names.raw, key, JSON.stringify(event))));
    await collector.waitFor(names.enriched, Object.keys(EVENTS).length);
    expect(Object.fromEntries(Object.keys(EVENTS).map((key) => [key, src(key)]))).toEqual({
      narrow: 'Feed-Narrow',
      wide: 'Feed-Wide',
      outside: 'none',
      v6: 'Feed-V6',
      exact: 'Feed-Exact',
      domain: 'Feed-Domain',
      'no-observable': 'none',
    });
    const narrow = JSON.parse(String(collector.of(names.enriched).find((m) => String(m.key) === 'narrow')?.value));
    expect(narrow.threat.enrichments[0]).toMatchObject({ indicator: { type: 'ipv4-addr', name: '10.77.5.0/24' }, matched: { atomic: '10.77.5.10', field: 'source.ip' } });
    // Counted once the output is acknowledged, which the collector can see first: waited for.
    const outCount = async (): Promise<number> => Object.values(await counterValues(registry, 'iocflow_enricher_events_out_total')).reduce((a, b) => a + b, 0);
    await pollUntil(async () => (await outCount()) >= Object.keys(EVENTS).length, { description: 'every event counted out' });
    expect(await counterValues(registry, 'iocflow_enricher_events_out_total')).toEqual({ hit: 5, miss: 1, no_observable: 1 });
    expect(await counterValues(registry, 'iocflow_enricher_ip_ranges_unchecked_total')).toEqual({ total: 0 });
    await pollUntil(async () => (await counterValues(registry, 'iocflow_enricher_ip_ranges'))['total'] === 3, { description: 'ranges gauge' });
    expect(await counterValues(registry, 'iocflow_enricher_ip_ranges_followed')).toEqual({ total: 1 });
    expect(await counterValues(registry, 'iocflow_enricher_table_records_ignored_total')).toEqual({ not_json: 1, not_record: 1, not_indexable: 1 });
  });

  it('follows the topic live: a new range matches, a tombstone removes it', async () => {
    const added = indicator('ip', '192.0.2.0/24', ['Feed-Live']);
    await produce([{ topic: names.ioc, key: added.key, value: added.value }]);
    let round = 0;
    const probe = async (expected: string): Promise<boolean> => {
      round++;
      await produce([record(names.raw, `live-${round}`, JSON.stringify({ source: { ip: '192.0.2.77' } }))]);
      await collector.waitFor(names.enriched, collector.of(names.enriched).length + 1);
      return src(`live-${round}`) === expected;
    };
    await pollUntil(() => probe('Feed-Live'), { timeoutMs: 30_000, intervalMs: 200, description: 'live range applied' });
    await produce([{ topic: names.ioc, key: added.key, value: null }]);
    await pollUntil(() => probe('none'), { timeoutMs: 30_000, intervalMs: 200, description: 'range tombstone applied' });
  });

  it.each<[string, string, Record<string, string>]>([
    ['ENRICHER_IP_RANGES=off', 'off', { ENRICHER_IP_RANGES: 'off' }],
    ['an IOC topic that cannot be read', 'unreadable', { IOC_TOPIC: uniqueName('enr-ranges-missing') }],
  ])('without the ranges (%s) it still answers, exact keys only, and counts the addresses it could not check', async (_name, tag, env) => {
    const other = await another(tag, env);
    // Not held: readiness is the sentinel's (and, once loading gave up, the ranges are not waited for).
    await pollUntil(() => other.runtime.status().usable, { description: 'usable without ranges' });
    const total = collector.of(names.enriched).length;
    await pollUntil(async () => Object.values(await counterValues(other.registry, 'iocflow_enricher_events_out_total')).reduce((a, b) => a + b, 0) >= total, { timeoutMs: 60_000, description: 'the raw topic enriched again' });
    // narrow, wide, v6, the live probes: addresses that missed their exact key and were not checked.
    expect((await counterValues(other.registry, 'iocflow_enricher_ip_ranges_unchecked_total'))['total']).toBeGreaterThanOrEqual(4);
    expect(await counterValues(other.registry, 'iocflow_enricher_ip_ranges_followed')).toEqual({ total: 0 });
    expect((await counterValues(other.registry, 'iocflow_enricher_events_out_total'))['no_observable']).toBe(1);
  });
});
