import { Registry } from 'prom-client';
import type { IndicatorRecord } from '@iocflow/core';
import type { KafkaConsumedBatch, KafkaProducedRecord } from '@iocflow/io';
import { HunterMetrics } from './hunter.metrics';
import { HunterPipeline, type HunterPipelineOptions } from './hunter.pipeline';
import type { HuntElasticsearch } from './hunter-ports';

const options: HunterPipelineOptions = {
  logsPattern: 'iocflow-logs-*',
  alertsTarget: { kind: 'daily', prefix: 'iocflow-alerts' },
  hitsTopic: 'threat-hits',
  rules: [{ field: 'destination.domain', kind: 'domain' }],
  parentDomains: true,
  windowMs: 30 * 86_400_000,
  queriesPerSecond: 1000,
  maxHitsPerIndicator: 2,
  searchDeadlineMs: 50,
  skipLiveMatched: true,
  retryInitialMs: 1,
  retryMaxMs: 5,
  shutdownTimeoutMs: 1000,
};

function indicator(value: string): string {
  const record: IndicatorRecord = { key: `domain-${value}`, kind: 'domain', value, feeds: ['Feed-A'], attributes: [], updatedAt: '2026-12-03T00:00:00.000Z' };
  return JSON.stringify(record);
}

function batch(entries: readonly [string, string | null][]): KafkaConsumedBatch {
  return {
    topic: 'misp-iocs',
    partition: 0,
    highWatermark: String(entries.length),
    messages: entries.map(([key, value], offset) => ({ offset: String(offset), key: Buffer.from(key), value: value === null ? null : Buffer.from(value), headers: {}, timestamp: '0' })),
  };
}

type SearchImpl = (body: Record<string, unknown>, signal?: AbortSignal) => Promise<unknown>;

function setup(searchImpl: SearchImpl) {
  const registry = new Registry();
  const metrics = new HunterMetrics(registry);
  const searched: Record<string, unknown>[] = [];
  const sent: KafkaProducedRecord[] = [];
  const bulks: string[] = [];
  const elasticsearch: HuntElasticsearch = {
    ensureIndexTemplate: () => Promise.resolve(),
    search: <T>(_index: string, body: Record<string, unknown>, signal?: AbortSignal) => {
      searched.push(body);
      return searchImpl(body, signal) as Promise<T>;
    },
    bulk: (ndjson) => {
      const text = ndjson.toString();
      bulks.push(text);
      const items = text.trim().split('\n').filter((_, i) => i % 2 === 0).map(() => ({ index: { status: 201 } }));
      return Promise.resolve({ errors: false, items });
    },
  };
  const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const pipeline = new HunterPipeline(options, {
    consumer: { run: () => Promise.resolve(), stop: () => Promise.resolve() },
    producer: { send: (records) => (sent.push(...records), Promise.resolve()) },
    elasticsearch,
    metrics,
    logger,
    now: () => Date.parse('2026-12-03T07:00:00Z'),
    random: () => 0.5,
  });
  const metric = async (name: string, labels: Record<string, string> = {}) => {
    const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
    return values.filter((value) => Object.entries(labels).every(([k, v]) => value.labels[k] === v)).reduce((sum, value) => sum + value.value, 0);
  };
  return { pipeline, searched, sent, bulks, metric, logger };
}

function termValue(body: Record<string, unknown>): unknown {
  return (body['query'] as { bool: { should: { term?: Record<string, { value: string }> }[] } }).bool.should[0]?.term?.['destination.domain']?.value;
}

const found = { hits: { total: { value: 1, relation: 'eq' }, hits: [{ _index: 'iocflow-logs-2026.12.01', _id: 'raw-logs-0-7', _source: { '@timestamp': '2026-12-01T10:00:00Z', destination: { domain: 'a.evil.com' } }, matched_queries: ['q1'] }] } };

