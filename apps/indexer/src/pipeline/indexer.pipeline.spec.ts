import { Registry } from 'prom-client';
import type { BulkResponseItem } from '@iocflow/core';
import type { DataStreamState, KafkaConsumedBatch, KafkaProducedRecord } from '@iocflow/io';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IndexerMetrics } from './indexer.metrics';
import { IndexerPipeline, type IndexerPipelineOptions } from './indexer.pipeline';
import { IndexerTargetError } from './indexer-target.error';
import type { BulkIndexer, IndexerConsumer } from './indexer-ports';

// Per-item replies recorded from a real Elasticsearch (libs/common/core/src/elasticsearch/__fixtures__).
const recorded = (name: string): BulkResponseItem =>
  (JSON.parse(readFileSync(resolve(__dirname, '../../../../libs/common/core/src/elasticsearch/__fixtures__', `${name}.json`), 'utf8')) as {
    items: BulkResponseItem[];
  }).items[0]!;
const OK = recorded('created');
const MAPPING_CONFLICT = recorded('mapping-conflict');
const WRITE_BLOCK = recorded('write-block');
const CREATE_REPLAYED = recorded('create-replayed');
const CREATE_CREATED = recorded('create-created');

const options: IndexerPipelineOptions = {
  target: { kind: 'daily', prefix: 'iocflow-logs' },
  deadLetterTopic: 'enriched-logs-dlq',
  bulkMaxDocuments: 100,
  bulkMaxBytes: 1_000_000,
  bulkLingerMs: 1,
  bulkConcurrency: 2,
  retryInitialMs: 1,
  retryMaxMs: 5,
  shutdownTimeoutMs: 50,
  holdMaxMs: 10_000,
};

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Elasticsearch scripted per request: each call gets the ids it was sent and returns items or throws. */
type Reply = (ids: string[]) => BulkResponseItem[];

/** `errors` as Elasticsearch computes it: true when any item is not 2xx. */
const anyItemFailed = (items: readonly BulkResponseItem[]) =>
  items.some((item) => {
    const status = (Object.values(item)[0] as { status?: number } | undefined)?.status ?? 0;
    return status < 200 || status >= 300;
  });

function harness(
  replies: Reply[],
  deadLetterFailures = 0,
  overrides: Partial<IndexerPipelineOptions> = {},
  errorsFlag = anyItemFailed,
  dataStreamState: DataStreamState = { state: 'absent' },
) {
  const requests: string[][] = [];
  const templates: { name: string; body: Record<string, unknown> }[] = [];
  const lookups: string[] = [];
  let consuming = false;
  const bodies: string[] = [];
  const produced: KafkaProducedRecord[] = [];
  let failuresLeft = deadLetterFailures;
  const elasticsearch: BulkIndexer = {
    ensureIndexTemplate: async (name, body) => {
      templates.push({ name, body });
    },
    dataStream: async (name) => {
      lookups.push(name);
      return dataStreamState;
    },
    bulk: async (ndjson) => {
      bodies.push(String(ndjson));
      const ids = String(ndjson)
        .split('\n')
        .filter((_, i) => i % 2 === 0)
        .filter(Boolean)
        .map((line) => (Object.values(JSON.parse(line) as Record<string, { _id: string }>)[0] as { _id: string })._id);
      requests.push(ids);
      const reply = replies.length > 1 ? replies.shift()! : replies[0]!;
      const items = reply(ids);
      return { errors: errorsFlag(items), items };
    },
  };
  const consumer: IndexerConsumer = {
    run: async () => {
      consuming = true;
    },
    stop: async () => undefined,
  };
  const deadLetters = {
    send: async (records: readonly KafkaProducedRecord[]) => {
      if (failuresLeft-- > 0) throw Object.assign(new Error('broker down'), { retriable: true });
      produced.push(...records);
    },
  };
  const registry = new Registry();
  const pipeline = new IndexerPipeline({ ...options, ...overrides }, { consumer, deadLetters, elasticsearch, metrics: new IndexerMetrics(registry), logger: silent });
  const metric = async (name: string) => (await registry.getSingleMetric(name)!.get()).values;
  return { pipeline, requests, bodies, produced, metric, templates, lookups, consuming: () => consuming };
}

function batch(values: (string | null)[]): KafkaConsumedBatch {
  return {
    topic: 'enriched-logs',
    partition: 1,
    highWatermark: String(10 + values.length),
    messages: values.map((value, i) => ({
      offset: String(10 + i),
      key: null,
      value: value === null ? null : Buffer.from(value),
      headers: {},
      timestamp: String(Date.UTC(2025, 0, 2)),
    })),
  };
}

const event = (n: number) => JSON.stringify({ '@timestamp': '2025-01-01T00:00:00Z', n });

