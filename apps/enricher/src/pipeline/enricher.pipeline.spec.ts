import { createHash } from 'node:crypto';
import { recordBytes, type KafkaConsumedBatch, type KafkaProducedRecord } from '@iocflow/io';
import { Registry } from 'prom-client';
import type { IndicatorLookup, IndicatorMatch, LookupQuery, StoreStatus } from '../lookup/indicator-lookup';
import { StoreUnavailableError } from '../lookup/store-unavailable.error';
import { EnricherMetrics } from '../metrics/enricher.metrics';
import { DEAD_LETTER_HEADERS, EnricherPipeline, PipelineStoppedError, type EnricherPipelineOptions } from './enricher.pipeline';
import * as extract from './extract-observables';
import { compileRules } from './extract-observables';
import * as parse from './parse-event';
import { DEFAULT_LOOKUP_RULES } from './lookup-rules';

/** A scripted store: answers from a map, or fails the next `failures` calls. */
class ScriptedLookup implements IndicatorLookup {
  readonly mode = 'memcached';
  readonly calls: LookupQuery[][] = [];
  failures = 0;
  constructor(private readonly indicators: Record<string, string[]>) {}
  status(): StoreStatus {
    return { usable: this.failures === 0 };
  }
  async resolve(queries: readonly LookupQuery[]): Promise<(IndicatorMatch | undefined)[]> {
    this.calls.push([...queries]);
    if (this.failures > 0) {
      this.failures--;
      throw new StoreUnavailableError('STORE_STALE', 'sentinel stale');
    }
    return queries.map((q) => {
      const feeds = this.indicators[`${q.kind}-${q.value}`];
      return feeds === undefined ? undefined : { kind: q.kind, indicator: q.value, feeds };
    });
  }
}

class RecordingProducer {
  readonly sent: KafkaProducedRecord[][] = [];
  failNext = false;
  async send(records: readonly KafkaProducedRecord[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('KAFKA_UNAVAILABLE');
    }
    this.sent.push([...records]);
  }
}

const options: EnricherPipelineOptions = {
  enrichedTopic: 'out',
  deadLetterTopic: 'in-dlq',
  rules: compileRules(DEFAULT_LOOKUP_RULES, true),
  maxEventBytes: 4096,
  maxObservablesPerEvent: 100,
  onStoreUnavailable: 'hold',
  retryInitialMs: 1,
  retryMaxMs: 2,
  holdMaxMs: 60_000,
};

function batchOf(values: (string | null)[]): KafkaConsumedBatch {
  return {
    topic: 'in',
    partition: 3,
    highWatermark: String(100 + values.length),
    messages: values.map((value, i) => ({
      offset: String(100 + i),
      key: Buffer.from(`k${i}`),
      value: value === null ? null : Buffer.from(value),
      headers: { trace: Buffer.from(`t${i}`) },
      timestamp: '0',
    })),
  };
}

function setup(indicators: Record<string, string[]> = {}, overrides: Partial<EnricherPipelineOptions> = {}) {
  const lookup = new ScriptedLookup(indicators);
  const producer = new RecordingProducer();
  const registry = new Registry();
  const metrics = new EnricherMetrics(registry);
  const logged: string[] = [];
  const pipeline = new EnricherPipeline({ ...options, ...overrides }, lookup, producer, metrics, {
    storeUnavailable: (error) => logged.push(error.code),
    deadLettered: (rejection, topic, partition, offset) => logged.push(`${rejection.stage} ${rejection.reason} ${topic}/${partition}/${offset}`),
  });
  const counter = async (name: string): Promise<Record<string, number>> => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const values = (metric?.values ?? []) as { value: number; labels: Record<string, string | number> }[];
    return Object.fromEntries(values.map((v) => [Object.values(v.labels).join(',') || 'total', v.value]));
  };
  return { lookup, producer, pipeline, counter, logged };
}

