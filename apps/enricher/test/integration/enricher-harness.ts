import { formatSyncSentinel, SYNC_SENTINEL_KEY } from '@iocflow/core';
import { KafkaAdmin, KafkaBatchConsumer, KafkaProducer, MemcachedClient, type KafkaConsumedMessage, type KafkaProducedRecord } from '@iocflow/io';
import { standaloneContext } from '@iocflow/nest';
import { pollUntil, stackEndpoints, uniqueName } from '@iocflow/testing';
import { Registry } from 'prom-client';
import { loadEnricherConfig, type EnricherConfig } from '../../src/enricher.config';
import { EnricherRuntime } from '../../src/enricher.runtime';

export const kafkaBrokers = (): string => stackEndpoints().kafkaBrokers;

/** Topics and a consumer group no other test run uses. */
export interface RunNames {
  readonly raw: string;
  readonly enriched: string;
  readonly dlq: string;
  readonly ioc: string;
  /** The hits topic (THREAT_HITS_TOPIC): a run's own, never the shared default. */
  readonly hits: string;
  readonly group: string;
}

export function runNames(prefix: string): RunNames {
  const raw = uniqueName(`${prefix}-raw`);
  return { raw, enriched: uniqueName(`${prefix}-enriched`), dlq: `${raw}-dlq`, ioc: uniqueName(`${prefix}-iocs`), hits: uniqueName(`${prefix}-hits`), group: uniqueName(`${prefix}-group`) };
}

export async function createTopics(names: RunNames, partitions = 3): Promise<void> {
  const admin = new KafkaAdmin({ brokers: kafkaBrokers(), clientId: 'enricher-it-admin' });
  await admin.connect();
  try {
    await admin.ensureTopics([
      { topic: names.raw, partitions },
      { topic: names.enriched, partitions },
      { topic: names.dlq, partitions },
      { topic: names.ioc, partitions: 2, compacted: true },
      { topic: names.hits, partitions },
    ]);
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(names: RunNames): Promise<void> {
  const admin = new KafkaAdmin({ brokers: kafkaBrokers(), clientId: 'enricher-it-admin' });
  await admin.connect();
  try {
    await admin.deleteTopics([names.raw, names.enriched, names.dlq, names.ioc, names.hits]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

export function enricherConfig(names: RunNames, memcachedServers: string, env: Record<string, string> = {}): EnricherConfig {
  return loadEnricherConfig({
    KAFKA_BROKERS: kafkaBrokers(),
    MEMCACHED_SERVERS: memcachedServers,
    RAW_LOGS_TOPIC: names.raw,
    ENRICHED_LOGS_TOPIC: names.enriched,
    IOC_TOPIC: names.ioc,
    THREAT_HITS_TOPIC: names.hits,
    ENRICHER_GROUP_ID: names.group,
    ENRICHER_PROBE_INTERVAL: '200ms',
    ENRICHER_RETRY_INITIAL: '50ms',
    ENRICHER_RETRY_MAX: '300ms',
    ENRICHER_CACHE_TTL: '0',
    ENRICHER_TABLE_RELOAD: '0',
    LOG_LEVEL: 'warn',
    ...env,
  });
}

/** The real runtime in this process, with its own metrics registry. */
export async function startEnricher(config: EnricherConfig): Promise<{ runtime: EnricherRuntime; registry: Registry }> {
  const registry = new Registry();
  const runtime = new EnricherRuntime(config, standaloneContext('enricher-it', 'warn', registry));
  await runtime.start();
  return { runtime, registry };
}

export async function counterValues(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as { value: number; labels: Record<string, string | number> }[];
  return Object.fromEntries(values.map((v) => [Object.values(v.labels).join(',') || 'total', v.value]));
}

export async function produce(records: readonly KafkaProducedRecord[]): Promise<void> {
  const producer = new KafkaProducer({ brokers: kafkaBrokers(), clientId: 'enricher-it-producer' });
  await producer.connect();
  try {
    await producer.send(records);
  } finally {
    await producer.disconnect();
  }
}

/** Collects every record of some topics from the beginning, in its own consumer group. */
export class TopicCollector {
  readonly messages = new Map<string, (KafkaConsumedMessage & { partition: number })[]>();
  private readonly consumer: KafkaBatchConsumer;

  constructor(topics: readonly string[]) {
    for (const topic of topics) this.messages.set(topic, []);
    this.consumer = new KafkaBatchConsumer({ brokers: kafkaBrokers(), clientId: 'enricher-it-collector', groupId: uniqueName('enricher-it-collector'), topics, fromBeginning: true });
  }

  async start(): Promise<void> {
    await this.consumer.run(async (batch) => {
      this.messages.get(batch.topic)?.push(...batch.messages.map((m) => ({ ...m, partition: batch.partition })));
    });
  }

  of(topic: string): (KafkaConsumedMessage & { partition: number })[] {
    return this.messages.get(topic) ?? [];
  }

  json(topic: string): Record<string, unknown>[] {
    return this.of(topic).map((m) => JSON.parse(String(m.value)) as Record<string, unknown>);
  }

  async waitFor(topic: string, count: number, timeoutMs = 60_000): Promise<void> {
    await pollUntil(() => this.of(topic).length >= count, { timeoutMs, description: `${count} records on ${topic} (have ${this.of(topic).length})` });
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
  }
}

/** Write indicators the way misp-sync does (`<kind>-<value>` → feeds) and a sentinel of the given age (null: no sentinel). */
export async function seedMemcached(client: MemcachedClient, indicators: Record<string, string>, sentinelAgeMs: number | null = 0): Promise<void> {
  await client.setMany(Object.entries(indicators).map(([key, value]) => ({ key, value })));
  if (sentinelAgeMs === null) await client.delete(SYNC_SENTINEL_KEY);
  else await client.set(SYNC_SENTINEL_KEY, formatSyncSentinel({ lastSuccessAt: new Date(Date.now() - sentinelAgeMs).toISOString(), indicatorCount: Object.keys(indicators).length }));
}

export function record(topic: string, key: string, value: string | Buffer | null, headers: Record<string, string> = {}): KafkaProducedRecord {
  return { topic, key, value, headers };
}
