import { readThreatHit, threatHitKey, type ThreatHit } from '@iocflow/core';
import type { KafkaConsumedBatch, KafkaProducedRecord } from '@iocflow/io';
import { Registry } from 'prom-client';
import type { IndicatorLookup, IndicatorMatch, LookupQuery, StoreStatus } from '../lookup/indicator-lookup';
import { EnricherMetrics } from '../metrics/enricher.metrics';
import { EnricherPipeline, type EnricherPipelineOptions } from './enricher.pipeline';
import { compileRules } from './extract-observables';
import { DEFAULT_LOOKUP_RULES } from './lookup-rules';

/** Answers from a map `<kind>-<value>` → match (table mode carries a source). */
class MapLookup implements IndicatorLookup {
  readonly mode = 'table';
  constructor(private readonly indicators: Record<string, Omit<IndicatorMatch, 'kind' | 'indicator'>>) {}
  status(): StoreStatus {
    return { usable: true };
  }
  async resolve(queries: readonly LookupQuery[]): Promise<(IndicatorMatch | undefined)[]> {
    return queries.map((q) => {
      const found = this.indicators[`${q.kind}-${q.value}`];
      return found === undefined ? undefined : { kind: q.kind, indicator: q.value, ...found };
    });
  }
}

const refusal = (): Error => {
  const cause = Object.assign(new Error('message too large'), { type: 'MESSAGE_TOO_LARGE', code: 10 });
  return Object.assign(new Error('KAFKA_REJECTED: kafka send'), { code: 'KAFKA_REJECTED', retriable: false, cause });
};

class RecordingProducer {
  readonly sent: KafkaProducedRecord[][] = [];
  /** Refuse (as the broker does a too-large record) every send holding a record this says. */
  refuse: (record: KafkaProducedRecord) => boolean = () => false;
  failNext = false;
  async send(records: readonly KafkaProducedRecord[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('KAFKA_UNAVAILABLE');
    }
    if (records.some(this.refuse)) throw refusal();
    this.sent.push([...records]);
  }
}

const options: EnricherPipelineOptions = {
  enrichedTopic: 'out',
  deadLetterTopic: 'in-dlq',
  rules: compileRules(DEFAULT_LOOKUP_RULES, true),
  maxEventBytes: 1_000_000,
  maxObservablesPerEvent: 100,
  onStoreUnavailable: 'hold',
  retryInitialMs: 1,
  retryMaxMs: 2,
  holdMaxMs: 60_000,
  hits: { topic: 'hits', indexTarget: { kind: 'daily', prefix: 'logs' } },
};

function batchOf(values: string[]): KafkaConsumedBatch {
  return {
    topic: 'raw',
    partition: 3,
    highWatermark: String(100 + values.length),
    messages: values.map((value, i) => ({ offset: String(100 + i), key: null, value: Buffer.from(value), headers: {}, timestamp: '0' })),
  };
}

function setup(overrides: Partial<EnricherPipelineOptions> = {}) {
  const lookup = new MapLookup({
    'domain-evil.com': { feeds: ['Feed-A'], source: { eventUuid: 'ev-1', eventInfo: 'x', attributeUuid: 'at-1', tlp: 'AMBER' } },
    'ip-10.0.0.1': { feeds: ['Feed-B', 'Feed-C'] },
  });
  const producer = new RecordingProducer();
  const registry = new Registry();
  const pipeline = new EnricherPipeline({ ...options, ...overrides }, lookup, producer, new EnricherMetrics(registry), { storeUnavailable: () => undefined, deadLettered: () => undefined });
  const topic = (name: string): KafkaProducedRecord[] => producer.sent.flat().filter((r) => r.topic === name);
  const hits = (): ThreatHit[] =>
    topic('hits').map((r) => {
      const read = readThreatHit(String(r.value));
      if (!read.ok) throw new Error(read.reason);
      return read.hit;
    });
  const counter = async (name: string): Promise<number> => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    return ((metric?.values ?? []) as { value: number }[]).reduce((sum, v) => sum + v.value, 0);
  };
  return { producer, pipeline, topic, hits, counter };
}

