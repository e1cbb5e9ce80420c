import { readFileSync } from 'node:fs';
import { ElasticsearchClient, KafkaAdmin, KafkaBatchConsumer, KafkaProducer, KafkaTopicReader, type KafkaConsumedMessage } from '@iocflow/io';
import { JsonLogger } from '@iocflow/nest';
import { fixturePath, pollUntil, stackEndpoints, uniqueName, zeekLogAsEcs } from '@iocflow/testing';
import { Registry } from 'prom-client';
import { IndexerMetrics } from '../../src/pipeline/indexer.metrics';
import { IndexerPipeline, type IndexerPipelineOptions } from '../../src/pipeline/indexer.pipeline';

/** Real DNS logs (Zeek's own dns.log, test/fixtures/zeek) as ECS documents, dressed as enricher output. */
export function enrichedEvents(count: number, timestamp?: string): string[] {
  const documents = zeekLogAsEcs(readFileSync(fixturePath('zeek/testing/btest/Baseline/opt.basic/dns.log'), 'utf8'));
  return Array.from({ length: count }, (_, i) => {
    const base = documents[i % documents.length]!;
    const hit = i % 5 === 0;
    return JSON.stringify({
      ...base,
      ...(timestamp === undefined ? {} : { '@timestamp': timestamp }),
      event: { ...(base['event'] as object), id: `evt-${i}` },
      misp_src: hit ? 'Feed-RansomwareTracker' : 'none',
      ...(hit
        ? {
            threat: {
              enrichments: [
                {
                  indicator: {
                    type: 'domain-name',
                    provider: 'Feed-RansomwareTracker',
                    url: { domain: 'wikimedia.org' },
                    marking: { tlp: 'AMBER' },
                    confidence: 'High',
                    first_seen: '2024-06-01T08:00:00.000000+00:00',
                    last_seen: '2025-04-30T17:30:00.000Z',
                  },
                  matched: { atomic: 'upload.wikimedia.org', field: 'dns.question.name', type: 'indicator_match_rule' },
                },
              ],
            },
          }
        : {}),
    });
  });
}

export interface IndexerRun {
  readonly topic: string;
  readonly dlq: string;
  readonly group: string;
  readonly prefix: string;
}

export function runNames(label: string): IndexerRun {
  const topic = uniqueName(`indexer-it-${label}`);
  return { topic, dlq: `${topic}-dlq`, group: `${topic}-group`, prefix: uniqueName(`iocflow-it-${label}`) };
}

const brokers = (): string => stackEndpoints().kafkaBrokers;
const quietLogger = new JsonLogger('indexer-it', 'error');

export function elasticsearch(url = stackEndpoints().elasticsearchUrl): ElasticsearchClient {
  return new ElasticsearchClient({ url, requestTimeoutMs: 10_000 });
}

export async function createTopics(run: IndexerRun, partitions = 3): Promise<void> {
  const admin = new KafkaAdmin({ brokers: brokers(), clientId: 'indexer-it-admin', logger: quietLogger.child('kafka') });
  try {
    await admin.ensureTopics([
      { topic: run.topic, partitions },
      { topic: run.dlq, partitions: 1 },
    ]);
  } finally {
    await admin.disconnect();
  }
}