describe('EnricherPipeline', () => {
  it('enriches hits and misses with one lookup per batch, keeps key and headers, dead-letters bad input, and reconciles counts', async () => {
    const { lookup, producer, pipeline, counter } = setup({ 'domain-evil.com': ['Feed-A'] });
    await pipeline.handleBatch(
      batchOf([
        '{"destination":{"domain":"a.evil.com"}}',
        '{"destination":{"domain":"good.org"},"dns":{"question":{"name":"a.evil.com"}}}',
        'not json',
        '[1]',
        '{"source":{"ip":5}}',
        null,
        '{"message":"no observables"}',
      ]),
    );
    expect(lookup.calls).toHaveLength(1);
    // a.evil.com appears twice in the batch but is asked once.
    expect(lookup.calls[0]?.map((q) => q.value)).toEqual(['a.evil.com', 'good.org']);
    const [records] = producer.sent;
    const enriched = (records ?? []).filter((r) => r.topic === 'out');
    const dead = (records ?? []).filter((r) => r.topic === 'in-dlq');
    expect(enriched.map((r) => JSON.parse(String(r.value)).misp_src)).toEqual(['none', 'none', 'none']);
    expect(dead).toHaveLength(4);
    expect(dead.map((r) => String(r.headers?.[DEAD_LETTER_HEADERS.reason]))).toEqual(['not_json', 'not_object', 'field_type', 'empty_value']);
    expect(dead.map((r) => String(r.headers?.[DEAD_LETTER_HEADERS.stage]))).toEqual(['parse', 'parse', 'extract', 'parse']);
    expect(dead[0]?.headers).toMatchObject({ trace: Buffer.from('t2'), [DEAD_LETTER_HEADERS.topic]: 'in', [DEAD_LETTER_HEADERS.partition]: '3', [DEAD_LETTER_HEADERS.offset]: '102' });
    expect(String(dead[0]?.value)).toBe('not json');
    expect(enriched[0]?.key).toEqual(Buffer.from('k0'));
    // The record's own headers, plus where the event entered iocflow (the indexer's document id).
    expect(enriched[0]?.headers).toEqual({ trace: Buffer.from('t0'), 'iocflow.origin': Buffer.from('in/3/100') });
    expect(await counter('iocflow_enricher_events_in_total')).toEqual({ total: 7 });
    // The last event has none of the looked-up fields: nothing was checked, so it is no miss.
    expect(await counter('iocflow_enricher_events_out_total')).toEqual({ miss: 2, no_observable: 1 });
    expect(await counter('iocflow_enricher_consumer_lag')).toEqual({ 'in,3': 0 });
  });

  it('names the stage that rejected each record, the same in the dead letter, the counter and the log line', async () => {
    const { producer, pipeline, counter, logged } = setup({}, { maxEventBytes: 64 });
    await pipeline.handleBatch(
      batchOf([
        `{"message":"${'x'.repeat(100)}"}`, // parse: over maxEventBytes
        '{"a":', // parse: not JSON
        '{"destination":{"domain":["a.org",7]}}', // extract: a lookup field of the wrong type
        '{"threat":"x","source":{"ip":"10.0.0.1"}}', // extract: `threat` must be an object to be enriched
        '{"source":{"ip":"10.0.0.2"}}',
      ]),
    );
    const dead = (producer.sent[0] ?? []).filter((r) => r.topic === 'in-dlq');
    expect(dead.map((r) => [String(r.headers?.[DEAD_LETTER_HEADERS.stage]), String(r.headers?.[DEAD_LETTER_HEADERS.reason])])).toEqual([
      ['parse', 'too_large'],
      ['parse', 'not_json'],
      ['extract', 'field_type'],
      ['extract', 'field_type'],
    ]);
    expect(await counter('iocflow_enricher_dead_letters_total')).toEqual({ 'parse,too_large': 1, 'parse,not_json': 1, 'extract,field_type': 2 });
    expect(logged).toEqual(['parse too_large in/3/100', 'parse not_json in/3/101', 'extract field_type in/3/102', 'extract field_type in/3/103']);
  });

  it('cuts an oversized dead letter to deadLetterMaxBytes and says how long it was and its hash (the dead-letter topic must accept it)', async () => {
    const { producer, pipeline } = setup({}, { maxEventBytes: 64, deadLetterMaxBytes: 100 });
    const huge = `{"message":"${'x'.repeat(500)}"}`;
    await pipeline.handleBatch(batchOf([huge, 'not json']));
    const dead = (producer.sent[0] ?? []).filter((r) => r.topic === 'in-dlq');
    expect(dead.map((r) => String(r.headers?.[DEAD_LETTER_HEADERS.reason]))).toEqual(['too_large', 'not_json']);
    expect(String(dead[0]?.value)).toBe(huge.slice(0, 100));
    expect(dead[0]?.headers).toMatchObject({ [DEAD_LETTER_HEADERS.truncated]: String(huge.length), [DEAD_LETTER_HEADERS.sha256]: createHash('sha256').update(huge).digest('hex') });
    expect(String(dead[1]?.value)).toBe('not json');
    expect(Object.keys(dead[1]?.headers ?? {})).not.toContain(DEAD_LETTER_HEADERS.truncated);
  });

  it('writes the feed on a parent-domain hit and counts hits by feed and field', async () => {
    const lookup: Record<string, string[]> = { 'domain-a.evil.com': ['Feed-A'] };
    const { producer, pipeline, counter } = setup(lookup);
    await pipeline.handleBatch(batchOf(['{"destination":{"domain":"a.evil.com"}}']));
    const output = JSON.parse(String(producer.sent[0]?.[0]?.value));
    expect(output.misp_src).toBe('Feed-A');
    expect(output.threat.enrichments[0].matched).toEqual({ atomic: 'a.evil.com', field: 'destination.domain', type: 'indicator_match_rule' });
    expect(await counter('iocflow_enricher_hits_total')).toEqual({ 'Feed-A,destination.domain': 1 });
  });

  it('holds the batch while the store is unusable, then enriches it: never a false "none"', async () => {
    const { lookup, producer, pipeline, counter, logged } = setup({ 'domain-evil.com': ['Feed-A'] });
    lookup.failures = 3;
    await pipeline.handleBatch(batchOf(['{"destination":{"domain":"evil.com"}}']));
    expect(lookup.calls).toHaveLength(4);
    expect(producer.sent).toHaveLength(1);
    expect(JSON.parse(String(producer.sent[0]?.[0]?.value)).misp_src).toBe('Feed-A');
    expect(logged).toEqual(['STORE_STALE', 'STORE_STALE', 'STORE_STALE']);
    expect(await counter('iocflow_enricher_store_unavailable_total')).toEqual({ STORE_STALE: 3 });
  });

  it('gives a batch back uncommitted after holdMax, and at once when stopped', async () => {
    const held = setup({}, { holdMaxMs: 0 });
    held.lookup.failures = 100;
    await expect(held.pipeline.handleBatch(batchOf(['{"destination":{"domain":"evil.com"}}']))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(held.producer.sent).toHaveLength(0);
    expect(await held.counter('iocflow_enricher_events_in_total')).toEqual({ total: 0 });

    const stopped = setup({}, { retryInitialMs: 60_000, retryMaxMs: 60_000 });
    stopped.lookup.failures = 100;
    const handling = stopped.pipeline.handleBatch(batchOf(['{"destination":{"domain":"evil.com"}}']));
    setTimeout(() => stopped.pipeline.stop(), 10);
    await expect(handling).rejects.toBeInstanceOf(PipelineStoppedError);
    expect(stopped.producer.sent).toHaveLength(0);
  });

  it('in pass-unknown mode marks events with observables "unknown" and the rest "none"', async () => {
    const { lookup, producer, pipeline, counter } = setup({}, { onStoreUnavailable: 'pass-unknown' });
    lookup.failures = 1;
    await pipeline.handleBatch(batchOf(['{"destination":{"domain":"evil.com"}}', '{"message":"x"}']));
    expect(producer.sent[0]?.map((r) => JSON.parse(String(r.value)).misp_src)).toEqual(['unknown', 'none']);
    expect(await counter('iocflow_enricher_events_out_total')).toEqual({ unknown: 1, no_observable: 1 });
  });

  it('counts events without any looked-up field as no_observable (misp_src "none", no enrichment), apart from misses, also when no lookup runs', async () => {
    const { lookup, producer, pipeline, counter } = setup({ 'domain-evil.com': ['Feed-A'] });
    // A non-ECS stream: the fields exist, just not where the rules look; `-` is no observable either.
    await pipeline.handleBatch(batchOf(['{"dst_host":"evil.com"}', '{"source":{"ip":"-"}}', '{"destination":{"domain":"good.org"}}', '{"destination":{"domain":"evil.com"}}']));
    await pipeline.handleBatch(batchOf(['{"query":"evil.com"}']));
    expect(lookup.calls).toHaveLength(1);
    const outputs = producer.sent.flat().map((r) => JSON.parse(String(r.value)) as { misp_src: string; threat?: unknown });
    expect(outputs.map((o) => o.misp_src)).toEqual(['none', 'none', 'none', 'Feed-A', 'none']);
    expect(outputs[0]?.threat).toBeUndefined();
    expect(await counter('iocflow_enricher_events_out_total')).toEqual({ no_observable: 3, miss: 1, hit: 1 });
  });

  it('warns when most events of a partition have none of the looked-up fields, naming the fields it looked for', async () => {
    const registry = new Registry();
    const reports: { partition: number; events: number; noObservable: number; fields: readonly string[] }[] = [];
    const pipeline = new EnricherPipeline(options, new ScriptedLookup({}), new RecordingProducer(), new EnricherMetrics(registry), {
      storeUnavailable: () => undefined,
      deadLettered: () => undefined,
      noObservables: (report, fields) => reports.push({ partition: report.partition, events: report.events, noObservable: report.noObservable, fields }),
    });
    const now = jest.spyOn(Date, 'now');
    try {
      now.mockReturnValue(1_000_000);
      await pipeline.handleBatch(batchOf(Array.from({ length: 150 }, (_, i) => (i % 10 === 0 ? '{"destination":{"domain":"good.org"}}' : '{"msg":"x"}'))));
      expect(reports).toEqual([]);
      now.mockReturnValue(1_060_000);
      await pipeline.handleBatch(batchOf(['{"msg":"x"}']));
    } finally {
      now.mockRestore();
    }
    expect(reports).toEqual([{ partition: 3, events: 151, noObservable: 136, fields: DEFAULT_LOOKUP_RULES.map((rule) => rule.field) }]);
  });

  it('counts nothing when the produce fails, so a retried batch is counted once', async () => {
    const { producer, pipeline, counter } = setup();
    producer.failNext = true;
    const batch = batchOf(['{"a":1}', 'x']);
    await expect(pipeline.handleBatch(batch)).rejects.toThrow('KAFKA_UNAVAILABLE');
    await pipeline.handleBatch(batch);
    expect(await counter('iocflow_enricher_events_in_total')).toEqual({ total: 2 });
    expect(await counter('iocflow_enricher_dead_letters_total')).toEqual({ 'parse,not_json': 1 });
  });
});

/** A store that answers every query of `kind` with a match built by `answer` (undefined = miss). */
class AnsweringLookup implements IndicatorLookup {
  readonly mode = 'table';
  constructor(private readonly answer: (query: LookupQuery) => IndicatorMatch | undefined) {}
  status(): StoreStatus {
    return { usable: true };
  }
  async resolve(queries: readonly LookupQuery[]): Promise<(IndicatorMatch | undefined)[]> {
    return queries.map((query) => this.answer(query));
  }
}

function hostileSetup(answer: (query: LookupQuery) => IndicatorMatch | undefined, overrides: Partial<EnricherPipelineOptions> = {}, producer = new RecordingProducer()) {
  const registry = new Registry();
  const pipeline = new EnricherPipeline({ ...options, maxEventBytes: 1 << 20, ...overrides }, new AnsweringLookup(answer), producer, new EnricherMetrics(registry), {
    storeUnavailable: () => undefined,
    deadLettered: () => undefined,
  });
  const counter = async (name: string): Promise<Record<string, number>> => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const values = (metric?.values ?? []) as { value: number; labels: Record<string, string | number> }[];
    return Object.fromEntries(values.map((v) => [Object.values(v.labels).join(',') || 'total', v.value]));
  };
  const out = () => producer.sent.flat().filter((r) => r.topic === 'out');
  const dead = () => producer.sent.flat().filter((r) => r.topic === 'in-dlq');
  return { pipeline, producer, counter, out, dead };
}