describe('EnricherPipeline: the hits stream', () => {
  it('sends one hit per match with the enriched events, in the same send, keyed by threatHitKey', async () => {
    const { producer, pipeline, topic, hits, counter } = setup();
    await pipeline.handleBatch(
      batchOf([
        '{"@timestamp":"2026-12-03T06:00:00Z","destination":{"domain":"evil.com"},"source":{"ip":"10.0.0.1"}}',
        '{"destination":{"domain":"good.org"}}',
        '{"@timestamp":"2026-12-02T23:00:00Z","dns":{"question":{"name":"evil.com"}},"message":"y"}',
        'not json',
      ]),
    );
    expect(producer.sent).toHaveLength(1);
    expect(topic('out')).toHaveLength(3);
    const found = hits();
    const rows = found.map((h) => [h.iocflow.origin?.offset, h.threat.enrichments[0].matched.field, h.iocflow.indicator.value, h.iocflow.document.index].join(' '));
    expect(rows.sort()).toEqual(['100 destination.domain evil.com logs-2026.12.03', '100 source.ip 10.0.0.1 logs-2026.12.03', '102 dns.question.name evil.com logs-2026.12.02']);
    for (const record of topic('hits')) {
      const read = readThreatHit(String(record.value));
      if (!read.ok) throw new Error(read.reason);
      const { origin, indicator } = read.hit.iocflow;
      const field = read.hit.threat.enrichments[0].matched.field;
      expect(record.key).toBe(threatHitKey({ mode: 'live', origin: origin!, match: { field, atomic: '', kind: indicator.kind, indicator: indicator.value, feeds: [] } }));
      expect(read.hit.iocflow.hit.id).toBe(record.key);
      expect(String(record.headers?.['iocflow.origin'])).toBe(`raw/3/${origin?.offset}`);
    }
    const table = found.find((h) => h.iocflow.indicator.kind === 'domain');
    expect(table?.misp).toEqual({ event_uuid: 'ev-1', attribute_uuid: 'at-1' });
    expect(table?.iocflow.document.id).toBe('raw-3-100');
    expect(found.find((h) => h.iocflow.indicator.kind === 'ip')?.threat.enrichments[0].feed.name).toEqual(['Feed-B', 'Feed-C']);
    expect(await counter('iocflow_enricher_hit_records_total')).toBe(3);
  });

  it('sends nothing to the hits topic when it is off', async () => {
    const { topic, pipeline } = setup({ hits: undefined });
    await pipeline.handleBatch(batchOf(['{"destination":{"domain":"evil.com"}}']));
    expect(topic('out')).toHaveLength(1);
    expect(topic('hits')).toHaveLength(0);
  });

  it('fails the batch (uncommitted) when the send fails: neither events nor hits are counted, a retry sends both again under the same keys', async () => {
    const { producer, pipeline, topic, counter } = setup();
    const batch = batchOf(['{"destination":{"domain":"evil.com"}}']);
    producer.failNext = true;
    await expect(pipeline.handleBatch(batch)).rejects.toThrow('KAFKA_UNAVAILABLE');
    expect(await counter('iocflow_enricher_hit_records_total')).toBe(0);
    await pipeline.handleBatch(batch);
    await pipeline.handleBatch(batch);
    const keys = topic('hits').map((r) => r.key);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('drops the hits of an event the broker refuses (output_refused), and a hit refused alone, counted', async () => {
    const { producer, pipeline, topic, hits, counter } = setup();
    producer.refuse = (r) => (r.topic === 'out' && String(r.value).includes('"big"')) || (r.topic === 'hits' && String(r.value).includes('"source.ip"'));
    await pipeline.handleBatch(
      batchOf(['{"destination":{"domain":"evil.com"},"big":1}', '{"destination":{"domain":"evil.com"}}', '{"source":{"ip":"10.0.0.1"}}']),
    );
    expect(topic('out').map((r) => String(r.headers?.['iocflow.origin']))).toEqual(['raw/3/101', 'raw/3/102']);
    expect(topic('in-dlq')).toHaveLength(1);
    expect(hits().map((h) => h.iocflow.origin?.offset)).toEqual(['101']);
    expect(await counter('iocflow_enricher_hit_records_total')).toBe(1);
    expect(await counter('iocflow_enricher_hit_records_dropped_total')).toBe(1);
  });
});
