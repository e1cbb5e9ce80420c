import fc from 'fast-check';
import { formatSyncSentinel, lookupKey, SYNC_SENTINEL_KEY } from '@iocflow/core';
import type { KafkaConsumedBatch, KafkaProducedRecord } from '@iocflow/io';
import { fuzzRuns, hostileRecordValue, hostileString } from '@iocflow/testing';
import { Registry } from 'prom-client';
import { indicatorRecord } from '../../test/indicator-records';
import { RecordedTopicReader } from '../../test/unit/recorded-topic-reader';
import type { IndicatorLookup, IndicatorMatch, LookupQuery, StoreStatus } from '../lookup/indicator-lookup';
import { IndicatorTopicFollower } from '../lookup/indicator-topic-follower';
import { IpRangeSet, isIpRangeKey } from '../lookup/ip-range-set';
import { MemcachedIndicatorLookup, type MemcachedReader } from '../lookup/memcached.lookup';
import { EnricherMetrics } from '../metrics/enricher.metrics';
import { DEAD_LETTER_REASONS } from './dead-letter-reason';
import { recordBytes } from '@iocflow/io';
import { DEAD_LETTER_HEADERS, EnricherPipeline, type EnricherPipelineOptions } from './enricher.pipeline';
import { compileRules } from './extract-observables';
import { DEFAULT_LOOKUP_RULES } from './lookup-rules';
import { parseEvent } from './parse-event';

/** A table-mode store that hits on every value holding a digit 7, with a long MISP event info (the enrichment grows the record). */
class HostileStore implements IndicatorLookup {
  readonly mode = 'table';
  status(): StoreStatus {
    return { usable: true };
  }
  async resolve(queries: readonly LookupQuery[]): Promise<(IndicatorMatch | undefined)[]> {
    return queries.map((query) =>
      query.value.includes('7') ? { kind: query.kind, indicator: query.value, feeds: [`Feed-${query.value.length % 5}`], source: { eventUuid: 'e', eventInfo: 'i'.repeat(5000), attributeUuid: 'a' } } : undefined,
    );
  }
}

const options: EnricherPipelineOptions = {
  enrichedTopic: 'out',
  deadLetterTopic: 'in-dlq',
  rules: compileRules(DEFAULT_LOOKUP_RULES, true),
  maxEventBytes: 64 * 1024,
  maxDepth: 1000,
  maxObservablesPerEvent: 64,
  maxRecordBytes: 24 * 1024,
  maxEnrichments: 16,
  deadLetterMaxBytes: 16 * 1024,
  onStoreUnavailable: 'hold',
  retryInitialMs: 1,
  retryMaxMs: 2,
  holdMaxMs: 1000,
};

function batchOf(values: readonly (Buffer | null)[], keys: readonly string[]): KafkaConsumedBatch {
  return {
    topic: 'in',
    partition: 0,
    highWatermark: String(values.length),
    messages: values.map((value, i) => ({ offset: String(i), key: Buffer.from(keys[i % keys.length] ?? ''), value, headers: { h: Buffer.from(keys[i % keys.length] ?? '') }, timestamp: '0' })),
  };
}

/**
 * Memcached mode as issue 12 left it: exact keys from an in-memory reader (the integration tier
 * uses the real memcached) and IP ranges followed in process from a recorded topic, so addresses
 * that miss their exact key go through the range check.
 */
async function memcachedWithRanges(): Promise<IndicatorLookup> {
  const exact = new Map<string, string>([
    [SYNC_SENTINEL_KEY, formatSyncSentinel({ lastSuccessAt: new Date().toISOString(), indicatorCount: 3, sources: { misp: { lastSuccessAt: new Date().toISOString(), intervalMs: 60_000 } } })],
    [lookupKey('ip', '10.7.7.7'), 'Feed-Exact'],
    [lookupKey('domain', 'example.com'), 'Feed-D'],
  ]);
  const reader: MemcachedReader = { getMany: async (keys) => new Map(keys.flatMap((key) => (exact.has(key) ? [[key, exact.get(key) as string] as const] : []))) };
  const topic = new RecordedTopicReader([indicatorRecord('ip', '0.0.0.0/1', ['Feed-Low']), indicatorRecord('ip', '2000::/3', ['Feed-V6']), indicatorRecord('ip', '10.0.0.0/8', ['Feed-Ten']), { key: 'ip-10.0.0.0/33', value: '{"attributes":[null]}' }]);
  const ranges = new IpRangeSet(new IndicatorTopicFollower('iocs', () => topic, { keep: isIpRangeKey }));
  await ranges.load();
  return new MemcachedIndicatorLookup(reader, { maxStalenessMs: 900_000, cacheTtlMs: 0, cacheMaxEntries: 100, ranges });
}