export async function cleanUp(run: IndexerRun, es: ElasticsearchClient): Promise<void> {
  const admin = new KafkaAdmin({ brokers: brokers(), clientId: 'indexer-it-admin', logger: quietLogger.child('kafka') });
  try {
    await admin.deleteTopics([run.topic, run.dlq]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
  await es.request('DELETE', `/${run.prefix}-*`).catch(() => undefined);
  await es.request('DELETE', `/_index_template/${run.prefix}-template`).catch(() => undefined);
}

/** Produces records round-robin over the partitions (null keys), acknowledged by the brokers. */
export async function produce(topic: string, values: readonly string[]): Promise<void> {
  const producer = new KafkaProducer({ brokers: brokers(), clientId: 'indexer-it-producer', logger: quietLogger.child('kafka') });
  try {
    await producer.connect();
    for (let i = 0; i < values.length; i += 500) {
      await producer.send(values.slice(i, i + 500).map((value, j) => ({ topic, key: `k-${i + j}`, value })));
    }
  } finally {
    await producer.disconnect();
  }
}

export async function readAll(topic: string): Promise<KafkaConsumedMessage[]> {
  const reader = new KafkaTopicReader({ brokers: brokers(), clientId: 'indexer-it-reader', logger: quietLogger.child('kafka') });
  const messages: KafkaConsumedMessage[] = [];
  try {
    await reader.read(topic, async (batch) => {
      messages.push(...batch.messages);
    });
  } finally {
    await reader.stop();
  }
  return messages;
}

export async function groupLag(run: IndexerRun): Promise<number> {
  const admin = new KafkaAdmin({ brokers: brokers(), clientId: 'indexer-it-admin', logger: quietLogger.child('kafka') });
  try {
    const lags = await admin.consumerGroupLag(run.group, run.topic);
    return lags.reduce((sum, partition) => sum + partition.lag, 0);
  } finally {
    await admin.disconnect();
  }
}

export interface RunningIndexer {
  readonly pipeline: IndexerPipeline;
  readonly registry: Registry;
  stop(): Promise<void>;
}

/** The real pipeline over the real owners, in this process. */
export async function startIndexer(
  run: IndexerRun,
  overrides: Partial<IndexerPipelineOptions> & { elasticsearchUrl?: string; group?: string } = {},
): Promise<RunningIndexer> {
  const registry = new Registry();
  const connection = { brokers: brokers(), logger: quietLogger.child('kafka') };
  const consumer = new KafkaBatchConsumer({
    ...connection,
    clientId: 'indexer-it',
    groupId: overrides.group ?? run.group,
    topics: [run.topic],
    fromBeginning: true,
    partitionsConsumedConcurrently: 3,
    maxWaitTimeMs: 100,
    // the suite runs in either commit mode: INDEXER_COMMIT_MODE=on-acknowledge npx nx run indexer:integration
    commitMode: process.env['INDEXER_COMMIT_MODE'] === 'on-acknowledge' ? 'on-acknowledge' : 'after-handler',
  });
  const deadLetters = new KafkaProducer({ ...connection, clientId: 'indexer-it-dlq' });
  await deadLetters.connect();
  const es = elasticsearch(overrides.elasticsearchUrl);
  const pipeline = new IndexerPipeline(
    {
      target: { kind: 'daily', prefix: run.prefix },
      deadLetterTopic: run.dlq,
      bulkMaxDocuments: 200,
      bulkMaxBytes: 5 * 1_048_576,
      bulkLingerMs: 20,
      bulkConcurrency: 2,
      retryInitialMs: 50,
      retryMaxMs: 500,
      holdMaxMs: 20_000,
      shutdownTimeoutMs: 10_000,
      numberOfShards: 1,
      numberOfReplicas: 0,
      ...overrides,
    },
    { consumer, deadLetters, elasticsearch: es, metrics: new IndexerMetrics(registry), logger: quietLogger.child('indexer.pipeline') },
  );
  try {
    await pipeline.start();
  } catch (error) {
    // a start refused (data-stream mode on a cluster without them) leaves nothing running
    await deadLetters.disconnect();
    await es.close();
    throw error;
  }
  return {
    pipeline,
    registry,
    stop: async () => {
      await pipeline.stop();
      await deadLetters.disconnect();
      await es.close();
    },
  };
}

export async function metricTotal(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as { value: number; labels: Record<string, string | number> }[];
  return values.filter((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l)).reduce((sum, v) => sum + v.value, 0);
}

export async function countDocuments(es: ElasticsearchClient, prefix: string): Promise<number> {
  await es.refresh(`${prefix}-*`);
  return es.count(`${prefix}-*`);
}

export async function waitForCount(es: ElasticsearchClient, prefix: string, expected: number, timeoutMs = 60_000): Promise<number> {
  return pollUntil(async () => ((await countDocuments(es, prefix)) === expected ? expected : false), {
    timeoutMs,
    intervalMs: 250,
    description: `${expected} documents in ${prefix}-*`,
  });
}

export { pollUntil };