describe('HunterPipeline', () => {
  it('hunts each added indicator, not one removed while queued, and emits each hit to the topic and the alerts index at the same id', async () => {
    const { pipeline, searched, sent, bulks, metric } = setup((body) => Promise.resolve(termValue(body) === 'evil.com' ? found : { hits: { total: { value: 0 }, hits: [] } }));
    await pipeline.handleBatch(batch([['domain-evil.com', indicator('evil.com')], ['domain-gone.com', indicator('gone.com')], ['domain-gone.com', null], ['domain-old.com', null]]));
    expect(searched.map(termValue)).toEqual(['evil.com']);
    expect(sent).toHaveLength(1);
    const hit = JSON.parse(String(sent[0]?.value)) as { iocflow: { hit: { id: string; mode: string }; document: unknown } };
    expect(sent[0]).toMatchObject({ topic: 'threat-hits', key: hit.iocflow.hit.id });
    expect(hit.iocflow).toMatchObject({ hit: { mode: 'retrospective' }, document: { index: 'iocflow-logs-2026.12.01', id: 'raw-logs-0-7' } });
    expect(bulks[0]).toContain(`{"index":{"_index":"iocflow-alerts-2026.12.01","_id":"${hit.iocflow.hit.id}"}}`);
    expect(await metric('iocflow_hunter_hits_total')).toBe(1);
    expect(await metric('iocflow_hunter_skipped_total', { reason: 'cancelled' })).toBe(1);
    expect(await metric('iocflow_hunter_skipped_total', { reason: 'removed' })).toBe(1);
  });

  it('counts a truncated search and keeps the partial answer of an Elasticsearch timeout', async () => {
    const { pipeline, sent, metric } = setup(() => Promise.resolve({ ...found, timed_out: true, hits: { ...found.hits, total: { value: 3, relation: 'eq' } } }));
    await pipeline.handleBatch(batch([['domain-evil.com', indicator('evil.com')]]));
    expect(sent).toHaveLength(1);
    expect(await metric('iocflow_hunter_truncated_total')).toBe(1);
    expect(await metric('iocflow_hunter_deadline_exceeded_total')).toBe(1);
    expect(await metric('iocflow_hunter_searches_total', { outcome: 'partial' })).toBe(1);
  });

  it('gives up an indicator whose search the client aborts at the deadline, and goes on', async () => {
    const { pipeline, searched, sent, metric } = setup(
      (body, signal) =>
        new Promise((resolve, reject) => {
          if (termValue(body) === 'slow.com') signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { retriable: true })));
          else resolve(found);
        }),
    );
    await pipeline.handleBatch(batch([['domain-slow.com', indicator('slow.com')], ['domain-evil.com', indicator('evil.com')]]));
    expect(searched.map(termValue)).toEqual(['slow.com', 'evil.com']);
    expect(sent).toHaveLength(1);
    expect(await metric('iocflow_hunter_searches_total', { outcome: 'aborted' })).toBe(1);
  });

  it('retries a search while Elasticsearch is unavailable; the batch resolves (and commits) only after it', async () => {
    let calls = 0;
    const { pipeline, sent, metric } = setup(() => (++calls < 3 ? Promise.reject(Object.assign(new Error('down'), { retriable: true })) : Promise.resolve(found)));
    await pipeline.handleBatch(batch([['domain-evil.com', indicator('evil.com')]]));
    expect(calls).toBe(3);
    expect(sent).toHaveLength(1);
    expect(await metric('iocflow_hunter_searches_total', { outcome: 'failed' })).toBe(2);
  });

  it('leaves the batch uncommitted (rejects) when shutdown abandons it', async () => {
    const { pipeline } = setup(() => Promise.reject(Object.assign(new Error('down'), { retriable: true })));
    const handled = pipeline.handleBatch(batch([['domain-evil.com', indicator('evil.com')]]));
    const stopped = pipeline.stop();
    await stopped;
    await expect(handled).rejects.toMatchObject({ code: 'HUNT_ABANDONED', retriable: true });
  });
});
