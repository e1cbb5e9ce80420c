/**
 * Indexer throughput vs a raw `_bulk` load of the same documents, same run, same batch size and
 * concurrency (docs/benchmarks.md, section "Indexer").
 *
 *   BENCH_DOCS=100000 BENCH_BATCH=1000 BENCH_CONCURRENCY=4 BENCH_PARTITIONS=4 npm run bench indexer
 *
 * - raw: the documents, already encoded as NDJSON chunks of BENCH_BATCH, sent with
 *   BENCH_CONCURRENCY requests in flight through the same ElasticsearchClient (no Kafka at all).
 * - indexer: the same documents as records on a topic with BENCH_PARTITIONS partitions, consumed
 *   by the real IndexerPipeline (KafkaBatchConsumer → prepare → bulk → classify → commit).
 *   Timed from its first batch (the group join is excluded) until every document was acknowledged.
 * Each mode runs BENCH_ROUNDS times (default 2), alternating; the best round of each is reported.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encodeBulk, indexNameFor, indexTemplate, indexTemplateName, type BulkDocument } from '@iocflow/core';
import { ElasticsearchClient, KafkaAdmin, KafkaBatchConsumer, KafkaProducer } from '@iocflow/io';
import { JsonLogger } from '@iocflow/nest';
import { Registry } from 'prom-client';
import { IndexerMetrics } from '../src/pipeline/indexer.metrics';
import { IndexerPipeline } from '../src/pipeline/indexer.pipeline';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const DOCS = env('BENCH_DOCS', 100_000);
const BATCH = env('BENCH_BATCH', 1000);
const CONCURRENCY = env('BENCH_CONCURRENCY', 4);
const PARTITIONS = env('BENCH_PARTITIONS', 4);
const ROUNDS = env('BENCH_ROUNDS', 2);
const BROKERS = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
const ES_URL = process.env['ELASTICSEARCH_URL'] ?? 'http://127.0.0.1:9200';
const FIXTURES = path.resolve(process.cwd(), '..', 'shared', 'fixtures');
const logger = new JsonLogger('indexer-bench', 'error');
const runId = `${Date.now().toString(36)}`;
const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** Real ECS DNS documents (Elastic's Zeek pipeline output), made enricher-shaped and unique. */
function documents(): string[] {
  const file = path.join(FIXTURES, 'elastic-integrations/packages/zeek/data_stream/dns/_dev/test/pipeline/test-dns.log-expected.json');
  const base = (JSON.parse(readFileSync(file, 'utf8')) as { expected: Record<string, unknown>[] }).expected;
  return Array.from({ length: DOCS }, (_, i) =>
    JSON.stringify({ ...base[i % base.length], event: { id: `bench-${i}`, kind: 'event' }, misp_src: i % 10 === 0 ? 'Feed-X' : 'none' }),
  );
}

async function rawBulk(es: ElasticsearchClient, values: readonly string[], prefix: string): Promise<number> {
  const chunks: string[] = [];
  for (let i = 0; i < values.length; i += BATCH) {
    const docs: BulkDocument[] = values.slice(i, i + BATCH).map((source, j) => ({
      index: indexNameFor(prefix, (JSON.parse(source) as { '@timestamp': string })['@timestamp'], 0, 0),
      id: `raw-0-${i + j}`,
      source,
    }));
    chunks.push(encodeBulk(docs));
  }
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++];
        if (chunk === undefined) break;
        const result = await es.bulk(chunk);
        if (result.errors) throw new Error('raw bulk: item errors');
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

