/**
 * Update-to-effect (issue 16): from a change in MISP to the first event enriched with it, end to
 * end on the local stack. The built misp-sync (daemon, REST poll every hour so only the live path
 * can be fast) follows MISP's Kafka notifications; the built enricher enriches raw-logs.
 *
 *   t0      an attribute is added in the MISP stand-in, and its notification — what MISP's Kafka
 *           plugin publishes on `misp_attribute`, rendered by the stand-in — is produced to the
 *           notifications topic at once (MISP publishes in its afterSave);
 *   probes  every PROBE_MS an event whose destination.domain is the new value goes to raw-logs
 *           (from 1 s before t0 on, so the enricher has looked it up and cached the miss, as it
 *           would for real traffic);
 *   effect  the Kafka timestamp of the first enriched record of a probe that carries the match.
 *
 * Baseline in the same run: the pipeline latency of a probe for an indicator that is already
 * known (produce → enriched record timestamp). update-to-effect − baseline is what the change
 * itself costs (notification → misp-sync refresh from MISP → memcached / the indicator topic →
 * the enricher's lookup, through its ENRICHER_CACHE_TTL of cached misses).
 *
 * Run: `npm run bench update-to-effect` (after `npm run build`), or
 * `node dist/bench/update-to-effect.js`; BENCH_TRIALS (10), BENCH_LOOKUP_MODE (memcached|table).
 * Uses a private memcached and unique topics: the shared stack's state is not touched.
 */
import { randomUUID } from 'node:crypto';
import { KafkaAdmin, KafkaProducer, KafkaTopicReader } from '@iocflow/io';
import { MispStandin } from '@iocflow/misp-standin';
import { MemcachedProcess, ServiceProcess, freePort, stackEndpoints, uniqueName } from '@iocflow/testing';

const URSNIF_EVENT = '5b646415-7b48-40d5-86b4-c0070acd0835'; // pymisp sighting_1.json
const FEED = 'Feed-UpdateToEffect';
const API_KEY = 'bench0key0000000000000000000000000000000';
const PROBE_MS = 50;
const TRIALS = Number(process.env['BENCH_TRIALS'] ?? 10);
const MODE = process.env['BENCH_LOOKUP_MODE'] === 'table' ? 'table' : 'memcached';

interface Enriched {
  readonly domain: string;
  readonly matched: boolean;
  readonly producedAt: number;
  readonly enrichedAt: number;
}

