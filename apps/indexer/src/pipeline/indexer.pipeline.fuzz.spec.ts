import fc from 'fast-check';
import { fuzzRuns, hostileRecordValue } from '@iocflow/testing';
import { Registry } from 'prom-client';
import type { KafkaConsumedBatch, KafkaProducedRecord } from '@iocflow/io';
import { IndexerMetrics } from './indexer.metrics';
import { IndexerPipeline } from './indexer.pipeline';

// Issue 11, deliverable 4: whatever the enriched records hold, a batch settles, and every record
// is sent to Elasticsearch once (one line, its own id) or dead-lettered with a reason.
describe('IndexerPipeline.handleBatch on arbitrary records (fast-check)', () => {
  it('settles every record: indexed or dead-lettered, once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileRecordValue, { minLength: 1, maxLength: 10 }), fc.boolean(), async (values, dataStream) => {
        const indexed: string[] = [];
        const dead: KafkaProducedRecord[] = [];
        const pipeline = new IndexerPipeline(
          {
            target: dataStream ? { kind: 'data-stream', name: 'logs-iocflow-default' } : { kind: 'daily', prefix: 'iocflow-logs' },
            deadLetterTopic: 'dlq',
            deadLetterMaxBytes: 8192,
            maxDepth: 1000,
            bulkMaxDocuments: 4,
            bulkMaxBytes: 1_000_000,
            bulkLingerMs: 1,
            bulkConcurrency: 2,
            retryInitialMs: 1,
            retryMaxMs: 2,
            shutdownTimeoutMs: 50,
            holdMaxMs: 10_000,
          },
          {
            consumer: { run: async () => undefined, stop: async () => undefined },
            deadLetters: { send: async (records) => void dead.push(...records) },
            elasticsearch: {
              ensureIndexTemplate: async () => undefined,
              dataStream: async () => ({ state: 'absent' }),
              bulk: async (body) => {
                const lines = String(body).split('\n').filter(Boolean);
                const items = [];
                for (let i = 0; i < lines.length; i += 2) {
                  const action = JSON.parse(lines[i] as string) as Record<string, { _id: string }>;
                  JSON.parse(lines[i + 1] as string);
                  indexed.push(Object.values(action)[0]!._id);
                  items.push({ index: { status: 201 } });
                }
                return { errors: false, items };
              },
            },
            metrics: new IndexerMetrics(new Registry()),
            logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
          },
        );
        const batch: KafkaConsumedBatch = { topic: 't', partition: 0, highWatermark: String(values.length), messages: values.map((value, i) => ({ offset: String(i), key: null, value, headers: {}, timestamp: '0' })) };
        await pipeline.handleBatch(batch);
        const offsets = [...indexed.map((id) => id.split('-').at(-1)), ...dead.map((record) => String(record.headers?.['iocflow.source.offset']))];
        expect(offsets.sort()).toEqual(values.map((_, i) => String(i)).sort());
        for (const record of dead) expect((record.value as Buffer | null)?.length ?? 0).toBeLessThanOrEqual(8192);
      }),
      fuzzRuns(11_030, 150),
    );
  }, 60_000);
});