async function indexer(values: readonly string[], prefix: string, round: number): Promise<number> {
  const topic = `bench-indexer-${runId}-${round}`;
  const connection = { brokers: BROKERS, logger: logger.child('kafka') };
  const admin = new KafkaAdmin({ ...connection, clientId: 'bench-admin' });
  await admin.ensureTopics([{ topic, partitions: PARTITIONS }, { topic: `${topic}-dlq`, partitions: 1 }]);
  const producer = new KafkaProducer({ ...connection, clientId: 'bench-producer' });
  await producer.connect();
  for (let i = 0; i < values.length; i += 2000) {
    await producer.send(values.slice(i, i + 2000).map((value, j) => ({ topic, key: String(i + j), value })));
  }

  const registry = new Registry();
  const metrics = new IndexerMetrics(registry);
  const consumer = new KafkaBatchConsumer({
    ...connection,
    clientId: 'bench-indexer',
    groupId: `${topic}-group`,
    topics: [topic],
    fromBeginning: true,
    partitionsConsumedConcurrently: PARTITIONS,
    maxBytesPerPartition: 4 * 1_048_576,
    maxWaitTimeMs: 100,
  });
  const es = new ElasticsearchClient({ url: ES_URL });
  const pipeline = new IndexerPipeline(
    {
      indexPrefix: prefix,
      deadLetterTopic: `${topic}-dlq`,
      bulkMaxDocuments: BATCH,
      bulkMaxBytes: 50 * 1_048_576,
      bulkLingerMs: 20,
      bulkConcurrency: CONCURRENCY,
      retryInitialMs: 100,
      retryMaxMs: 5000,
      holdMaxMs: 60_000,
      shutdownTimeoutMs: 30_000,
      numberOfReplicas: 0,
    },
    { consumer, deadLetters: producer, elasticsearch: es, metrics, logger: logger.child('indexer.pipeline') },
  );
  const counter = async (name: string) => ((await registry.getSingleMetric(name)?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);
  await pipeline.start();
  let started = 0;
  for (;;) {
    if (started === 0 && (await counter('iocflow_indexer_received_events_total')) > 0) started = performance.now();
    if ((await counter('iocflow_indexer_indexed_documents_total')) >= values.length) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const seconds = (performance.now() - started) / 1000;
  await pipeline.stop();
  await producer.disconnect();
  await admin.deleteTopics([topic, `${topic}-dlq`]);
  await admin.disconnect();
  await es.close();
  return seconds;
}

async function main(): Promise<void> {
  const values = documents();
  const bytes = values.reduce((sum, v) => sum + Buffer.byteLength(v), 0);
  print(`indexer bench: ${DOCS} documents (${(bytes / DOCS).toFixed(0)} B avg), batch ${BATCH}, concurrency ${CONCURRENCY}, partitions ${PARTITIONS}`);
  const es = new ElasticsearchClient({ url: ES_URL });
  const results: { raw: number[]; indexer: number[] } = { raw: [], indexer: [] };
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const mode of ['raw', 'indexer'] as const) {
        const prefix = `bench-${mode}-${runId}-${round}`;
        await es.ensureIndexTemplate(indexTemplateName(prefix), indexTemplate({ indexPrefix: prefix, numberOfReplicas: 0 }));
        const seconds = mode === 'raw' ? await rawBulk(es, values, prefix) : await indexer(values, prefix, round);
        await es.refresh(`${prefix}-*`);
        const count = await es.count(`${prefix}-*`);
        if (count !== DOCS) throw new Error(`${mode}: ${count} documents, expected ${DOCS}`);
        results[mode].push(seconds);
        print(`round ${round} ${mode.padEnd(7)} ${seconds.toFixed(2)} s  ${Math.round(DOCS / seconds).toLocaleString('en')} docs/s`);
        await es.request('DELETE', `/${prefix}-*`);
        await es.request('DELETE', `/_index_template/${indexTemplateName(prefix)}`);
      }
    }
  } finally {
    await es.close();
  }
  const best = (xs: number[]) => Math.min(...xs);
  const raw = DOCS / best(results.raw);
  const idx = DOCS / best(results.indexer);
  print(`best raw _bulk: ${Math.round(raw).toLocaleString('en')} docs/s; best indexer: ${Math.round(idx).toLocaleString('en')} docs/s; ratio ${(idx / raw).toFixed(2)}×`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