describe('IndexerPipeline.handleBatch', () => {
  it('resolves once every document is acknowledged, with deterministic ids', async () => {
    const { pipeline, requests, produced, metric } = harness([(ids) => ids.map(() => OK)]);
    await pipeline.handleBatch(batch([event(1), event(2), event(3)]));
    expect(requests.flat()).toEqual(['enriched-logs-1-10', 'enriched-logs-1-11', 'enriched-logs-1-12']);
    expect(produced).toEqual([]);
    expect((await metric('iocflow_indexer_indexed_documents_total'))[0]?.value).toBe(3);
    expect((await metric('iocflow_indexer_consumer_lag'))[0]).toMatchObject({ value: 0, labels: { partition: '1' } });
  });

  it('sends each record\'s bytes unchanged as its source line', async () => {
    const { pipeline, bodies } = harness([(ids) => ids.map(() => OK)]);
    const value = '{"@timestamp":"2025-01-02T03:04:05Z","n":12345678901234567890,"s":"h\\u00e9llo"}';
    await pipeline.handleBatch(batch([value]));
    expect(bodies).toEqual([`{"index":{"_index":"iocflow-logs-2025.01.02","_id":"enriched-logs-1-10"}}\n${value}\n`]);
  });

  it('trusts `errors: false` only when there is one item per document; a missing item is retried', async () => {
    const { pipeline, requests, metric } = harness(
      [(ids) => ids.slice(1).map(() => OK), (ids) => ids.map(() => OK)],
      0,
      {},
      () => false,
    );
    await pipeline.handleBatch(batch([event(1), event(2)]));
    expect(requests).toEqual([['enriched-logs-1-10', 'enriched-logs-1-11'], ['enriched-logs-1-11']]);
    expect(await metric('iocflow_indexer_retried_documents_total')).toEqual([expect.objectContaining({ value: 1, labels: { cause: 'item_unavailable' } })]);
  });

  it('retries items refused by a write block (recorded 403) until accepted, sending only those again', async () => {
    const { pipeline, requests, metric } = harness([
      (ids) => ids.map((_, i) => (i === 0 ? OK : WRITE_BLOCK)),
      (ids) => ids.map(() => WRITE_BLOCK),
      (ids) => ids.map(() => OK),
    ]);
    await pipeline.handleBatch(batch([event(1), event(2), event(3)]));
    expect(requests).toEqual([
      ['enriched-logs-1-10', 'enriched-logs-1-11', 'enriched-logs-1-12'],
      ['enriched-logs-1-11', 'enriched-logs-1-12'],
      ['enriched-logs-1-11', 'enriched-logs-1-12'],
    ]);
    expect(await metric('iocflow_indexer_retried_documents_total')).toEqual([expect.objectContaining({ value: 4, labels: { cause: 'item_blocked' } })]);
  });

  it('dead-letters a mapping conflict (recorded 400) with the error and source coordinates', async () => {
    const { pipeline, produced, metric } = harness([(ids) => ids.map((_, i) => (i === 1 ? MAPPING_CONFLICT : OK))]);
    await pipeline.handleBatch(batch([event(1), '{"n":"not a number"}', event(3)]));
    expect(produced).toHaveLength(1);
    expect(produced[0]).toMatchObject({
      topic: 'enriched-logs-dlq',
      value: Buffer.from('{"n":"not a number"}'),
      headers: {
        'iocflow.dlq.reason': 'rejected',
        'iocflow.dlq.stage': 'classify',
        'iocflow.dlq.error.type': 'document_parsing_exception',
        'iocflow.dlq.error.status': '400',
        'iocflow.dlq.error.cause': 'illegal_argument_exception',
        'iocflow.source.topic': 'enriched-logs',
        'iocflow.source.partition': '1',
        'iocflow.source.offset': '11',
        'iocflow.dlq.id': 'enriched-logs-1-11',
      },
    });
    expect(await metric('iocflow_indexer_dead_lettered_documents_total')).toEqual([expect.objectContaining({ value: 1, labels: { stage: 'classify', reason: 'rejected' } })]);
  });

  it('dead-letters records that are not JSON objects without sending them to Elasticsearch', async () => {
    const { pipeline, requests, produced } = harness([(ids) => ids.map(() => OK)]);
    await pipeline.handleBatch(batch(['not json', null, event(3)]));
    expect(requests.flat()).toEqual(['enriched-logs-1-12']);
    expect(produced.map((r) => r.headers?.['iocflow.dlq.error.type'])).toEqual(['not_json', 'empty_value']);
  });

  // Issue 11: one record's content never fails the batch (the partition would stop on it).
  it('dead-letters a too-deep event and a record whose preparation throws, and indexes the rest of the batch', async () => {
    const { pipeline, requests, produced, metric } = harness([(ids) => ids.map(() => OK)], 0, { maxDepth: 50 });
    const deep = `{"@timestamp":"2025-01-01T00:00:00Z",\n"deep":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const poisoned = batch([event(1), deep, event(3), event(4)]);
    // a timestamp that throws when read: stands for any bug a record's content could trigger while preparing it
    const throwing = (message: KafkaConsumedBatch['messages'][number]) =>
      Object.defineProperty({ ...message }, 'timestamp', {
        get: () => {
          throw new TypeError('boom');
        },
      });
    const messages = poisoned.messages.map((message, i) => (i === 2 ? throwing(message) : message));
    await pipeline.handleBatch({ ...poisoned, messages });
    expect(requests.flat()).toEqual(['enriched-logs-1-10', 'enriched-logs-1-13']);
    expect(produced.map((r) => [r.headers?.['iocflow.dlq.stage'], r.headers?.['iocflow.dlq.error.type'], r.headers?.['iocflow.source.offset']])).toEqual([
      ['prepare', 'too_deep', '11'],
      ['prepare', 'prepare_failed', '12'],
    ]);
    expect(String(produced[1]?.headers?.['iocflow.dlq.error.reason'])).toContain('TypeError: boom');
    expect(await metric('iocflow_indexer_dead_lettered_documents_total')).toEqual([expect.objectContaining({ value: 2, labels: { stage: 'prepare', reason: 'unindexable' } })]);
  });

  it('retries a whole request that failed retriably (connection lost)', async () => {
    let calls = 0;
    const { pipeline, requests } = harness([
      (ids) => {
        calls += 1;
        if (calls <= 2) throw Object.assign(new Error('ECONNREFUSED'), { code: 'ELASTICSEARCH_UNAVAILABLE', retriable: true });
        return ids.map(() => OK);
      },
    ]);
    await pipeline.handleBatch(batch([event(1), event(2)]));
    expect(requests).toHaveLength(3);
  });

  it('bisects a request refused as a whole down to the refused document, dead-lettered at the bulk stage', async () => {
    const { pipeline, produced, metric } = harness([
      (ids) => {
        if (ids.includes('enriched-logs-1-12')) throw Object.assign(new Error('HTTP 400'), { code: 'ELASTICSEARCH_REJECTED', retriable: false });
        return ids.map(() => OK);
      },
    ]);
    await pipeline.handleBatch(batch([event(1), event(2), event(3), event(4)]));
    expect(produced.map((r) => [r.headers?.['iocflow.source.offset'], r.headers?.['iocflow.dlq.stage'], r.headers?.['iocflow.dlq.reason'], r.headers?.['iocflow.dlq.error.type']])).toEqual([
      ['12', 'bulk', 'request_rejected', 'ELASTICSEARCH_REJECTED'],
    ]);
    expect(await metric('iocflow_indexer_dead_lettered_documents_total')).toEqual([expect.objectContaining({ value: 1, labels: { stage: 'bulk', reason: 'request_rejected' } })]);
  });

  it('keeps producing to the dead-letter topic until Kafka acknowledges', async () => {
    const { pipeline, produced } = harness([(ids) => ids.map(() => MAPPING_CONFLICT)], 2);
    await pipeline.handleBatch(batch([event(1)]));
    expect(produced).toHaveLength(1);
  });

  it('hands a batch back uncommitted after holdMaxMs, and stops retrying its documents', async () => {
    const { pipeline, requests } = harness([(ids) => ids.map(() => WRITE_BLOCK)], 0, { holdMaxMs: 20 });
    await expect(pipeline.handleBatch(batch([event(1)]))).rejects.toMatchObject({ code: 'INDEXER_HOLD_TIMEOUT', retriable: true });
    const sent = requests.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(requests.length).toBeLessThanOrEqual(sent + 1);
    await pipeline.stop();
  });

  it('settles overlapping batches of one partition independently (commitMode on-acknowledge hands the next batch over before the last one settled)', async () => {
    let blocked = true;
    const { pipeline } = harness([(ids) => ids.map((id) => (blocked && id.endsWith('-10') ? WRITE_BLOCK : OK))], 0, { bulkMaxDocuments: 1 });
    const later = { ...batch([event(3)]), messages: batch([event(3)]).messages.map((m) => ({ ...m, offset: '20' })) };
    const order: string[] = [];
    const first = pipeline.handleBatch(batch([event(1)])).then(() => order.push('first'));
    const second = pipeline.handleBatch(later).then(() => order.push('second'));
    await second;
    blocked = false;
    await first;
    expect(order).toEqual(['second', 'first']);
  });

  it('does not resolve while Elasticsearch keeps refusing, and rejects (no commit) when shutdown gives up', async () => {
    const { pipeline } = harness([(ids) => ids.map(() => WRITE_BLOCK)]);
    let settled = false;
    const handled = pipeline.handleBatch(batch([event(1)])).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(settled).toBe(false);
    await pipeline.stop();
    await expect(handled).rejects.toThrow();
  });
});

describe('IndexerPipeline in data-stream mode', () => {
  const stream: IndexerPipelineOptions = { ...options, target: { kind: 'data-stream', name: 'logs-iocflow-default' } };

  it('daily mode installs the daily template and never looks up a data stream', async () => {
    const { pipeline, templates, lookups, consuming } = harness([(ids) => ids.map(() => OK)]);
    await pipeline.start();
    expect(lookups).toEqual([]);
    expect(templates.map((t) => [t.name, t.body['index_patterns'], t.body['data_stream']])).toEqual([['iocflow-logs-template', ['iocflow-logs-*'], undefined]]);
    expect(consuming()).toBe(true);
  });

  it.each<[DataStreamState['state'], DataStreamState]>([
    ['absent', { state: 'absent' }],
    ['exists', { state: 'exists' }],
  ])('starts when the stream is %s: installs the data-stream template, then consumes', async (_, state) => {
    const { pipeline, templates, lookups, consuming } = harness([(ids) => ids.map(() => OK)], 0, stream, anyItemFailed, state);
    await pipeline.start();
    expect(lookups).toEqual(['logs-iocflow-default']);
    expect(templates.map((t) => [t.name, t.body['index_patterns'], t.body['data_stream']])).toEqual([['logs-iocflow-default-template', ['logs-iocflow-default'], {}]]);
    expect(consuming()).toBe(true);
  });

  it.each<[DataStreamState, string, RegExp]>([
    [{ state: 'unsupported', detail: 'GET /_data_stream/logs-iocflow-default answered HTTP 405' }, 'DATA_STREAMS_UNSUPPORTED', /data-streams module is missing.*HTTP 405/],
    [{ state: 'name-taken' }, 'DATA_STREAM_NAME_TAKEN', /"logs-iocflow-default" is a plain index or alias/],
  ])('refuses to start on %j: no template, nothing consumed', async (state, code, message) => {
    const { pipeline, templates, consuming } = harness([(ids) => ids.map(() => OK)], 0, stream, anyItemFailed, state);
    const started = pipeline.start();
    await expect(started).rejects.toBeInstanceOf(IndexerTargetError);
    await expect(started).rejects.toMatchObject({ code, retriable: false, message: expect.stringMatching(message) });
    expect(templates).toEqual([]);
    expect(consuming()).toBe(false);
    expect(pipeline.ready).toBe(false);
  });

  it('sends create actions into the stream, with the deterministic ids', async () => {
    const { pipeline, bodies } = harness([(ids) => ids.map(() => CREATE_CREATED)], 0, stream);
    const value = '{"@timestamp":"2025-01-02T03:04:05Z","n":1}';
    await pipeline.handleBatch(batch([value]));
    expect(bodies).toEqual([`{"create":{"_index":"logs-iocflow-default","_id":"enriched-logs-1-10"}}\n${value}\n`]);
  });

  it('settles a replay answered 409 (recorded) as already indexed: counted as duplicates, not dead-lettered', async () => {
    const { pipeline, produced, metric } = harness([(ids) => ids.map((_, i) => (i === 0 ? CREATE_CREATED : CREATE_REPLAYED))], 0, stream);
    await pipeline.handleBatch(batch([event(1), event(2), event(3)]));
    expect(produced).toEqual([]);
    expect((await metric('iocflow_indexer_indexed_documents_total'))[0]?.value).toBe(1);
    expect((await metric('iocflow_indexer_duplicate_documents_total'))[0]?.value).toBe(2);
    expect(await metric('iocflow_indexer_retried_documents_total')).toEqual([]);
  });

  it('dead-letters an event without @timestamp as unindexable (missing_timestamp), without sending it', async () => {
    const { pipeline, requests, produced, metric } = harness([(ids) => ids.map(() => CREATE_CREATED)], 0, stream);
    await pipeline.handleBatch(batch(['{"n":"no time"}', event(2)]));
    expect(requests.flat()).toEqual(['enriched-logs-1-11']);
    expect(produced).toHaveLength(1);
    expect(produced[0]?.headers).toMatchObject({ 'iocflow.dlq.reason': 'unindexable', 'iocflow.dlq.error.type': 'missing_timestamp', 'iocflow.source.offset': '10' });
    expect(await metric('iocflow_indexer_dead_lettered_documents_total')).toEqual([expect.objectContaining({ value: 1, labels: { stage: 'prepare', reason: 'unindexable' } })]);
  });
});
