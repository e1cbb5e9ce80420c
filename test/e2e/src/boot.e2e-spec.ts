/**
 * How every built service boots (issue 13; docs/architecture.md, "One shape for every service"):
 * a start that fails exits non-zero and is never ready meanwhile; a service that can create its
 * topics does so and gets ready only once its consumer really runs. On the real stack:
 *   (a) before its topics exist: misp-sync and the indexer create theirs, get ready and work; the
 *       enricher — whose input, raw-logs, is the users' topic — exits 1 until the topic exists,
 *       then gets ready and enriches;
 *   (b) with the brokers unreachable: each is never ready and exits 1 (to be restarted); brokers
 *       lost after the start: not ready (the consumer is out of its group) until they are back.
 */
import { KafkaAdmin, KafkaProducer } from '@iocflow/io';
import { MispStandin } from '@iocflow/misp-standin';
import { MemcachedProcess, TcpForwarder, freePort, pollUntil, requireService, stackEndpoints, uniqueName, type ServiceApp } from '@iocflow/testing';
import { deleteRunTopics } from './support/delete-run-topics';
import { ServiceProcess } from './support/service-process';

const API_KEY = 'e2e0boot0key0000000000000000000000000000';

/** A service process and what its probes answered while it ran. */
interface Watched {
  readonly service: ServiceProcess;
  readonly port: number;
  /** Every /health/ready status seen, in order. */
  readonly ready: number[];
  /** The same answers, each with how much of the service's log existed when it arrived. */
  readonly probes: Array<{ readonly status: number; readonly logLength: number }>;
  stop(): void;
}

