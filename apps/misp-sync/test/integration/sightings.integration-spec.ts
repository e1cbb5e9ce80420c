import { buildThreatHit } from '@iocflow/core';
import { KafkaAdmin, KafkaProducer } from '@iocflow/io';
import { standaloneContext } from '@iocflow/nest';
import { pollUntil, stackEndpoints, uniqueName } from '@iocflow/testing';
import { Registry } from 'prom-client';
import { loadMispSyncConfig } from '../../src/misp-sync.config';
import { MispSyncRuntime } from '../../src/misp-sync.runtime';
import { createHarness, type Harness } from './misp-sync-harness';

const HOUR = 3_600_000;

/**
 * Sightings on the real stack: hits on a real Kafka topic, misp-sync's sightings consumer, the
 * MISP stand-in recording the sightings. One sighting per indicator per window across a restart;
 * nothing lost while MISP is down.
 */
describe('misp-sync sightings, against real Kafka and the MISP stand-in', () => {
  let harness: Harness;
  let producer: KafkaProducer;
  const hitsTopic = uniqueName('misp-sync-it-hits');
  const stateTopic = `${hitsTopic}-sightings`;
  const group = uniqueName('misp-sync-it-sightings');
  const windowStart = Math.floor(Date.now() / HOUR) * HOUR;
  let offset = 0;

  /** Domain values the fixtures hold (live), and how many live attributes hold each. */
  function fixtureDomains(): { value: string; holders: number }[] {
    const attributes = harness.standin.model.search.search({ deleted: new Set([false]), includeEventTags: false, enforceWarninglist: false, types: new Set(['domain']) }).attributes;
    const values = [...new Set(attributes.map((attribute) => attribute.value.toLowerCase()))].slice(0, 3);
    return values.map((value) => ({ value, holders: attributes.filter((attribute) => attribute.value.toLowerCase() === value).length }));
  }

  async function produceHits(value: string, count: number, eventMs: number): Promise<void> {
    const records = Array.from({ length: count }, () => {
      const at = offset++;
      const hit = buildThreatHit({ mode: 'live', origin: { topic: 'raw', partition: 0, offset: String(at) }, document: { id: `raw-0-${at}` }, eventTimestamp: eventMs, match: { field: 'destination.domain', atomic: value, kind: 'domain', indicator: value, feeds: ['Feed-It'] }, atMs: Date.now() });
      return { topic: hitsTopic, key: hit.iocflow.hit.id, value: JSON.stringify(hit) };
    });
    await producer.send(records);
  }

  async function startSync(): Promise<{ runtime: MispSyncRuntime; registry: Registry }> {
    const config = loadMispSyncConfig({
      ...harness.env,
      MISP_SIGHTINGS_ENABLED: 'true',
      THREAT_HITS_TOPIC: hitsTopic,
      MISP_SIGHTINGS_GROUP: group,
      MISP_SIGHTINGS_WINDOW: '1h',
      MISP_SIGHTINGS_RATE: '50',
      MISP_SIGHTINGS_HOLD_MAX: '2s',
      MISP_POLL_INTERVAL: '1h',
    });
    const registry = new Registry();
    const runtime = new MispSyncRuntime(config, standaloneContext('misp-sync-it', 'error', registry));
    await runtime.start();
    return { runtime, registry };
  }

  const counter = async (registry: Registry, name: string): Promise<number> => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    return ((metric?.values ?? []) as { value: number }[]).reduce((sum, v) => sum + v.value, 0);
  };
  const sightingsOf = (value: string): number => {
    const ids = new Set(harness.standin.model.search.search({ deleted: new Set([false]), includeEventTags: false, enforceWarninglist: false, types: new Set(['domain']) }).attributes.filter((a) => a.value.toLowerCase() === value).map((a) => String(a.id)));
    return harness.standin.sightings().filter((s) => ids.has(s.attribute_id)).length;
  };

  beforeAll(async () => {
    harness = await createHarness();
    const admin = new KafkaAdmin({ brokers: stackEndpoints().kafkaBrokers, clientId: 'misp-sync-it-admin' });
    await admin.connect();
    await admin.ensureTopics([{ topic: hitsTopic, partitions: 2 }]);
    await admin.disconnect();
    producer = new KafkaProducer({ brokers: stackEndpoints().kafkaBrokers, clientId: 'misp-sync-it-hits' });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    const admin = new KafkaAdmin({ brokers: stackEndpoints().kafkaBrokers, clientId: 'misp-sync-it-admin' });
    await admin.connect();
    await admin.deleteTopics([hitsTopic, stateTopic, harness.iocTopic, `${harness.iocTopic}-sync-state`]).catch(() => undefined);
    await admin.disconnect();
    await harness?.stop();
  });

  it('sends one sighting per indicator per window, also across a restart, and holds (losing nothing) while MISP is down', async () => {
    const [first, second, third] = fixtureDomains();
    if (first === undefined || second === undefined || third === undefined) throw new Error('the fixtures hold fewer than 3 domains');

    // many hits of two indicators in one window → one sighting each
    await produceHits(first.value, 5, windowStart + 1000);
    await produceHits(second.value, 2, windowStart + 2000);
    const one = await startSync();
    await pollUntil(async () => (await counter(one.registry, 'iocflow_misp_sync_sightings_sent_total')) === 2, { timeoutMs: 60_000, description: 'two sightings sent' });
    expect([sightingsOf(first.value), sightingsOf(second.value)]).toEqual([first.holders, second.holders]);
    expect(harness.standin.sightings().every((s) => s.source === 'iocflow' && s.date_sighting === String(windowStart / 1000))).toBe(true);
    await one.runtime.stop();

    // a new process, more hits in the same window: nothing new in MISP
    await produceHits(first.value, 3, windowStart + 3000);
    const two = await startSync();
    await pollUntil(async () => (await counter(two.registry, 'iocflow_misp_sync_sightings_suppressed_total')) >= 3, { timeoutMs: 60_000, description: 'the restarted consumer suppressed the 3 hits' });
    expect(await counter(two.registry, 'iocflow_misp_sync_sightings_sent_total')).toBe(0);
    expect([sightingsOf(first.value), sightingsOf(second.value)]).toEqual([first.holders, second.holders]);

    // MISP down while a sighting is pending: held and retried, sent once it is back
    const port = Number(new URL(harness.standin.url).port);
    await harness.standin.stop();
    await produceHits(third.value, 4, windowStart + 4000);
    await pollUntil(async () => (await counter(two.registry, 'iocflow_misp_sync_sightings_retries_total')) >= 2, { timeoutMs: 60_000, description: 'sighting requests retried while MISP is down' });
    expect(sightingsOf(third.value)).toBe(0);
    await harness.standin.start(port);
    await pollUntil(async () => sightingsOf(third.value) === third.holders, { timeoutMs: 60_000, description: 'the held sighting reached MISP' });
    await pollUntil(async () => (await counter(two.registry, 'iocflow_misp_sync_sightings_sent_total')) === 1, { timeoutMs: 10_000, description: 'one sighting counted sent' });
    expect(sightingsOf(third.value)).toBe(third.holders);
    expect(await counter(two.registry, 'iocflow_misp_sync_sightings_failed_total')).toBe(0);
    await two.runtime.stop();
  });
});
