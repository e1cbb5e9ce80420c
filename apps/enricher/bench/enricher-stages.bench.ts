/**
 * The enricher's CPU cost per event, without Kafka: the pipeline's `handleBatch` driven on
 * BENCH_EVENTS (default 100,000) load-generator events in batches of BENCH_BATCH (default 1,000),
 * with a producer that only counts the records, timed in process CPU time. Two stores:
 *
 *   table      the real IndicatorTable with BENCH_INDICATORS domains (default 1,000,000)
 *   memcached  the real MemcachedIndicatorLookup over an in-process reader answering from a Map
 *              (the CPU of key building, dedupe, cache and answers; no socket)
 *   memcached + IP ranges  the same, with BENCH_RANGES (default 1,000) IP ranges kept in process
 *              (IpRangeSet, loaded from an in-memory topic): every address that missed its exact
 *              key is checked against them — the hot-path cost of CIDR matching in memcached mode.
 *              No generated address falls in a bench range, so every check probes every prefix
 *              length present (the dearest case).
 *
 * Then the stages alone (parse, parse + extract, apply) to show where the time goes. Rounds
 * alternate the variants (ABAB…) and medians are reported; the fast loop for optimising the hot
 * path. `node --cpu-prof dist/bench/enricher-stages.js` gives a profile of the same work.
 *
 *   npm run bench enricher-stages
 */
/* eslint-disable no-console -- a benchmark reports on stdout */
import { DEFAULT_MAX_JSON_DEPTH, SYNC_SENTINEL_KEY, formatSyncSentinel } from '@iocflow/core';
import type { KafkaBatchHandler, KafkaConsumedBatch, KafkaProducedRecord, KafkaReadResult, KafkaTopicReaderPort } from '@iocflow/io';
import { Registry } from 'prom-client';
import type { IndicatorLookup, IndicatorMatch, LookupQuery, StoreStatus } from '../src/lookup/indicator-lookup';
import { IndicatorTable } from '../src/lookup/indicator-table';
import { IndicatorTopicFollower } from '../src/lookup/indicator-topic-follower';
import { IpRangeSet, isIpRangeKey } from '../src/lookup/ip-range-set';
import { MemcachedIndicatorLookup, type MemcachedReader } from '../src/lookup/memcached.lookup';
import { EnricherMetrics } from '../src/metrics/enricher.metrics';
import { applyEnrichment } from '../src/pipeline/apply-enrichment';
import { EnricherPipeline } from '../src/pipeline/enricher.pipeline';
import { compileRules, extractObservables } from '../src/pipeline/extract-observables';
import { DEFAULT_LOOKUP_RULES } from '../src/pipeline/lookup-rules';
import { parseEvent } from '../src/pipeline/parse-event';
import { generateEvents } from './load-generator';
import { benchIndicatorRecord, benchRangeRecord, gc, indicatorDomain } from './bench-fixtures';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const INDICATORS = Number(process.env['BENCH_INDICATORS'] ?? 1_000_000);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 1000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const ONLY = process.env['BENCH_ONLY'];
const RANGES = Number(process.env['BENCH_RANGES'] ?? 1000);


class TableStore implements IndicatorLookup {
  readonly mode = 'table';
  constructor(private readonly table: IndicatorTable) {}
  status(): StoreStatus {
    return { usable: true };
  }
  async resolve(queries: readonly LookupQuery[]): Promise<(IndicatorMatch | undefined)[]> {
    return queries.map((query) => this.table.lookup(query));
  }
}

/** memcached's answers from a Map: the lookup's own CPU, no socket. */
class MapReader implements MemcachedReader {
  constructor(private readonly values: Map<string, string>) {}
  async getMany(keys: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const key of keys) {
      const value = this.values.get(key);
      if (value !== undefined) found.set(key, value);
    }
    return found;
  }
}

