import { KafkaAdmin } from '@iocflow/io';
import { pollUntil, requireService } from '@iocflow/testing';
import type { Registry } from 'prom-client';
import type { EnricherRuntime } from '../../src/enricher.runtime';
import { freshnessRecord, indicatorRecord as indicator } from '../indicator-records';
import { counterValues, createTopics, deleteTopics, enricherConfig, kafkaBrokers, produce, record, runNames, startEnricher, TopicCollector } from './enricher-harness';

/** misp-sync's freshness record on the topic: its MISP source succeeded now and polls every `intervalMs`. */
function freshness(intervalMs: number): { key: string; value: string } {
  const now = new Date().toISOString();
  return freshnessRecord({ misp: { lastSuccessAt: now, intervalMs } });
}

/** ENRICHER_MAX_STALENESS of this suite: short, so a lapse shows within seconds. */
const MAX_STALENESS = '2s';

describe('enricher, table mode: indicators materialised from the compacted IOC topic (real Kafka)', () => {
  const names = runNames('enr-table');
  // A second enricher in pass-unknown mode on the same topics, with its own group and output.
  const unknownOut = `${names.enriched}-unknown`;
  let collector: TopicCollector;
  let runtime: EnricherRuntime;
  let registry: Registry;
  let passUnknown: EnricherRuntime;

  const src = (key: string): unknown => {
    const message = collector.of(names.enriched).find((m) => String(m.key) === key);
    return message === undefined ? undefined : JSON.parse(String(message.value)).misp_src;
  };

  beforeAll(async () => {
    await requireService('kafka');
    await createTopics(names);
    const removed = indicator('domain', 'removed-table.example', ['Feed-Gone']);
    const replaced = indicator('domain', 'replaced-table.example', ['Feed-Old']);
    await produce(
      [
        indicator('domain', 'evil-table.example', ['Feed-T'], 'Phishing kit'),
        indicator('ip', '10.77.0.0/16', ['Feed-Wide']),
        indicator('ip', '10.77.5.0/24', ['Feed-Narrow']),
        indicator('ip', '2001:db8:77::/48', ['Feed-V6']),
        removed,
        { key: removed.key, value: null },
        replaced,
        indicator('domain', 'replaced-table.example', ['Feed-New']),
        indicator('sha256', 'ab'.repeat(32), ['Feed-Hash']),
        // Issue 15: an attribute with everything MISP can say about it, as misp-sync records it.
        indicator('url', 'http://ecs-table.example/gate.php', ['Feed-Ecs'], 'C2 panel', {
          tags: ['Feed-Ecs', 'tlp:amber'],
          tlp: 'AMBER',
          threatLevel: 'High',
          decayScore: 55,
          firstSeen: '2024-06-01T08:00:00.000000+00:00',
          lastSeen: '2025-04-30T17:30:00.000000+00:00',
        }),
        indicator('domain', 'ecs-level.example', ['Feed-Ecs'], 'Spam', { tlp: 'CLEAR', threatLevel: 'Low' }),
        // Polled every 10 minutes: fresh for the whole suite until the last test says otherwise.
        freshness(10 * 60_000),
      ].map((r) => ({ topic: names.ioc, key: r.key, value: r.value })),
    );
    const admin = new KafkaAdmin({ brokers: kafkaBrokers(), clientId: 'enricher-it-admin' });
    await admin.connect();
    await admin.ensureTopics([{ topic: unknownOut, partitions: 3 }]);
    await admin.disconnect();
    collector = new TopicCollector([names.enriched, unknownOut]);
    await collector.start();
    ({ runtime, registry } = await startEnricher(enricherConfig(names, '127.0.0.1:1', { ENRICHER_LOOKUP_MODE: 'table', MISP_URL: 'https://misp.example', ENRICHER_MAX_STALENESS: MAX_STALENESS })));
  });

  afterAll(async () => {
    await runtime?.stop();
    await passUnknown?.stop();
    await collector?.stop();
    await deleteTopics(names);
    const admin = new KafkaAdmin({ brokers: kafkaBrokers(), clientId: 'enricher-it-admin' });
    await admin.connect();
    await admin.deleteTopics([unknownOut]).catch(() => undefined);
    await admin.disconnect();
  });

  it('becomes usable only after reading the topic to its end, then matches exact, parent domains, CIDR by longest prefix and hashes', async () => {
    await pollUntil(() => runtime.status().usable, { description: 'table loaded' });
    await produce([
      record(names.raw, 'parent', JSON.stringify({ dns: { question: { name: 'a.b.Evil-Table.example.' } } })),
      record(names.raw, 'boundary', JSON.stringify({ destination: { domain: 'notevil-table.example' } })),
      record(names.raw, 'narrow', JSON.stringify({ source: { ip: '10.77.5.9' } })),
      record(names.raw, 'wide', JSON.stringify({ source: { ip: '10.77.200.1' } })),
      record(names.raw, 'outside', JSON.stringify({ source: { ip: '10.78.0.1' } })),
      record(names.raw, 'v6', JSON.stringify({ destination: { ip: '2001:db8:77:1::5' } })),
      record(names.raw, 'tombstoned', JSON.stringify({ destination: { domain: 'removed-table.example' } })),
      record(names.raw, 'replaced', JSON.stringify({ destination: { domain: 'replaced-table.example' } })),
      record(names.raw, 'hash', JSON.stringify({ process: { hash: { sha256: 'AB'.repeat(32) } } })),
    ]);
    await collector.waitFor(names.enriched, 9);
    expect(Object.fromEntries(['parent', 'boundary', 'narrow', 'wide', 'outside', 'v6', 'tombstoned', 'replaced', 'hash'].map((k) => [k, src(k)]))).toEqual({
      parent: 'Feed-T',
      boundary: 'none',
      narrow: 'Feed-Narrow',
      wide: 'Feed-Wide',
      outside: 'none',
      v6: 'Feed-V6',
      tombstoned: 'none',
      replaced: 'Feed-New',
      hash: 'Feed-Hash',
    });
    const parent = JSON.parse(String(collector.of(names.enriched).find((m) => String(m.key) === 'parent')?.value));
    expect(parent.threat.enrichments[0]).toEqual({
      indicator: {
        type: 'domain-name',
        provider: 'misp',
        name: 'evil-table.example',
        url: { domain: 'evil-table.example' },
        description: 'Phishing kit',
        reference: 'https://misp.example/events/view/event-uuid-1',
        // No MISP first/last seen: the attribute timestamp (1,700,000,000 s).
        first_seen: '2023-11-14T22:13:20.000Z',
        last_seen: '2023-11-14T22:13:20.000Z',
        modified_at: '2025-05-01T00:00:00.000Z',
      },
      feed: { name: 'Feed-T' },
      matched: { atomic: 'a.b.evil-table.example', field: 'dns.question.name', type: 'indicator_match_rule', id: 'attr-evil-table.example' },
    });
    const narrow = JSON.parse(String(collector.of(names.enriched).find((m) => String(m.key) === 'narrow')?.value));
    expect(narrow.threat.enrichments[0].indicator).toMatchObject({ type: 'ipv4-addr', name: '10.77.5.0/24' });
  });

  // Issue 15: what the IOC topic record holds about the attribute reaches the enriched event as ECS fields.
  it('writes TLP, confidence, first/last seen and the MISP event reference from the record into threat.enrichments', async () => {
    await pollUntil(() => runtime.status().usable, { description: 'table loaded' });
    await produce([
      // With credentials and unreserved escapes: the URL rules of docs/matching.md still match.
      record(names.raw, 'ecs-url', JSON.stringify({ url: { full: 'http://user:pass@ECS-table.example./%67ate.php' } })),
      record(names.raw, 'ecs-level', JSON.stringify({ destination: { domain: 'www.ecs-level.example' } })),
    ]);
    const byKey = async (key: string): Promise<{ threat: { enrichments: { indicator: Record<string, unknown> }[] } }> => {
      await pollUntil(() => collector.of(names.enriched).some((m) => String(m.key) === key), { description: `${key} enriched` });
      return JSON.parse(String(collector.of(names.enriched).find((m) => String(m.key) === key)?.value));
    };
    expect((await byKey('ecs-url')).threat.enrichments[0]?.indicator).toEqual({
      type: 'url',
      provider: 'misp',
      name: 'http://ecs-table.example/gate.php',
      url: { full: 'http://ecs-table.example/gate.php' },
      description: 'C2 panel',
      reference: 'https://misp.example/events/view/event-uuid-1',
      first_seen: '2024-06-01T08:00:00.000000+00:00',
      last_seen: '2025-04-30T17:30:00.000000+00:00',
      // The decay score (55) wins over the threat level (High).
      confidence: 'Medium',
      marking: { tlp: 'AMBER' },
      modified_at: '2025-05-01T00:00:00.000Z',
    });
    expect((await byKey('ecs-level')).threat.enrichments[0]?.indicator).toMatchObject({ name: 'ecs-level.example', confidence: 'Low', marking: { tlp: 'CLEAR' }, first_seen: '2023-11-14T22:13:20.000Z' });
  });

  it('follows the topic live: a new indicator hits, a tombstone removes it', async () => {
    const live = indicator('domain', 'live-table.example', ['Feed-Live']);
    await produce([{ topic: names.ioc, key: live.key, value: live.value }]);
    let round = 0;
    // The follower applies the record asynchronously: probe with fresh events until one hits.
    await pollUntil(
      async () => {
        round++;
        await produce([record(names.raw, `live-${round}`, JSON.stringify({ destination: { domain: 'www.live-table.example' } }))]);
        await collector.waitFor(names.enriched, collector.of(names.enriched).length + 1);
        return src(`live-${round}`) === 'Feed-Live';
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'live indicator applied' },
    );
    await produce([{ topic: names.ioc, key: live.key, value: null }]);
    await pollUntil(
      async () => {
        round++;
        await produce([record(names.raw, `live-${round}`, JSON.stringify({ destination: { domain: 'www.live-table.example' } }))]);
        await collector.waitFor(names.enriched, collector.of(names.enriched).length + 1);
        return src(`live-${round}`) === 'none';
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'tombstone applied' },
    );
  });

  it("holds once the topic's freshness lapses (misp-sync stopped writing), names the source, and answers again when it is back; pass-unknown marks `unknown` meanwhile", async () => {
    ({ runtime: passUnknown } = await startEnricher(
      enricherConfig({ ...names, enriched: unknownOut, group: `${names.group}-unknown` }, '127.0.0.1:1', { ENRICHER_LOOKUP_MODE: 'table', ENRICHER_MAX_STALENESS: MAX_STALENESS, ENRICHER_ON_STORE_UNAVAILABLE: 'pass-unknown' }),
    ));
    await pollUntil(() => passUnknown.status().usable, { description: 'pass-unknown enricher loaded' });
    // The pass-unknown enricher starts from the beginning of raw-logs: let it catch up first.
    await collector.waitFor(unknownOut, collector.of(names.enriched).length);
    // misp-sync's last word: a MISP source polled every second. Then nothing more (it died).
    await produce([{ topic: names.ioc, ...freshness(1000) }]);
    const lapsed = await pollUntil(
      () => {
        const status = runtime.status();
        return status.usable ? false : status;
      },
      { timeoutMs: 20_000, description: 'the table judged stale' },
    );
    expect(lapsed.reason).toContain('source misp missed its schedule');
    // The pass-unknown enricher follows the topic on its own: until it has read the lapsing
    // record too it still holds the 10-minute one, fresh, and would answer the events below.
    await pollUntil(() => !passUnknown.status().usable, { timeoutMs: 20_000, description: 'the pass-unknown enricher judged the table stale too' });
    const heldBefore = (await counterValues(registry, 'iocflow_enricher_store_unavailable_total'))['STORE_STALE'] ?? 0;
    const before = collector.of(names.enriched).length;
    await produce([record(names.raw, 'during-lapse', JSON.stringify({ destination: { domain: 'evil-table.example' } })), record(names.raw, 'during-lapse-miss', JSON.stringify({ destination: { domain: 'fine-table.example' } }))]);
    await pollUntil(async () => ((await counterValues(registry, 'iocflow_enricher_store_unavailable_total'))['STORE_STALE'] ?? 0) >= heldBefore + 2, { description: 'the batch held' });
    expect(collector.of(names.enriched)).toHaveLength(before);
    // the gauges are refreshed every ENRICHER_PROBE_INTERVAL (200 ms here), so they may trail the
    // verdict the batch was held by (seen here: held within 144 ms of the lapse, before the next tick)
    await pollUntil(async () => (await counterValues(registry, 'iocflow_enricher_source_stale'))['misp'] === 1, { timeoutMs: 15_000, description: 'the source named stale by its gauge' });
    expect(await counterValues(registry, 'iocflow_enricher_source_stale')).toEqual({ misp: 1 });
    // Never a false "none": the pass-unknown enricher says it does not know.
    await pollUntil(() => collector.of(unknownOut).some((m) => String(m.key) === 'during-lapse-miss'), { description: 'pass-unknown output' });
    const unknownSrc = (key: string) => JSON.parse(String(collector.of(unknownOut).find((m) => String(m.key) === key)?.value)).misp_src;
    expect([unknownSrc('during-lapse'), unknownSrc('during-lapse-miss')]).toEqual(['unknown', 'unknown']);

    // misp-sync is back: its next success reaches the follower and the held batch comes out right.
    await produce([{ topic: names.ioc, ...freshness(10 * 60_000) }]);
    await collector.waitFor(names.enriched, before + 2);
    expect([src('during-lapse'), src('during-lapse-miss')]).toEqual(['Feed-T', 'none']);
    expect(runtime.status()).toEqual({ usable: true });
  });
});
