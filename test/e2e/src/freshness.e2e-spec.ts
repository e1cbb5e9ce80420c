/**
 * Freshness and blind spots, end to end on the real stack with the built services: misp-sync as
 * a daemon (a MISP-format feed read directly, and the MISP stand-in), enrichers in memcached and
 * table mode, real Kafka and memcached. Schedules are scaled down: the feed polls every
 * FEED_POLL_S seconds while the enrichers distrust intelligence MAX_STALENESS past a source's own
 * schedule — shorter than the feed's interval, as the defaults (1 h vs 15 min) are.
 *
 * - A feed-only deployment and a MISP-plus-feed deployment stay ready, and events keep flowing,
 *   over several feed polls (judged per source, not by the oldest success against 15 min).
 * - When misp-sync dies the sources miss their schedules: readiness turns 503 naming the source,
 *   and a table-mode enricher holds (the IOC topic's freshness record lapsed) until misp-sync is back.
 * - A MISP CIDR indicator matches in memcached mode (the ranges followed from the IOC topic).
 * - An event without any looked-up field is counted as `no_observable`, not as a miss.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import path from 'node:path';
import { KafkaAdmin, KafkaBatchConsumer, KafkaProducer, type KafkaConsumedMessage } from '@iocflow/io';
import { MispStandin } from '@iocflow/misp-standin';
import { MemcachedProcess, freePort, pollUntil, requireService, stackEndpoints, uniqueName, writeMispFeed } from '@iocflow/testing';
import { deleteRunTopics } from './support/delete-run-topics';
import { ServiceProcess } from './support/service-process';

const API_KEY = 'e2e0fresh0key000000000000000000000000000';
const FEED_POLL_S = 4;
/**
 * ENRICHER_MAX_STALENESS: shorter than the feed's interval (2.5 s vs 4 s; the defaults are 15 min
 * vs 1 h). It is also the slack a run may start late by, and a success takes to reach the
 * enrichers, before they call the source stale: 1.5 s was within reach of a loaded 2-core CI box.
 */
const MAX_STALENESS = '2500ms';
/** How long "stays ready" is watched at least: several feed polls. */
const WATCH_MS = 3 * FEED_POLL_S * 1000 + 1000;
/** Feed polls misp-sync must complete while the readiness is watched. */
const WATCH_POLLS = 3;

type Json = Record<string, unknown>;

/** The feed: one event whose tag names it. */
const FEED_EVENT = {
  uuid: '6a0e2e00-0000-4000-8000-000000000001',
  info: 'e2e feed event',
  timestamp: 1_700_000_000,
  tags: ['Feed-E2E'],
  attributes: [{ uuid: '6a0e2e00-0000-4000-8000-0000000000a1', type: 'domain', value: 'feed-e2e.example' }],
};

/** The MISP server: a CIDR range and a domain, in an event tagged with its feed. */
const MISP_EVENT = {
  Event: {
    uuid: '6a0e2e00-0000-4000-8000-000000000002',
    info: 'e2e MISP event with a range',
    timestamp: '1700000000',
    date: '2025-01-01',
    Tag: [{ name: 'Feed-Ranges' }],
    Attribute: [
      { uuid: '6a0e2e00-0000-4000-8000-0000000000b1', type: 'ip-dst', category: 'Network activity', value: '198.51.100.0/24', to_ids: true, timestamp: '1700000000' },
      { uuid: '6a0e2e00-0000-4000-8000-0000000000b2', type: 'domain', category: 'Network activity', value: 'misp-e2e.example', to_ids: true, timestamp: '1700000000' },
    ],
  },
};

interface Readiness {
  readonly status: number;
  readonly body: string;
}

async function readiness(port: number): Promise<Readiness> {
  const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
  return { status: response.status, body: await response.text() };
}

/** The sum of a metric's samples whose labels include `labels` (0 when none). */
async function metric(port: number, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? ([0-9.e+-]+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const present = match[2] ?? '';
    if (Object.entries(labels).every(([label, value]) => present.includes(`${label}="${value}"`))) sum += Number(match[3]);
  }
  return sum;
}

/** Every record of some topics from the beginning, in a group of its own. */
class Collector {
  private readonly messages = new Map<string, KafkaConsumedMessage[]>();
  private readonly consumer: KafkaBatchConsumer;

  constructor(topics: readonly string[]) {
    for (const topic of topics) this.messages.set(topic, []);
    this.consumer = new KafkaBatchConsumer({ brokers: stackEndpoints().kafkaBrokers.split(','), clientId: 'e2e-fresh-collector', groupId: uniqueName('e2e-fresh-collector'), topics, fromBeginning: true });
  }

