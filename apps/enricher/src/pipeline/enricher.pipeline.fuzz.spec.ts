import fc from 'fast-check';
import type { KafkaConsumedBatch, KafkaProducedRecord } from '@iocflow/io';
import { fuzzRuns, hostileRecordValue, hostileString } from '@iocflow/testing';
import { Registry } from 'prom-client';
import type { IndicatorLookup, IndicatorMatch, LookupQuery, StoreStatus } from '../lookup/indicator-lookup';
import { EnricherMetrics } from '../metrics/enricher.metrics';
import { DEAD_LETTER_REASONS } from './dead-letter-reason';
import { DEAD_LETTER_HEADERS, EnricherPipeline, recordBytes, type EnricherPipelineOptions } from './enricher.pipeline';
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

// Issue 11, deliverable 4: whatever the records hold, a batch resolves, every record comes out
// once (enriched or dead-lettered with a reason from the closed set), and every output is within
// its limits.
describe('EnricherPipeline.handleBatch on arbitrary records (fast-check)', () => {
  it('resolves, accounts for every record once, and keeps every output within its limits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileRecordValue, { minLength: 1, maxLength: 12 }), fc.array(hostileString(16), { minLength: 1, maxLength: 3 }), async (values, keys) => {
        const sent: KafkaProducedRecord[] = [];
        const pipeline = new EnricherPipeline(options, new HostileStore(), { send: async (records) => void sent.push(...records) }, new EnricherMetrics(new Registry()), {
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
      }),
      fuzzRuns(11_001, 150),
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