async function counter(registry: Registry, name: string): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return ((metric?.values ?? []) as { value: number }[]).reduce((sum, value) => sum + value.value, 0);
}

// Issue 11, deliverable 4: whatever the records hold, a batch resolves, every record comes out
// once (enriched or dead-lettered with a reason from the closed set), and every output is within
// its limits — with a table-mode store and with memcached mode's IP ranges (issue 12), and the
// counters reconcile (in = out by outcome, no_observable included, + dead letters).
describe('EnricherPipeline.handleBatch on arbitrary records (fast-check)', () => {
  it.each([
    ['a table-mode store', 11_001, async (): Promise<IndicatorLookup> => new HostileStore()],
    ['memcached mode with IP ranges in process', 11_003, memcachedWithRanges],
  ])('resolves, accounts for every record once, and keeps every output within its limits: %s', async (_name, seed, createLookup) => {
    const lookup = await createLookup();
    await fc.assert(
      fc.asyncProperty(fc.array(hostileRecordValue, { minLength: 1, maxLength: 12 }), fc.array(hostileString(16), { minLength: 1, maxLength: 3 }), async (values, keys) => {
        const sent: KafkaProducedRecord[] = [];
        const registry = new Registry();
        const pipeline = new EnricherPipeline(options, lookup, { send: async (records) => void sent.push(...records) }, new EnricherMetrics(registry), {
          storeUnavailable: () => undefined,
          deadLettered: () => undefined,
        });
        await pipeline.handleBatch(batchOf(values, keys));
        const seen = new Map<string, number>();
        for (const record of sent) {
          const offset = record.topic === 'out' ? String(record.headers?.['iocflow.origin']).split('/')[2] : String(record.headers?.[DEAD_LETTER_HEADERS.offset]);
          seen.set(offset ?? '', (seen.get(offset ?? '') ?? 0) + 1);
          if (record.topic === 'out') {
            expect(recordBytes(record)).toBeLessThanOrEqual(options.maxRecordBytes!);
            const event = JSON.parse(String(record.value)) as Record<string, unknown>;
            expect(typeof event['misp_src']).toBe('string');
            const partial = event['misp_partial'] as { observables_unchecked?: number } | undefined;
            const enrichments = (event['threat'] as { enrichments?: { indicator?: { provider?: string } }[] } | undefined)?.enrichments?.filter((entry) => entry.indicator?.provider === 'misp') ?? [];
            // never "none" for observables nobody looked up
            if ((partial?.observables_unchecked ?? 0) > 0 && enrichments.length === 0) expect(event['misp_src']).not.toBe('none');
            expect(enrichments.length).toBeLessThanOrEqual(options.maxEnrichments!);
          } else {
            expect(record.topic).toBe('in-dlq');
            expect(DEAD_LETTER_REASONS).toContain(String(record.headers?.[DEAD_LETTER_HEADERS.reason]));
            expect((record.value as Buffer | null)?.length ?? 0).toBeLessThanOrEqual(options.deadLetterMaxBytes!);
          }
        }
        expect([...seen.keys()].sort()).toEqual(values.map((_, i) => String(i)).sort());
        expect([...seen.values()].every((count) => count === 1)).toBe(true);
        const enriched = sent.filter((record) => record.topic === 'out').length;
        expect(await counter(registry, 'iocflow_enricher_events_out_total')).toBe(enriched);
        expect(await counter(registry, 'iocflow_enricher_dead_letters_total')).toBe(sent.length - enriched);
        expect(await counter(registry, 'iocflow_enricher_events_in_total')).toBe(values.length);
      }),
      fuzzRuns(seed, 150),
    );
  }, 60_000);

  it('parseEvent answers arbitrary bytes with an event or a rejection, never an exception', () => {
    fc.assert(
      fc.property(hostileRecordValue, (value) => {
        const result = parseEvent(value, { maxBytes: options.maxEventBytes, maxDepth: 1000 });
        expect(typeof result.ok).toBe('boolean');
        if (result.ok) expect(typeof result.parsed.event).toBe('object');
      }),
      fuzzRuns(11_002, 300),
    );
  });
});