  async start(): Promise<void> {
    await this.consumer.run(async (batch) => {
      this.messages.get(batch.topic)?.push(...batch.messages);
    });
  }

  src(topic: string, key: string): unknown {
    const message = this.messages.get(topic)?.find((m) => String(m.key) === key);
    return message === undefined ? undefined : (JSON.parse(String(message.value)) as Json)['misp_src'];
  }

  async waitFor(topic: string, keys: readonly string[], timeoutMs = 30_000): Promise<void> {
    await pollUntil(() => keys.every((key) => this.src(topic, key) !== undefined), { timeoutMs, description: `${keys.length} keys on ${topic}` });
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
  }
}

describe('freshness end to end: each source judged by its own schedule, nothing silently unchecked', () => {
  const endpoints = stackEndpoints();
  const brokers = endpoints.kafkaBrokers.split(',');
  let memcached: MemcachedProcess;
  let feedDir: string;
  let producer: KafkaProducer;
  const services: ServiceProcess[] = [];
  /** Each deployment's id: every topic it created or its services did starts with it. */
  const runIds: string[] = [];

  beforeAll(async () => {
    await requireService('kafka');
    await requireService('memcached');
    feedDir = await mkdtemp(path.join(os.tmpdir(), 'iocflow-e2e-feed-'));
    await writeMispFeed(feedDir, [FEED_EVENT]);
    producer = new KafkaProducer({ brokers, clientId: 'e2e-fresh' });
    await producer.connect();
  });

  beforeEach(async () => {
    memcached = await MemcachedProcess.start();
  });

  afterEach(async () => {
    for (const service of services.splice(0)) await service.kill();
    await memcached?.stop();
  });

  afterAll(async () => {
    await producer?.disconnect();
    if (feedDir !== undefined) await rm(feedDir, { recursive: true, force: true });
    for (const id of runIds) await deleteRunTopics(id).catch(() => undefined);
  });

  /** One deployment's topics, the raw one created as users do. */
  async function deployment(name: string) {
    const id = uniqueName(`e2e-${name}`);
    const names = { id, raw: `${id}-raw`, iocs: `${id}-iocs`, memcachedOut: `${id}-enriched-mc`, tableOut: `${id}-enriched-table`, hits: `${id}-hits` };
    runIds.push(id);
    const admin = new KafkaAdmin({ brokers, clientId: id });
    await admin.connect();
    await admin.ensureTopics([
      { topic: names.raw, partitions: 2 },
      { topic: names.memcachedOut, partitions: 2 },
      { topic: names.tableOut, partitions: 2 },
    ]);
    await admin.disconnect();
    // The test events are dated 2023 and use documentation ranges (198.51.100.0/24): no expiry by age
    // and no warninglists here (issue 15; misp-sync's selection suite covers both).
    // The deployment's own hits topic: the default `threat-hits` is shared by every run on the stack.
    const base = { KAFKA_BROKERS: endpoints.kafkaBrokers, MEMCACHED_SERVERS: memcached.server, IOC_TOPIC: names.iocs, THREAT_HITS_TOPIC: names.hits, LOG_LEVEL: 'warn', IOC_EXPIRY: 'false', MISP_WARNINGLISTS: 'none' };
    return { names, base };
  }

  async function start(app: 'misp-sync' | 'enricher', env: NodeJS.ProcessEnv, name: string): Promise<{ service: ServiceProcess; port: number }> {
    const port = await freePort();
    const service = ServiceProcess.start(app, { ...env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1' }, [], name);
    services.push(service);
    return { service, port };
  }

  function enricherEnv(base: Json, raw: string, out: string, mode: 'memcached' | 'table'): NodeJS.ProcessEnv {
    return {
      ...(base as NodeJS.ProcessEnv),
      RAW_LOGS_TOPIC: raw,
      ENRICHED_LOGS_TOPIC: out,
      ENRICHER_GROUP_ID: `${out}-group`,
      ENRICHER_LOOKUP_MODE: mode,
      ENRICHER_MAX_STALENESS: MAX_STALENESS,
      ENRICHER_PROBE_INTERVAL: '250ms',
      ENRICHER_RETRY_MAX: '500ms',
    };
  }

  /** misp-sync as a daemon with `syncEnv`, and one enricher per lookup mode on the deployment's raw topic, all ready; a collector of their outputs. */
  async function startServices(names: Awaited<ReturnType<typeof deployment>>['names'], base: Json, syncEnv: NodeJS.ProcessEnv) {
    const sync = await start('misp-sync', syncEnv, 'misp-sync');
    const mc = await start('enricher', enricherEnv(base, names.raw, names.memcachedOut, 'memcached'), 'enricher-memcached');
    const table = await start('enricher', enricherEnv(base, names.raw, names.tableOut, 'table'), 'enricher-table');
    for (const { service, port } of [sync, mc, table]) await service.waitReady(port, 90_000);
    const collector = new Collector([names.memcachedOut, names.tableOut]);
    await collector.start();
    return { sync, mc, table, collector };
  }

  /**
   * For `ms`, and on until misp-sync completed WATCH_POLLS feed polls (a slow machine stretches
   * them; the rule is "ready over several polls", not "several polls in `ms`"): both enrichers'
   * readiness every 250 ms (every answer must be 200), and one event a second that must come out
   * of both. Returns how many feed polls misp-sync completed meanwhile.
   */
  async function watchReady(ms: number, raw: string, outs: readonly string[], ports: readonly number[], syncPort: number, collector: Collector, event: Json, expected: string): Promise<number> {
    const pollsBefore = await metric(syncPort, 'iocflow_misp_sync_duration_seconds_count', { mode: 'feed', outcome: 'success' });
    const started = Date.now();
    const keys: string[] = [];
    const notReady: string[] = [];
    let nextEvent = started;
    let polls = 0;
    while (Date.now() - started < ms || (polls < WATCH_POLLS && Date.now() - started < 4 * ms)) {
      for (const port of ports) {
        const state = await readiness(port);
        if (state.status !== 200) notReady.push(`${Date.now() - started} ms :${port} ${state.status} ${state.body}`);
      }
      if (Date.now() >= nextEvent) {
        const key = `watch-${keys.length}`;
        keys.push(key);
        await producer.send([{ topic: raw, key, value: JSON.stringify({ ...event, labels: { e2e: key } }) }]);
        nextEvent += 1000;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
      polls = (await metric(syncPort, 'iocflow_misp_sync_duration_seconds_count', { mode: 'feed', outcome: 'success' })) - pollsBefore;
    }
    expect(notReady).toEqual([]);
    for (const out of outs) {
      await collector.waitFor(out, keys);
      expect(keys.map((key) => collector.src(out, key))).toEqual(keys.map(() => expected));
    }
    return polls;
  }

  it('a feed-only deployment stays ready over several feed polls (memcached and table mode); when misp-sync dies both hold, naming the feed', async () => {
    const { names, base } = await deployment('feed-only');
    const { sync, mc, table, collector } = await startServices(names, base, { ...base, FEED_URL: feedDir, FEED_NAME: 'Feed-E2E', FEED_POLL_INTERVAL: `${FEED_POLL_S}s`, SYNC_HEARTBEAT_INTERVAL: '500ms' });
    try {
      const polls = await watchReady(WATCH_MS, names.raw, [names.memcachedOut, names.tableOut], [mc.port, table.port], sync.port, collector, { destination: { domain: 'www.feed-e2e.example' } }, 'Feed-E2E');
      expect(polls).toBeGreaterThanOrEqual(WATCH_POLLS);

      await sync.service.kill();
      for (const port of [mc.port, table.port]) {
        const lapsed = await pollUntil(
          async () => {
            const state = await readiness(port);
            return state.status === 503 ? state : false;
          },
          { timeoutMs: (FEED_POLL_S + 30) * 1000, description: `enricher :${port} not ready once the feed missed its schedule` },
        );
        expect(lapsed.body).toContain('source feed:Feed-E2E missed its schedule');
        await pollUntil(async () => (await metric(port, 'iocflow_enricher_source_stale', { source: 'feed:Feed-E2E' })) === 1, { timeoutMs: 15_000, description: 'the per-source gauge' });
      }
      // Held, not answered: nothing comes out while the intelligence is stale.
      await producer.send([{ topic: names.raw, key: 'after-death', value: JSON.stringify({ destination: { domain: 'feed-e2e.example' } }) }]);
      await pollUntil(async () => (await metric(table.port, 'iocflow_enricher_store_unavailable_total', { code: 'STORE_STALE' })) > 0 && (await metric(mc.port, 'iocflow_enricher_store_unavailable_total', { code: 'STORE_STALE' })) > 0, {
        timeoutMs: 30_000,
        description: 'both enrichers holding',
      });
      expect([collector.src(names.memcachedOut, 'after-death'), collector.src(names.tableOut, 'after-death')]).toEqual([undefined, undefined]);
    } finally {
      await collector.stop();
    }
  });

  it('MISP plus a feed stays ready over several feed polls, a CIDR matches in memcached mode, an event without observables is no_observable; the table-mode enricher holds while misp-sync is dead and resumes when it is back', async () => {
    const { names, base } = await deployment('misp-feed');
    const standin = new MispStandin({ apiKey: API_KEY, fixtures: [], warninglists: false, documents: [MISP_EVENT] });
    const { url } = await standin.start();
    try {
      const syncEnv = { ...base, MISP_URL: url, MISP_API_KEY: API_KEY, MISP_INITIAL_LOOKBACK: '0', MISP_POLL_INTERVAL: '1s', FEED_URL: feedDir, FEED_NAME: 'Feed-E2E', FEED_POLL_INTERVAL: `${FEED_POLL_S}s`, SYNC_HEARTBEAT_INTERVAL: '500ms' };
      const { sync, mc, table, collector } = await startServices(names, base, syncEnv);
      try {
        const polls = await watchReady(WATCH_MS, names.raw, [names.memcachedOut, names.tableOut], [mc.port, table.port], sync.port, collector, { source: { ip: '198.51.100.77' } }, 'Feed-Ranges');
        expect(polls).toBeGreaterThanOrEqual(WATCH_POLLS);

        const events: Record<string, Json> = {
          range: { destination: { ip: '198.51.100.200' } },
          'outside-range': { destination: { ip: '198.51.101.1' } },
          'misp-domain': { dns: { question: { name: 'a.misp-e2e.example' } } },
          'feed-domain': { destination: { domain: 'feed-e2e.example' } },
          'no-observable': { message: 'user logged in', user: { name: 'alice' } },
        };
        await producer.send(Object.entries(events).map(([key, event]) => ({ topic: names.raw, key, value: JSON.stringify(event) })));
        const expected = { range: 'Feed-Ranges', 'outside-range': 'none', 'misp-domain': 'Feed-Ranges', 'feed-domain': 'Feed-E2E', 'no-observable': 'none' };
        for (const out of [names.memcachedOut, names.tableOut]) {
          await collector.waitFor(out, Object.keys(events));
          expect(Object.fromEntries(Object.keys(events).map((key) => [key, collector.src(out, key)]))).toEqual(expected);
        }
        for (const port of [mc.port, table.port]) {
          // Counted once the output is acknowledged, which the collector can see first: waited for.
          await pollUntil(async () => (await metric(port, 'iocflow_enricher_events_out_total', { outcome: 'no_observable' })) >= 1 && (await metric(port, 'iocflow_enricher_events_out_total', { outcome: 'miss' })) >= 1, {
            timeoutMs: 30_000,
            description: `enricher :${port} counted the no_observable and the miss`,
          });
          expect(await metric(port, 'iocflow_enricher_events_out_total', { outcome: 'no_observable' })).toBe(1);
          expect(await metric(port, 'iocflow_enricher_events_out_total', { outcome: 'miss' })).toBe(1);
        }
        expect(await metric(mc.port, 'iocflow_enricher_ip_ranges_followed')).toBe(1);
        expect(await metric(mc.port, 'iocflow_enricher_ip_ranges_unchecked_total')).toBe(0);

        // misp-sync dies: the IOC topic's freshness record lapses and the table-mode enricher holds.
        await sync.service.kill();
        const lapsed = await pollUntil(
          async () => {
            const state = await readiness(table.port);
            return state.status === 503 ? state : false;
          },
          { timeoutMs: 45_000, description: 'table-mode enricher not ready once MISP missed its schedule' },
        );
        expect(lapsed.body).toContain('freshness record');
        expect(lapsed.body).toContain('source misp missed its schedule');
        await producer.send([{ topic: names.raw, key: 'while-dead', value: JSON.stringify({ destination: { ip: '198.51.100.9' } }) }]);
        await pollUntil(async () => (await metric(table.port, 'iocflow_enricher_store_unavailable_total', { code: 'STORE_STALE' })) > 0, { timeoutMs: 30_000, description: 'the table-mode enricher holding' });
        expect(collector.src(names.tableOut, 'while-dead')).toBeUndefined();

        // misp-sync is back (restored from Kafka): the held event comes out, and right.
        await start('misp-sync', syncEnv, 'misp-sync-restarted');
        await collector.waitFor(names.tableOut, ['while-dead'], 60_000);
        expect(collector.src(names.tableOut, 'while-dead')).toBe('Feed-Ranges');
        await collector.waitFor(names.memcachedOut, ['while-dead'], 60_000);
        expect(collector.src(names.memcachedOut, 'while-dead')).toBe('Feed-Ranges');
      } finally {
        await collector.stop();
      }
    } finally {
      await standin.stop();
    }
  });
});
