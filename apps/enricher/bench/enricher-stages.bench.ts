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
 * Then the stages alone (parse, parse + extract, apply) to show where the time goes, each both
 * ways: `JSON.parse` (parseEvent, the whole-event parse the enricher used before issue 14) and
 * `scan` (readEvent, the validating scan the pipeline uses). `passthrough` is the floor the
 * enrichment is measured against: the same records handed to the producer unchanged (key, value,
 * headers), no parse, no lookup. Every variant runs on two loads: `generated` (the load
 * generator's ECS events, ~300–800 bytes) and `fixtures` (real Suricata EVE, Zeek JSON and
 * filebeat nginx ECS documents from test/fixtures, cycled to BENCH_EVENTS, with rules for their
 * fields added to the defaults). Rounds alternate the variants (ABAB…); the fast loop for
 * optimising the hot path. `node --cpu-prof dist/bench/enricher-stages.js` gives a profile of the
 * same work.
 *
 *   npm run bench enricher-stages
 */
/* eslint-disable no-console -- a benchmark reports on stdout */
import { readFileSync } from 'node:fs';
import path from 'node:path';
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
import { compileRules, eventPlan, extractObservables, type CompiledRule } from '../src/pipeline/extract-observables';
import { DEFAULT_LOOKUP_RULES } from '../src/pipeline/lookup-rules';
import { parseEvent, readEvent, type ParseResult } from '../src/pipeline/parse-event';
import { zeekTsvToJson } from '../test/producers/zeek-tsv-to-json';
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

/**
 * The producer: counts the records, and encodes a value given as a string to UTF-8 as every Kafka
 * client must before writing it (a Buffer value, the passthrough's and the scan path's, is written
 * as it is).
 */
const collector = {
  records: 0,
  bytes: 0,
  async send(records: readonly KafkaProducedRecord[]): Promise<void> {
    this.records += records.length;
    for (const record of records) this.bytes += typeof record.value === 'string' ? Buffer.from(record.value, 'utf8').length : (record.value?.length ?? 0);
  },
};

/** The defaults plus the fields the fixture events hold (Zeek and Suricata spell them as docs/producers.md says). */
const FIXTURE_RULES = [
  ...DEFAULT_LOOKUP_RULES,
  { field: 'id.orig_h', kind: 'ip' },
  { field: 'id.resp_h', kind: 'ip' },
  { field: 'query', kind: 'domain' },
  { field: 'host', kind: 'domain' },
  { field: 'src_ip', kind: 'ip' },
  { field: 'dest_ip', kind: 'ip' },
  { field: 'dns.rrname', kind: 'domain' },
  { field: 'http.hostname', kind: 'domain' },
] as const;

function optionsFor(rules: readonly CompiledRule[]) {
  return {
    enrichedTopic: 'out',
    deadLetterTopic: 'dlq',
    rules,
    maxEventBytes: 1_048_576,
    maxObservablesPerEvent: 256,
    onStoreUnavailable: 'hold' as const,
    retryInitialMs: 100,
    retryMaxMs: 1000,
    holdMaxMs: 25_000,
  };
}
const limits = { maxBytes: 1_048_576, maxDepth: DEFAULT_MAX_JSON_DEPTH };
const quietLog = { storeUnavailable: () => undefined, deadLettered: () => undefined };

/** Real events from test/fixtures (origin and licence in test/fixtures/SOURCES.md), one JSON text each. */
function fixtureEvents(): string[] {
  const fixtures = path.join(process.cwd(), 'test', 'fixtures');
  const read = (relative: string): string => readFileSync(path.join(fixtures, relative), 'utf8');
  const suricata = read('tenzir/integration/data/suricata/eve.json').split('\n').filter((line) => line.trim() !== '');
  const nginx = (JSON.parse(read('elastic-beats/filebeat/module/nginx/access/test/test.log-expected.json')) as unknown[]).map((document) => JSON.stringify(document));
  const zeek = ['conn', 'dns', 'http'].flatMap((log) => zeekTsvToJson(read(`zeek/testing/btest/Baseline/opt.basic/${log}.log`), 1_300_475_167.096535).lines);
  return [...suricata, ...nginx, ...zeek];
}