/** A topic held in an array, read once (the ranges' initial load; nothing follows). */
class ArrayTopicReader implements KafkaTopicReaderPort {
  constructor(private readonly records: readonly { key: string; value: string }[]) {}
  async read(topic: string, handler: KafkaBatchHandler): Promise<KafkaReadResult> {
    const messages = this.records.map((record, i) => ({ offset: String(i), key: Buffer.from(record.key), value: Buffer.from(record.value), headers: {}, timestamp: '0' }));
    await handler({ topic, partition: 0, highWatermark: String(messages.length), messages });
    return { messages: messages.length, endOffsets: { 0: String(messages.length) } };
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
}

const collector = {
  records: 0,
  async send(records: readonly KafkaProducedRecord[]): Promise<void> {
    this.records += records.length;
  },
};

const options = {
  enrichedTopic: 'out',
  deadLetterTopic: 'dlq',
  rules: compileRules(DEFAULT_LOOKUP_RULES, true),
  maxEventBytes: 1_048_576,
  maxObservablesPerEvent: 256,
  onStoreUnavailable: 'hold' as const,
  retryInitialMs: 100,
  retryMaxMs: 1000,
  holdMaxMs: 25_000,
};
const limits = { maxBytes: options.maxEventBytes, maxDepth: DEFAULT_MAX_JSON_DEPTH };
const quietLog = { storeUnavailable: () => undefined, deadLettered: () => undefined };

async function main(): Promise<void> {
  const sample = Array.from({ length: 5000 }, (_, i) => indicatorDomain(i * Math.floor(INDICATORS / 5000)));
  const values = generateEvents({ events: EVENTS, hitRate: 0.05, indicatorDomains: sample, benignDomains: 200_000, seed: 42 }).values;
  const batches: KafkaConsumedBatch[] = [];
  for (let i = 0; i < values.length; i += BATCH) {
    batches.push({
      topic: 'raw',
      partition: 0,
      highWatermark: String(values.length),
      messages: values.slice(i, i + BATCH).map((value, j) => ({ offset: String(i + j), key: Buffer.from(`e${i + j}`), value, headers: {}, timestamp: '0' })),
    });
  }

  console.log(`building stores with ${INDICATORS} indicators…`);
  const table = new IndicatorTable();
  const stored = new Map<string, string>();
  for (let i = 0; i < INDICATORS; i++) {
    const record = benchIndicatorRecord(i);
    const key = record.key;
    table.apply(key, record);
    stored.set(key, 'Feed-Bench');
  }
  stored.set(SYNC_SENTINEL_KEY, formatSyncSentinel({ lastSuccessAt: new Date().toISOString(), indicatorCount: INDICATORS }));

  const tablePipeline = new EnricherPipeline(options, new TableStore(table), collector, new EnricherMetrics(new Registry()), quietLog);
  const mcLookup = new MemcachedIndicatorLookup(new MapReader(stored), { maxStalenessMs: 3_600_000, cacheTtlMs: 2000, cacheMaxEntries: 100_000 });
  const mcPipeline = new EnricherPipeline(options, mcLookup, collector, new EnricherMetrics(new Registry()), quietLog);
  const rangeRecords = Array.from({ length: RANGES }, (_, i) => {
    const record = benchRangeRecord(i);
    return { key: record.key, value: JSON.stringify(record) };
  });
  const ranges = new IpRangeSet(new IndicatorTopicFollower('bench-iocs', () => new ArrayTopicReader(rangeRecords), { keep: isIpRangeKey }));
  await ranges.load();
  console.log(`${ranges.table()?.rangeCount ?? 0} IP ranges in process (${RANGES} records)`);
  const mcRangesLookup = new MemcachedIndicatorLookup(new MapReader(stored), { maxStalenessMs: 3_600_000, cacheTtlMs: 2000, cacheMaxEntries: 100_000, ranges });
  const mcRangesPipeline = new EnricherPipeline(options, mcRangesLookup, collector, new EnricherMetrics(new Registry()), quietLog);

  const variants: Record<string, () => Promise<void>> = {
    'parse only': async () => {
      for (const batch of batches) for (const m of batch.messages) parseEvent(m.value, limits);
    },
    'parse + extract': async () => {
      for (const batch of batches) {
        for (const m of batch.messages) {
          const parsed = parseEvent(m.value, limits);
          if (parsed.ok) extractObservables(parsed.parsed.event, options.rules, options.maxObservablesPerEvent);
        }
      }
    },
    'parse + extract + apply (all miss)': async () => {
      for (const batch of batches) {
        for (const m of batch.messages) {
          const parsed = parseEvent(m.value, limits);
          if (!parsed.ok) continue;
          const extracted = extractObservables(parsed.parsed.event, options.rules, options.maxObservablesPerEvent);
          if (extracted.ok) applyEnrichment(parsed.parsed, extracted.observations, { known: true, matches: [] });
        }
      }
    },
    'pipeline, table mode': async () => {
      for (const batch of batches) await tablePipeline.handleBatch(batch);
    },
    'pipeline, memcached mode (Map reader)': async () => {
      for (const batch of batches) await mcPipeline.handleBatch(batch);
    },
    [`pipeline, memcached mode + ${RANGES} IP ranges (Map reader)`]: async () => {
      for (const batch of batches) await mcRangesPipeline.handleBatch(batch);
    },
  };
  const names = Object.keys(variants).filter((name) => ONLY === undefined || name.includes(ONLY));

  // Warm-up once each (JIT), then ROUNDS interleaved rounds.
  for (const name of names) await (variants[name] as () => Promise<void>)();
  const samples = new Map<string, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) {
      gc();
      const started = process.cpuUsage();
      await (variants[name] as () => Promise<void>)();
      const used = process.cpuUsage(started);
      (samples.get(name) as number[]).push((used.user + used.system) / EVENTS);
    }
  }
  // CPU time of the process (all its threads, GC included), not wall time: other work on a shared
  // machine delays a run but barely changes its CPU time. The minimum is the best estimate; the median shows the noise.
  console.log(`\n${EVENTS} events, batches of ${BATCH}, ${ROUNDS} interleaved rounds, process CPU time`);
  console.log('| stage | CPU µs/event (min) | CPU µs/event (median) | events/s per core (at the min) |\n| --- | --- | --- | --- |');
  for (const name of names) {
    const sorted = [...(samples.get(name) as number[])].sort((a, b) => a - b);
    const min = sorted[0] as number;
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    console.log(`| ${name} | ${min.toFixed(2)} | ${median.toFixed(2)} | ${Math.round(1e6 / min)} |`);
  }
}


main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