async function main(): Promise<void> {
  const id = uniqueName('u2e');
  const topics = { raw: `${id}-raw`, enriched: `${id}-enriched`, iocs: `${id}-iocs`, notifications: `${id}-misp-attribute` };
  const brokers = stackEndpoints().kafkaBrokers;
  const admin = new KafkaAdmin({ brokers, clientId: id });
  await admin.ensureTopics([
    { topic: topics.raw, partitions: 1 },
    { topic: topics.notifications, partitions: 1 },
  ]);
  const standin = new MispStandin({ apiKey: API_KEY, fixtures: ['pymisp/tests/reportlab_testfiles/sighting_1.json'], eventTags: { [URSNIF_EVENT]: [FEED, 'tlp:white'] } });
  await standin.start();
  const known = `known-${id}.example`;
  standin.addAttribute(URSNIF_EVENT, { type: 'domain', value: known, toIds: true });
  const memcached = await MemcachedProcess.start();
  const env = {
    KAFKA_BROKERS: brokers,
    MEMCACHED_SERVERS: memcached.server,
    MISP_URL: standin.url,
    MISP_API_KEY: API_KEY,
    MISP_INITIAL_LOOKBACK: '36500d',
    IOC_EXPIRY: 'false',
    MISP_PUBLISHED_ONLY: 'false',
    MISP_POLL_INTERVAL: '1h',
    MISP_NOTIFICATIONS_TOPIC: topics.notifications,
    MISP_NOTIFICATIONS_GROUP: `${id}-notifications`,
    RAW_LOGS_TOPIC: topics.raw,
    ENRICHED_LOGS_TOPIC: topics.enriched,
    IOC_TOPIC: topics.iocs,
    ENRICHER_GROUP_ID: `${id}-enricher`,
    ENRICHER_LOOKUP_MODE: MODE,
    LOG_LEVEL: 'warn',
  };
  const services: ServiceProcess[] = [];
  const producer = new KafkaProducer({ brokers, clientId: `${id}-producer` });
  const reader = new KafkaTopicReader({ brokers, clientId: `${id}-reader` });
  const seen = new Map<string, Enriched>();
  try {
    const syncPort = await freePort();
    const sync = ServiceProcess.start('misp-sync', { ...env, HTTP_PORT: String(syncPort) });
    services.push(sync);
    await sync.waitReady(syncPort, 120_000);
    const enricherPort = await freePort();
    const enricher = ServiceProcess.start('enricher', { ...env, HTTP_PORT: String(enricherPort) });
    services.push(enricher);
    await enricher.waitReady(enricherPort, 120_000);
    await producer.connect();

    const baseline: number[] = [];
    // the enriched topic, followed: the first match per domain (and every probe's latency)
    const following = reader.read(
      topics.enriched,
      async (batch) => {
        for (const message of batch.messages) {
          const event = JSON.parse(String(message.value)) as { destination?: { domain?: string }; misp_src?: string; labels?: { produced_at?: number } };
          const domain = event.destination?.domain ?? '';
          const matched = event.misp_src !== undefined && event.misp_src !== 'none' && event.misp_src !== 'unknown';
          const record = { domain, matched, producedAt: event.labels?.produced_at ?? 0, enrichedAt: Number(message.timestamp) };
          if (matched && !seen.has(domain)) seen.set(domain, record);
          if (domain === known) baseline.push(record.enrichedAt - record.producedAt);
        }
      },
      { follow: true },
    );
    const probe = async (domain: string): Promise<void> => {
      const now = Date.now();
      await producer.send([{ topic: topics.raw, key: domain, value: JSON.stringify({ '@timestamp': new Date(now).toISOString(), destination: { domain }, labels: { produced_at: now } }) }]);
    };
    // the pipeline warm and the known indicator visible before measuring
    await until(async () => {
      await probe(known);
      await sleep(200);
      return seen.has(known);
    }, 120_000);
    baseline.length = 0;

    const effects: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const domain = `new-${trial}-${randomUUID().slice(0, 8)}.${id}.example`;
      const warmUntil = Date.now() + 1000;
      while (Date.now() < warmUntil) {
        await probe(domain);
        await probe(known);
        await sleep(PROBE_MS);
      }
      const t0 = Date.now();
      standin.addAttribute(URSNIF_EVENT, { type: 'domain', value: domain, toIds: true });
      const notification = standin.notifications().at(-1);
      await producer.send([{ topic: topics.notifications, key: null, value: JSON.stringify(notification?.message) }]);
      await until(async () => {
        await probe(domain);
        await probe(known);
        await sleep(PROBE_MS);
        return seen.has(domain);
      }, 60_000);
      const effect = (seen.get(domain)?.enrichedAt ?? Number.NaN) - t0;
      effects.push(effect);
      console.log(`trial ${trial + 1}/${TRIALS}: update-to-effect ${effect} ms`);
    }
    await reader.stop();
    await following.catch(() => undefined);

    const summary = (values: readonly number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
      return { median: at(0.5), p90: at(0.9), max: sorted.at(-1) ?? Number.NaN, n: sorted.length };
    };
    const effect = summary(effects);
    const base = summary(baseline);
    console.log(
      JSON.stringify({
        bench: 'update-to-effect',
        lookupMode: MODE,
        probeIntervalMs: PROBE_MS,
        updateToEffectMs: effect,
        baselinePipelineLatencyMs: base,
        ratioMedian: Number((effect.median / base.median).toFixed(1)),
        propagationMedianMs: effect.median - base.median,
        goalMet: effect.max <= 5000,
      }),
    );
  } finally {
    for (const service of services) await service.stop(30_000).catch(() => service.kill());
    await producer.disconnect().catch(() => undefined);
    await reader.stop().catch(() => undefined);
    await admin.deleteTopics(Object.values(topics)).catch(() => undefined);
    await admin.deleteTopics([`${topics.iocs}-sync-state`]).catch(() => undefined);
    await admin.disconnect();
    await memcached.stop();
    await standin.stop();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