function batchesOf(values: readonly Buffer[]): KafkaConsumedBatch[] {
  const batches: KafkaConsumedBatch[] = [];
  for (let i = 0; i < values.length; i += BATCH) {
    batches.push({
      topic: 'raw',
      partition: 0,
      highWatermark: String(values.length),
      messages: values.slice(i, i + BATCH).map((value, j) => ({ offset: String(i + j), key: Buffer.from(`e${i + j}`), value, headers: {}, timestamp: '0' })),
    });
  }
  return batches;
}

/** The stage variants on one load, both ways (`JSON.parse` = parseEvent, `scan` = readEvent). */
function stageVariants(label: string, batches: readonly KafkaConsumedBatch[], rules: readonly CompiledRule[]): Record<string, () => Promise<void>> {
  const plan = eventPlan(rules);
  const ways: Record<string, (value: Buffer | null) => ParseResult> = {
    'JSON.parse': (value) => parseEvent(value, limits),
    scan: (value) => readEvent(value, limits, plan),
  };
  const variants: Record<string, () => Promise<void>> = {
    [`${label}: passthrough (records out unchanged)`]: async () => {
      for (const batch of batches) {
        const records: KafkaProducedRecord[] = batch.messages.map((m) => ({ topic: 'out', key: m.key, value: m.value, headers: m.headers }));
        await collector.send(records);
      }
    },
  };
  for (const [way, read] of Object.entries(ways)) {
    variants[`${label}: parse only, ${way}`] = async () => {
      for (const batch of batches) for (const m of batch.messages) read(m.value);
    };
    variants[`${label}: parse + extract, ${way}`] = async () => {
      for (const batch of batches) {
        for (const m of batch.messages) {
          const parsed = read(m.value);
          if (parsed.ok) extractObservables(parsed.parsed.event, rules, 256);
        }
      }
    };
    variants[`${label}: parse + extract + apply (all miss) + encode, ${way}`] = async () => {
      for (const batch of batches) {
        for (const m of batch.messages) {
          const parsed = read(m.value);
          if (!parsed.ok) continue;
          const extracted = extractObservables(parsed.parsed.event, rules, 256);
          if (!extracted.ok) continue;
          const output = applyEnrichment(parsed.parsed, extracted.observations, { known: true, matches: [] });
          // as the producer will write it: UTF-8 bytes
          collector.bytes += typeof output === 'string' ? Buffer.from(output, 'utf8').length : output.length;
        }
      }
    };
  }
  return variants;
}

async function main(): Promise<void> {
  const sample = Array.from({ length: 5000 }, (_, i) => indicatorDomain(i * Math.floor(INDICATORS / 5000)));
  const values = generateEvents({ events: EVENTS, hitRate: 0.05, indicatorDomains: sample, benignDomains: 200_000, seed: 42 }).values;
  const batches = batchesOf(values);
  const real = fixtureEvents();
  const realBatches = batchesOf(Array.from({ length: EVENTS }, (_, i) => Buffer.from(real[i % real.length] as string)));
  const defaultRules = compileRules(DEFAULT_LOOKUP_RULES, true);
  const fixtureRules = compileRules(FIXTURE_RULES, true);
  const options = optionsFor(defaultRules);
  const meanBytes = (list: readonly KafkaConsumedBatch[]): number => Math.round(list.reduce((sum, batch) => sum + batch.messages.reduce((bytes, m) => bytes + (m.value?.length ?? 0), 0), 0) / EVENTS);
  console.log(`loads: generated ${EVENTS} events (mean ${meanBytes(batches)} bytes); fixtures ${real.length} real events cycled to ${EVENTS} (mean ${meanBytes(realBatches)} bytes)`);

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

  const fixturePipeline = new EnricherPipeline(optionsFor(fixtureRules), new TableStore(table), collector, new EnricherMetrics(new Registry()), quietLog);

  const variants: Record<string, () => Promise<void>> = {
    ...stageVariants('generated', batches, defaultRules),
    'generated: pipeline, table mode': async () => {
      for (const batch of batches) await tablePipeline.handleBatch(batch);
    },
    'generated: pipeline, memcached mode (Map reader)': async () => {
      for (const batch of batches) await mcPipeline.handleBatch(batch);
    },
    [`generated: pipeline, memcached mode + ${RANGES} IP ranges (Map reader)`]: async () => {
      for (const batch of batches) await mcRangesPipeline.handleBatch(batch);
    },
    ...stageVariants('fixtures', realBatches, fixtureRules),
    'fixtures: pipeline, table mode': async () => {
      for (const batch of realBatches) await fixturePipeline.handleBatch(batch);
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
