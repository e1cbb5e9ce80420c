/**
 * The whole product, end to end, on the real stack: the MISP stand-in serves real MISP events;
 * `misp-sync --once` writes memcached and the indicator topic; the built enricher and indexer
 * run as processes; real ECS logs go into the raw topic; Elasticsearch must end up holding every
 * event exactly once with the right `misp_src`.
 */
import { readFileSync } from 'node:fs';
import { ElasticsearchClient, KafkaAdmin, KafkaProducer, MemcachedClient } from '@iocflow/io';
import { MispStandin } from '@iocflow/misp-standin';
import { MemcachedProcess, fixturePath, freePort, pollUntil, requireService, stackEndpoints, uniqueName, zeekLogAsEcs } from '@iocflow/testing';
import { deleteRunTopics } from './support/delete-run-topics';
import { ServiceProcess } from './support/service-process';

const URSNIF_EVENT = '5b646415-7b48-40d5-86b4-c0070acd0835'; // pymisp sighting_1.json: 4 domains, 1 url
const API_KEY = 'e2e0test0key0000000000000000000000000000';

type Json = Record<string, unknown>;

describe('iocflow end to end', () => {
  const endpoints = stackEndpoints();
  const id = uniqueName('e2e');
  // The run's own topics, the hits topic too: the default `threat-hits` is shared by every run on the stack.
  const topics = { raw: `${id}-raw`, enriched: `${id}-enriched`, iocs: `${id}-iocs`, hits: `${id}-hits` };
  const indexPrefix = id.toLowerCase();
  let standin: MispStandin;
  let memcached: MemcachedProcess;
  const services: ServiceProcess[] = [];
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    await requireService('kafka');
    await requireService('memcached');
    await requireService('elasticsearch');
    standin = new MispStandin({ apiKey: API_KEY, fixtures: ['pymisp/tests/reportlab_testfiles/sighting_1.json', 'pymisp/tests/reportlab_testfiles/to_delete2.json'] });
    const { url } = await standin.start();
    // The seed pipeline's own example: a feed tag on the event names the feed.
    standin.setEventTags(URSNIF_EVENT, ['Feed-RansomwareTracker', 'tlp:white']);
    standin.addAttribute(URSNIF_EVENT, { type: 'domain', value: 'securitydistractions.com', toIds: true });
    memcached = await MemcachedProcess.start();
    // Users create the log topic (docs/operations.md); the services create the topics they own.
    const admin = new KafkaAdmin({ brokers: endpoints.kafkaBrokers.split(','), clientId: id });
    await admin.ensureTopics([{ topic: topics.raw, partitions: 3 }]);
    await admin.disconnect();
    env = {
      KAFKA_BROKERS: endpoints.kafkaBrokers,
      MEMCACHED_SERVERS: memcached.server,
      ELASTICSEARCH_URL: endpoints.elasticsearchUrl,
      MISP_URL: url,
      MISP_API_KEY: API_KEY,
      MISP_INITIAL_LOOKBACK: '36500d',
      // The fixture events are from 2016–2018: no expiry by age (issue 15); the derived feed's Qakbot event is unpublished.
      IOC_EXPIRY: 'false',
      MISP_PUBLISHED_ONLY: 'false',
      RAW_LOGS_TOPIC: topics.raw,
      ENRICHED_LOGS_TOPIC: topics.enriched,
      IOC_TOPIC: topics.iocs,
      THREAT_HITS_TOPIC: topics.hits,
      ENRICHER_GROUP_ID: `${id}-enricher`,
      INDEXER_GROUP_ID: `${id}-indexer`,
      ELASTICSEARCH_INDEX: indexPrefix,
      ELASTICSEARCH_REPLICAS: '0',
      LOG_LEVEL: 'warn',
    };
  });

  afterAll(async () => {
    for (const service of services) service.kill();
    await memcached?.stop();
    await standin?.stop();
    await deleteRunTopics(id);
  });

  it('syncs MISP, enriches real logs and indexes each event once with the right misp_src', async () => {
    const sync = ServiceProcess.start('misp-sync', env, ['--once']);
    expect(await sync.finished(120_000)).toBe(0);

    // The seed's Logstash filter reads this key unchanged: a plain string, not a list repr.
    const cache = new MemcachedClient({ servers: [memcached.server] });
    expect(await cache.get('domain-securitydistractions.com')).toBe('Feed-RansomwareTracker');
    await cache.close();

    const enricherPort = await freePort();
    const indexerPort = await freePort();
    const enricher = ServiceProcess.start('enricher', { ...env, HTTP_PORT: String(enricherPort) });
    const indexer = ServiceProcess.start('indexer', { ...env, HTTP_PORT: String(indexerPort) });
    services.push(enricher, indexer);
    await enricher.waitReady(enricherPort, 90_000);
    await indexer.waitReady(indexerPort, 90_000);

    // Zeek's own dns.log as ECS (test/fixtures/zeek): none of its names or addresses is in these MISP events.
    const zeek = zeekLogAsEcs(readFileSync(fixturePath('zeek/testing/btest/Baseline/opt.basic/dns.log'), 'utf8'));
    const events: { id: string; event: Json; expected: string }[] = zeek.map((event, i) => ({ id: `zeek-${i}`, event, expected: 'none' }));
    const base = zeek[0]!;
    events.push(
      { id: 'seed-example', event: { ...base, destination: { domain: 'securitydistractions.com' } }, expected: 'Feed-RansomwareTracker' },
      { id: 'subdomain-upper-dot', event: { ...base, dns: { question: { name: 'WWW.OOIASJDNQJWBEASDASD.COM.' } } }, expected: 'Feed-RansomwareTracker' },
      { id: 'label-boundary', event: { ...base, destination: { domain: 'xsecuritydistractions.com' } }, expected: 'none' },
      { id: 'injection', event: { ...base, destination: { domain: 'x\r\nflush_all' } }, expected: 'none' },
    );
    const fallchillIp = firstIpDst(fixturePath('pymisp/tests/reportlab_testfiles/to_delete2.json'));
    events.push({ id: 'fallchill-ip', event: { ...base, source: { ip: fallchillIp } }, expected: 'misp' });

    const producer = new KafkaProducer({ brokers: endpoints.kafkaBrokers.split(','), clientId: id });
    await producer.send(events.map(({ id: eventId, event }) => ({ topic: topics.raw, key: eventId, value: JSON.stringify({ ...event, labels: { e2e_id: eventId } }) })));
    await producer.disconnect();

    const es = new ElasticsearchClient({ url: endpoints.elasticsearchUrl });
    const docs = await pollUntil(
      async () => {
        await es.refresh(`${indexPrefix}-*`).catch(() => undefined);
        const result = await es.request<{ hits: { hits: { _source: Json }[] } }>('POST', `/${indexPrefix}-*/_search`, { size: 100, query: { match_all: {} } });
        return result.hits.hits.length >= events.length ? result.hits.hits.map((hit) => hit._source) : false;
      },
      { timeoutMs: 90_000, intervalMs: 500, description: `${events.length} documents in ${indexPrefix}-*` },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- enricher ---\n${enricher.logs()}\n--- indexer ---\n${indexer.logs()}`);
    });
    await es.close();

    const bySample = new Map(docs.map((doc) => [(doc['labels'] as Json)['e2e_id'], doc]));
    expect(docs).toHaveLength(events.length);
    for (const { id: eventId, expected } of events) {
      expect([eventId, bySample.get(eventId)?.['misp_src']]).toEqual([eventId, expected]);
    }
    const hit = bySample.get('subdomain-upper-dot') as { threat: { enrichments: Json[] } };
    expect(hit.threat.enrichments[0]).toMatchObject({ indicator: { provider: 'misp' }, matched: { field: 'dns.question.name' } });

    expect(await enricher.stop()).toBe(0);
    expect(await indexer.stop()).toBe(0);
  });
});

function firstIpDst(file: string): string {
  const event = (JSON.parse(readFileSync(file, 'utf8')) as { Event: { Attribute: { type: string; value: string; to_ids: boolean }[] } }).Event;
  const attribute = event.Attribute.find((a) => a.type === 'ip-dst' && a.to_ids);
  if (!attribute) throw new Error('no ip-dst in fixture');
  return attribute.value;
}