async function watch(app: ServiceApp, env: NodeJS.ProcessEnv, args: readonly string[] = []): Promise<Watched> {
  const port = await freePort();
  const service = ServiceProcess.start(app, { ...env, HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port) }, args, `${app}:${port}`);
  const ready: number[] = [];
  const probes: Array<{ status: number; logLength: number }> = [];
  const timer = setInterval(() => {
    void fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (response) => {
        ready.push(response.status);
        probes.push({ status: response.status, logLength: service.logs().length });
      },
      () => undefined,
    );
  }, 250);
  return { service, port, ready, probes, stop: () => clearInterval(timer) };
}

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `) || candidate.startsWith(`${name}{`));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('service boot', () => {
  const endpoints = stackEndpoints();
  const id = uniqueName('e2e-boot');
  // The run's own topics, the hits topic too: the default `threat-hits` is shared by every run on the stack.
  const topics = { raw: `${id}-raw`, enriched: `${id}-enriched`, iocs: `${id}-iocs`, hits: `${id}-hits` };
  const indexPrefix = id.toLowerCase();
  let standin: MispStandin;
  let memcached: MemcachedProcess;
  const running: Watched[] = [];
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    await requireService('kafka');
    await requireService('elasticsearch');
    standin = new MispStandin({ apiKey: API_KEY, fixtures: ['pymisp/tests/reportlab_testfiles/sighting_1.json'] });
    const { url } = await standin.start();
    memcached = await MemcachedProcess.start();
    env = {
      KAFKA_BROKERS: endpoints.kafkaBrokers,
      MEMCACHED_SERVERS: memcached.server,
      ELASTICSEARCH_URL: endpoints.elasticsearchUrl,
      MISP_URL: url,
      MISP_API_KEY: API_KEY,
      MISP_INITIAL_LOOKBACK: '36500d',
      MISP_POLL_INTERVAL: '2s',
      SYNC_HEARTBEAT_INTERVAL: '1s',
      RAW_LOGS_TOPIC: topics.raw,
      ENRICHED_LOGS_TOPIC: topics.enriched,
      IOC_TOPIC: topics.iocs,
      THREAT_HITS_TOPIC: topics.hits,
      ENRICHER_GROUP_ID: `${id}-enricher`,
      INDEXER_GROUP_ID: `${id}-indexer`,
      ELASTICSEARCH_INDEX: indexPrefix,
      ELASTICSEARCH_REPLICAS: '0',
      LOG_LEVEL: 'info',
    };
  });

  afterAll(async () => {
    for (const watched of running) watched.stop();
    await Promise.all(running.map((watched) => watched.service.kill()));
    await memcached?.stop();
    await standin?.stop();
    await deleteRunTopics(id);
  });

  describe('before its topics exist', () => {
    it('misp-sync creates its topics, gets ready and syncs', async () => {
      const sync = await watch('misp-sync', env);
      running.push(sync);
      await sync.service.waitReady(sync.port, 90_000);
      await pollUntil(async () => (await metric(sync.port, 'iocflow_misp_sync_last_success_timestamp_seconds')) > 0, { timeoutMs: 60_000, intervalMs: 500, description: 'a misp-sync run succeeded' });
    });

    it('the indexer creates its topic, gets ready only once its consumer joined the group', async () => {
      const indexer = await watch('indexer', env);
      running.push(indexer);
      await indexer.service.waitReady(indexer.port, 90_000);
      const admin = new KafkaAdmin({ brokers: endpoints.kafkaBrokers.split(','), clientId: id });
      try {
        expect((await admin.fetchTopicOffsets(topics.enriched)).length).toBeGreaterThan(0);
      } finally {
        await admin.disconnect();
      }
      // kafkajs logs its join, the default client (platformatic) its first assignment — before the
      // join flips readiness. Whether a probe lands before the join is timing (CI saw a first 200),
      // so the rule checked is the order: no 200 was answered before the join was logged.
      const joinLine = /kafka consumer (joined group|assignment changed)/;
      expect(indexer.service.logs()).toMatch(joinLine);
      const logs = indexer.service.logs();
      const readyBeforeJoin = indexer.probes.filter((probe) => probe.status === 200 && !joinLine.test(logs.slice(0, probe.logLength)));
      expect(readyBeforeJoin).toEqual([]);
      expect(indexer.probes.filter((probe) => probe.status !== 200 && probe.status !== 503)).toEqual([]);
    });

    // Issue 13: started before RAW_LOGS_TOPIC existed, the enricher stayed up answering 200 on both probes, consuming nothing.
    it('the enricher exits 1 while raw-logs is missing, never ready; once it exists it gets ready and enriches into the indexer', async () => {
      const early = await watch('enricher', env);
      expect(await early.service.finished(120_000)).toBe(1);
      early.stop();
      expect(early.ready.filter((status) => status === 200)).toEqual([]);
      expect(early.service.logs()).toContain('service failed to start');

      const admin = new KafkaAdmin({ brokers: endpoints.kafkaBrokers.split(','), clientId: id });
      await admin.ensureTopics([{ topic: topics.raw, partitions: 2 }]);
      await admin.disconnect();
      const enricher = await watch('enricher', env);
      running.push(enricher);
      await enricher.service.waitReady(enricher.port, 90_000);

      const producer = new KafkaProducer({ brokers: endpoints.kafkaBrokers.split(','), clientId: id });
      await producer.connect();
      await producer.send([{ topic: topics.raw, key: 'boot-1', value: JSON.stringify({ '@timestamp': new Date().toISOString(), destination: { domain: 'securitydistractions.com' }, labels: { boot: id } }) }]);
      await producer.disconnect();
      await pollUntil(async () => (await metric(enricher.port, 'iocflow_enricher_events_in_total')) >= 1, { timeoutMs: 60_000, intervalMs: 500, description: 'the enricher consumed the record' });
      const indexer = running.find((watched) => watched.service.name.startsWith('indexer'));
      if (indexer === undefined) throw new Error('the indexer case did not run');
      await pollUntil(async () => (await metric(indexer.port, 'iocflow_indexer_indexed_documents_total')) >= 1, { timeoutMs: 60_000, intervalMs: 500, description: 'the indexer indexed the enriched record' });

      for (const watched of running.splice(0)) {
        watched.stop();
        expect([watched.service.name, await watched.service.stop()]).toEqual([watched.service.name, 0]);
      }
    });
  });

  // Issue 13: with KAFKA_BROKERS pointing at nothing, the enricher answered /health/ready 200.
  it('with the brokers unreachable, each service is never ready and exits 1', async () => {
    const nowhere = `127.0.0.1:${await freePort()}`;
    const apps: ServiceApp[] = ['misp-sync', 'enricher', 'indexer', 'hunter'];
    const started = await Promise.all(apps.map((app) => watch(app, { ...env, KAFKA_BROKERS: nowhere, IOC_TOPIC: `${id}-nowhere`, RAW_LOGS_TOPIC: `${id}-nowhere-raw` })));
    const codes = await Promise.all(started.map((watched) => watched.service.finished(150_000)));
    for (const watched of started) watched.stop();
    expect(codes).toEqual([1, 1, 1, 1]);
    for (const watched of started) {
      expect([watched.service.name, watched.ready.filter((status) => status === 200)]).toEqual([watched.service.name, []]);
      expect(watched.service.logs()).toContain('service failed to start');
    }
  });

  it('with the brokers lost after the start, the indexer is not ready (its consumer out of the group) until they are back', async () => {
    const [host = '127.0.0.1', port = '9092'] = endpoints.kafkaBrokers.split(',')[0]?.split(':') ?? [];
    const forwarder = await TcpForwarder.start(host, Number(port), { kafka: true });
    try {
      const indexer = await watch('indexer', { ...env, KAFKA_BROKERS: forwarder.hostPort, ENRICHED_LOGS_TOPIC: `${id}-cut`, INDEXER_GROUP_ID: `${id}-cut` });
      running.push(indexer);
      await indexer.service.waitReady(indexer.port, 90_000);
      await forwarder.cut();
      const consumerCheck = async (): Promise<{ status: number; consumer?: { ready: boolean; detail?: string } }> => {
        const response = await fetch(`http://127.0.0.1:${indexer.port}/health/ready`);
        const body = (await response.json()) as { checks: Record<string, { ready: boolean; detail?: string }> };
        return { status: response.status, ...(body.checks['kafka-consumer'] === undefined ? {} : { consumer: body.checks['kafka-consumer'] }) };
      };
      const down = await pollUntil(async () => ((await consumerCheck()).status === 503 ? consumerCheck() : false), { timeoutMs: 120_000, intervalMs: 500, description: 'the indexer not ready with the brokers cut' });
      expect(down.consumer?.ready).toBe(false);
      expect(indexer.service.running).toBe(true);
      await forwarder.restore();
      await indexer.service.waitReady(indexer.port, 120_000);
      indexer.stop();
      expect(await indexer.service.stop()).toBe(0);
    } finally {
      await forwarder.cut();
    }
  });
});