const ipHit = (feed: (value: string) => string | undefined) => (query: LookupQuery): IndicatorMatch | undefined => {
  const name = query.kind === 'ip' ? feed(query.value) : undefined;
  return name === undefined ? undefined : { kind: 'ip', indicator: query.value, feeds: [name] };
};
const ordinary = (n: number) => JSON.stringify({ event: { id: `e${n}` }, source: { ip: `10.0.0.${n % 250}` } });
const ips = (count: number, from = 1) => Array.from({ length: count }, (_, i) => `10.9.${(from + i) >> 8}.${(from + i) & 255}`);

// Issue 11: whatever one record holds, the batch, the partition and the process go on.
describe('EnricherPipeline with hostile records', () => {
  it('dead-letters a 5,000-deep event with a `threat` key (the JSON.stringify poison pill) and enriches every ordinary event around it', async () => {
    const { pipeline, out, dead, counter } = hostileSetup(ipHit((ip) => (ip === '10.0.0.7' ? 'Feed-A' : undefined)));
    const hostile = `{"event":{"id":"bad"},"threat":{"x":1},"deep":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    const values = [...Array.from({ length: 20 }, (_, i) => ordinary(i)), hostile, ...Array.from({ length: 20 }, (_, i) => ordinary(20 + i))];
    await pipeline.handleBatch(batchOf(values));
    expect(out()).toHaveLength(40);
    expect(out().map((r) => JSON.parse(String(r.value)).misp_src)).toEqual(Array.from({ length: 40 }, (_, i) => (i === 7 ? 'Feed-A' : 'none')));
    expect(dead().map((r) => [String(r.headers?.[DEAD_LETTER_HEADERS.stage]), String(r.headers?.[DEAD_LETTER_HEADERS.reason]), String(r.headers?.[DEAD_LETTER_HEADERS.offset])])).toEqual([['parse', 'too_deep', '120']]);
    expect(await counter('iocflow_enricher_dead_letters_total')).toEqual({ 'parse,too_deep': 1 });
  });

  it('contains a failure while enriching one event (here V8 recursing past its stack with the depth limit lifted) to that event: enrich_failed', async () => {
    const { pipeline, out, dead } = hostileSetup(() => undefined, { maxDepth: 1_000_000 });
    const hostile = `{"threat":{},"deep":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    await pipeline.handleBatch(batchOf([ordinary(1), hostile, ordinary(2)]));
    expect(out()).toHaveLength(2);
    expect(dead().map((r) => [String(r.headers?.[DEAD_LETTER_HEADERS.stage]), String(r.headers?.[DEAD_LETTER_HEADERS.reason])])).toEqual([['apply', 'enrich_failed']]);
    expect(String(dead()[0]?.headers?.[DEAD_LETTER_HEADERS.message])).toContain('RangeError');
  });

  it('names the stage of an unexpected failure before the lookup: parse or extract, as enrich_failed', async () => {
    const { pipeline, out, dead, counter } = hostileSetup(() => undefined);
    const readEvent = jest.spyOn(parse, 'readEvent').mockImplementationOnce(() => {
      throw new TypeError('scan broke');
    });
    const extractObservables = jest.spyOn(extract, 'extractObservables');
    extractObservables.mockImplementationOnce(() => ({ ok: true, observations: [], unchecked: 0 })).mockImplementationOnce(() => {
      throw new TypeError('rule broke');
    });
    try {
      await pipeline.handleBatch(batchOf([ordinary(1), ordinary(2), ordinary(3)]));
    } finally {
      readEvent.mockRestore();
      extractObservables.mockRestore();
    }
    expect(out()).toHaveLength(1);
    expect(dead().map((r) => [String(r.headers?.[DEAD_LETTER_HEADERS.stage]), String(r.headers?.[DEAD_LETTER_HEADERS.message])])).toEqual([
      ['parse', 'TypeError: scan broke'],
      ['extract', 'TypeError: rule broke'],
    ]);
    expect(await counter('iocflow_enricher_dead_letters_total')).toEqual({ 'parse,enrich_failed': 1, 'extract,enrich_failed': 1 });
  });

  it('contains a match that breaks the output (a store answering garbage for one value) to the events holding that value', async () => {
    const broken = { kind: 'ip', indicator: undefined, feeds: ['Feed-A'] } as unknown as IndicatorMatch;
    const { pipeline, out, dead, counter } = hostileSetup((query) => (query.value === '10.0.0.2' ? broken : undefined));
    await pipeline.handleBatch(batchOf([ordinary(1), ordinary(2), ordinary(3)]));
    expect(out().map((r) => JSON.parse(String(r.value)).event.id)).toEqual(['e1', 'e3']);
    expect(dead().map((r) => [String(r.headers?.[DEAD_LETTER_HEADERS.stage]), String(r.headers?.[DEAD_LETTER_HEADERS.reason])])).toEqual([['apply', 'enrich_failed']]);
    expect(await counter('iocflow_enricher_dead_letters_total')).toEqual({ 'apply,enrich_failed': 1 });
    expect(await counter('iocflow_enricher_events_out_total')).toEqual({ miss: 2 });
    expect(await counter('iocflow_enricher_hits_total')).toEqual({});
  });

  it('keeps a record under maxRecordBytes by leaving enrichment entries out, never cutting misp_src, and says so in misp_partial', async () => {
    const related = ips(59);
    const { pipeline, out, dead, counter } = hostileSetup(ipHit((ip) => `Feed-${ip.split('.')[3]}`), { maxRecordBytes: 8192, maxObservablesPerEvent: 256 });
    await pipeline.handleBatch(batchOf([JSON.stringify({ event: { id: 'many' }, related: { ip: related }, message: 'm'.repeat(2000) }), ordinary(1)]));
    expect(dead()).toHaveLength(0);
    const [record] = out();
    expect(recordBytes(record!)).toBeLessThanOrEqual(8192);
    const event = JSON.parse(String(record?.value));
    expect(event.misp_src.split(',')).toHaveLength(59);
    expect(event.threat.enrichments.length).toBeGreaterThan(0);
    expect(event.threat.enrichments.length + event.misp_partial.enrichments_omitted).toBe(59);
    expect(event.message).toBe('m'.repeat(2000));
    expect(await counter('iocflow_enricher_events_out_total')).toEqual({ hit: 2 });
  });

  it('dead-letters an event whose enriched record is over maxRecordBytes even without enrichment entries (output_too_large)', async () => {
    const { pipeline, out, dead, counter } = hostileSetup(ipHit(() => 'Feed-A'), { maxRecordBytes: 8192 });
    await pipeline.handleBatch(batchOf([ordinary(1), JSON.stringify({ source: { ip: '10.1.1.1' }, message: 'm'.repeat(8100) }), ordinary(2)]));
    expect(out()).toHaveLength(2);
    expect(dead().map((r) => [String(r.headers?.[DEAD_LETTER_HEADERS.stage]), String(r.headers?.[DEAD_LETTER_HEADERS.reason])])).toEqual([['apply', 'output_too_large']]);
    expect(await counter('iocflow_enricher_dead_letters_total')).toEqual({ 'apply,output_too_large': 1 });
  });

  it('writes at most maxEnrichments entries and cuts a long MISP event info (description) to 1,024 characters', async () => {
    const info = 'i'.repeat(64 * 1024);
    const answer = (query: LookupQuery): IndicatorMatch => ({ kind: 'ip', indicator: query.value, feeds: ['Feed-T'], source: { eventUuid: 'e', eventInfo: info, attributeUuid: 'a' } });
    const { pipeline, out } = hostileSetup(answer, { maxEnrichments: 3 });
    await pipeline.handleBatch(batchOf([JSON.stringify({ related: { ip: ips(5) } })]));
    const event = JSON.parse(String(out()[0]?.value));
    expect(event.threat.enrichments).toHaveLength(3);
    expect(event.misp_partial).toEqual({ enrichments_omitted: 2 });
    expect(event.threat.enrichments[0].indicator.description).toBe(`${'i'.repeat(1023)}…`);
    expect(event.misp_src).toBe('Feed-T');
  });

  it('never says "none" for observables beyond the cap that were not looked up: unknown without a hit, counted', async () => {
    const { pipeline, out, counter } = hostileSetup(ipHit((ip) => (ip === ips(1, 2)[0] ? 'Feed-H' : undefined)), { maxObservablesPerEvent: 4 });
    const missFirst = JSON.stringify({ event: { id: 'tail' }, related: { ip: [...ips(4, 10), ...ips(6, 20)] } });
    const hitFirst = JSON.stringify({ event: { id: 'head' }, related: { ip: ips(10, 1) } });
    await pipeline.handleBatch(batchOf([missFirst, hitFirst, ordinary(1)]));
    const [tail, head, plain] = out().map((r) => JSON.parse(String(r.value)));
    expect([tail.misp_src, tail.misp_partial]).toEqual(['unknown', { observables_unchecked: 6 }]);
    expect([head.misp_src, head.misp_partial]).toEqual(['Feed-H', { observables_unchecked: 6 }]);
    expect([plain.misp_src, plain.misp_partial]).toEqual(['none', undefined]);
    expect(await counter('iocflow_enricher_events_out_total')).toEqual({ hit: 1, miss: 1, unchecked: 1 });
    expect(await counter('iocflow_enricher_observables_unchecked_total')).toEqual({ total: 12 });
  });

  it('replaces an earlier misp_partial on a replayed event', async () => {
    const { pipeline, out } = hostileSetup(() => undefined);
    await pipeline.handleBatch(batchOf([JSON.stringify({ misp_src: 'unknown', misp_partial: { observables_unchecked: 9 }, source: { ip: '10.0.0.1' } })]));
    expect(JSON.parse(String(out()[0]?.value))).toEqual({ misp_src: 'none', source: { ip: '10.0.0.1' } });
  });

  it('dead-letters alone a record the broker refuses for its size (output_refused) and sends the rest', async () => {
    class RefusingProducer extends RecordingProducer {
      override async send(records: readonly KafkaProducedRecord[]): Promise<void> {
        if (records.some((r) => r.topic === 'out' && String(r.value).length > 1000)) {
          const cause = Object.assign(new Error('The request included a message larger than the max message size the server will accept'), { type: 'MESSAGE_TOO_LARGE', code: 10 });
          throw Object.assign(new Error('KAFKA_REJECTED: kafka send: KafkaJSProtocolError'), { code: 'KAFKA_REJECTED', retriable: false, cause });
        }
        await super.send(records);
      }
    }
    const { pipeline, out, dead, counter } = hostileSetup(() => undefined, {}, new RefusingProducer());
    await pipeline.handleBatch(batchOf([ordinary(1), ordinary(2), JSON.stringify({ message: 'x'.repeat(2000) }), ordinary(3)]));
    expect(out().map((r) => JSON.parse(String(r.value)).event.id)).toEqual(['e1', 'e2', 'e3']);
    expect(dead().map((r) => [String(r.headers?.[DEAD_LETTER_HEADERS.reason]), String(r.headers?.[DEAD_LETTER_HEADERS.offset])])).toEqual([['output_refused', '102']]);
    expect(String(dead()[0]?.headers?.[DEAD_LETTER_HEADERS.stage])).toBe('produce');
    expect(await counter('iocflow_enricher_events_out_total')).toEqual({ miss: 3 });
    expect(await counter('iocflow_enricher_dead_letters_total')).toEqual({ 'produce,output_refused': 1 });
  });

  it('keeps a dead letter within its topic whatever the record carries: a huge key and headers are cut and said so', async () => {
    const { pipeline, dead } = hostileSetup(() => undefined, { maxRecordBytes: 8192 });
    const batch = batchOf([ordinary(1)]);
    const message = { ...batch.messages[0]!, key: Buffer.alloc(100_000, 0x6b), headers: { big: Buffer.alloc(100_000) } };
    await pipeline.handleBatch({ ...batch, messages: [message] });
    const [letter] = dead();
    expect(String(letter?.headers?.[DEAD_LETTER_HEADERS.reason])).toBe('output_too_large');
    expect((letter?.key as Buffer).length).toBe(32 * 1024);
    expect(letter?.headers).toMatchObject({ 'iocflow.dlq.key.truncated': '100000', 'iocflow.dlq.headers.dropped': '1' });
    expect(letter?.headers).not.toHaveProperty('big');
  });

  it('still fails the batch for a refusal that is not about one record (authorisation: a failure of the world)', async () => {
    class DenyingProducer extends RecordingProducer {
      override async send(): Promise<void> {
        throw Object.assign(new Error('KAFKA_REJECTED: Not authorized'), { code: 'KAFKA_REJECTED', retriable: false, cause: { type: 'TOPIC_AUTHORIZATION_FAILED', code: 29 } });
      }
    }
    const { pipeline } = hostileSetup(() => undefined, {}, new DenyingProducer());
    await expect(pipeline.handleBatch(batchOf([ordinary(1)]))).rejects.toThrow('Not authorized');
  });
});

describe('a large batch', () => {
  it('goes to the producer in one acknowledged send, in order (the producer owner cuts it by size)', async () => {
    const { producer, pipeline } = setup({}, { maxEventBytes: 1_048_576 });
    const event = JSON.stringify({ destination: { domain: 'good.org' }, message: 'x'.repeat(8000) });
    await pipeline.handleBatch(batchOf(Array.from({ length: 300 }, () => event)));
    expect(producer.sent).toHaveLength(1);
    const all = producer.sent.flat();
    expect(all).toHaveLength(300);
    expect(all.map((r) => String(r.key))).toEqual(Array.from({ length: 300 }, (_, i) => `k${i}`));
  });
});
