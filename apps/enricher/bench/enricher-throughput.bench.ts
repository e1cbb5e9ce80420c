/**
 * Enricher throughput against its baselines, in one run, same broker, same messages, same client
 * (kafkajs 2.2.4 through the io owners, `KafkaBatchConsumer` + `KafkaProducer`, acks=all,
 * idempotent, one send per consumed batch, commit after the ack) — only the per-batch work differs:
 *
 *   passthrough   consume → produce the bytes unchanged (the ceiling)
 *   passthrough + origin headers
 *                 the same plus the `iocflow.origin` header the enricher adds to every
 *                 record (informative: what those cost in the client)
 *   memcached     the enricher pipeline, memcached mode (one multi-get per batch, 2 s cache;
 *                 and once more without the answer cache)
 *   table         the enricher pipeline, table mode (in-memory index of all indicators)
 *   … on-acknowledge
 *                 the same three with the consumer's on-acknowledge commit mode (the next
 *                 fetch and batch overlap the last one's produce; the enricher's
 *                 ENRICHER_COMMIT_MODE): the passthrough's own ceiling in that mode, and the
 *                 enricher in it
 *   per-event get the seed's way: parse, one memcached `get` of destination.domain per event,
 *                 awaited one after the other (Logstash's filter in one worker: at most
 *                 BENCH_BASELINE_WORKERS gets in flight in the process, default 1, whatever the
 *                 number of partitions handled at once), misp_src spliced in
 *
 * The machine is shared and noisy, so the variants are interleaved: BENCH_ROUNDS rounds (default
 * 3), each running every variant once in a rotated order, and medians are reported, with the
 * ratio of medians and the median of the per-round ratios. Each phase also reports the process
 * CPU time per event (µs), which other work on the machine barely changes.
 *
 * Indicators: BENCH_INDICATORS domains (default 1,000,000) in a private memcached and in the
 * table; events: BENCH_EVENTS (default 200,000; the per-event baseline reads the first
 * BENCH_BASELINE_EVENTS, default 20,000) ECS JSON of 300–800 bytes, Zipf-like domains, ~5% hits,
 * over BENCH_PARTITIONS partitions (default 4), handled 4 partitions at a time in every variant.
 *
 *   npm run bench enricher-throughput
 *   BENCH_ONLY=table node --expose-gc --cpu-prof dist/bench/enricher-throughput.js   (one variant, profiled)
 *   BENCH_ONLY='passthrough|passthrough + origin headers|enricher, memcached mode|enricher, table mode' …   (the four the goal compares)
 */
/* eslint-disable no-console -- a benchmark reports on stdout */

import { readFileSync } from 'node:fs';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { DEFAULT_MAX_JSON_DEPTH, lookupKey, ORIGIN_HEADER, originPrefix, originValue } from '@iocflow/core';
import {
  KafkaAdmin,
  KafkaBatchConsumer,
  KafkaProducer,
  MemcachedClient,
  parseKafkaClientKind,
  type KafkaBatchHandler,
  type KafkaCommitMode,
  type KafkaProducedRecord,
  type KafkaProducerPort,
} from '@iocflow/io';
import { freePort, pollUntil, TcpForwarder, uniqueName } from '@iocflow/testing';
import { Registry } from 'prom-client';
import type { IndicatorLookup, IndicatorMatch, LookupQuery, StoreStatus } from '../src/lookup/indicator-lookup';
import { IndicatorTable } from '../src/lookup/indicator-table';
import { MemcachedIndicatorLookup } from '../src/lookup/memcached.lookup';
import { EnricherMetrics } from '../src/metrics/enricher.metrics';
import { EnricherPipeline } from '../src/pipeline/enricher.pipeline';
import { compileRules } from '../src/pipeline/extract-observables';
import { DEFAULT_LOOKUP_RULES } from '../src/pipeline/lookup-rules';
import { parseEvent } from '../src/pipeline/parse-event';
import { generateEvents } from './load-generator';
import { benchIndicatorRecord, gc, indicatorDomain, loadBenchIndicators, startBenchMemcached } from './bench-fixtures';

const brokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 200_000);
const INDICATORS = Number(process.env['BENCH_INDICATORS'] ?? 1_000_000);
const PARTITIONS = Number(process.env['BENCH_PARTITIONS'] ?? 4);
const BASELINE_EVENTS = Number(process.env['BENCH_BASELINE_EVENTS'] ?? 20_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
/** Gets in flight at once in the per-event baseline (Logstash pipeline workers); default 1. */
const BASELINE_WORKERS = Number(process.env['BENCH_BASELINE_WORKERS'] ?? 1);
/**
 * Only the variants whose name contains this (e.g. `table` under `node --cpu-prof`); several
 * alternatives separated by `|`, a variant matching as a whole name when one is (`passthrough`
 * alone, not its on-acknowledge form).
 */
const ONLY = process.env['BENCH_ONLY']?.split('|');
const connection = { brokers, clientId: 'bench-enricher', logLevel: 'nothing' as const };
/** The client every variant's consumer and producer use (BENCH_KAFKA_CLIENT): platformatic (default) or kafkajs. */
const KAFKA_CLIENT = parseKafkaClientKind(process.env['BENCH_KAFKA_CLIENT']);
/**
 * Delay (ms) added to every request towards memcached by a forwarder in front of it, for the
 * memcached-mode enricher and the per-event baseline alike (0 = loopback, the default). Node's
 * timers make 1 ms the smallest step: a cross-zone round trip rather than a same-rack one.
 */
const MEMCACHED_DELAY_MS = Number(process.env['BENCH_MEMCACHED_DELAY_MS'] ?? 0);


/** A table-mode store around a prebuilt table (the Kafka load itself is measured separately). */
class PrebuiltTableLookup implements IndicatorLookup {
  readonly mode = 'table';
  constructor(private readonly table: IndicatorTable) {}
  status(): StoreStatus {
    return { usable: true };
  }
  async resolve(queries: readonly LookupQuery[]): Promise<(IndicatorMatch | undefined)[]> {
    return queries.map((query) => this.table.lookup(query));
  }
}

interface PhaseResult {
  readonly name: string;
  readonly events: number;
  readonly seconds: number;
  /** Process CPU time (user + system, all threads) per event, µs. */
  readonly cpuUsPerEvent: number;
  /** Of which the main thread's (the JavaScript; the rest is V8's GC helpers and libuv's pool), µs per event; NaN without /proc. */
  readonly mainThreadUsPerEvent: number;
}

interface Variant {
  readonly name: string;
  readonly events: number;
  readonly makeHandler: (out: KafkaProducerPort) => KafkaBatchHandler;
  /** The consumer's commit mode (default after-handler: the next fetch waits for the last one's acks). */
  readonly commitMode?: KafkaCommitMode;
  /** Printed after each phase (held lookups, lookup time). */
  readonly report?: () => Promise<void>;
}

async function main(): Promise<void> {
  const port = await freePort();
  const memcached = startBenchMemcached(port);
  const client = new MemcachedClient({ servers: `127.0.0.1:${port}`, requestTimeoutMs: 10_000 });
  await pollUntil(async () => (await client.version()).length > 0, { description: 'private memcached' });

  console.log(`loading ${INDICATORS} indicators into memcached…`);
  let started = performance.now();
  await loadBenchIndicators(client, INDICATORS);
  console.log(`  memcached load: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // What the lookups use: memcached itself, or the same through a slow link.
  const forwarder = MEMCACHED_DELAY_MS > 0 ? await TcpForwarder.start('127.0.0.1', port, { delayMs: MEMCACHED_DELAY_MS }) : undefined;
  const lookupClient = forwarder === undefined ? client : new MemcachedClient({ servers: forwarder.hostPort, requestTimeoutMs: 10_000 });
  console.log(`Kafka client: ${KAFKA_CLIENT}; memcached ${forwarder === undefined ? 'on loopback' : `behind a forwarder adding ${MEMCACHED_DELAY_MS} ms per request`}`);

  const raw = uniqueName('bench-enr-raw');
  const outputs = { pass: `${raw}-pass`, mc: `${raw}-mc`, table: `${raw}-table`, get: `${raw}-get`, dlq: `${raw}-dlq` };
  const admin = new KafkaAdmin(connection);
  await admin.connect();
  await admin.ensureTopics([{ topic: raw, partitions: PARTITIONS }, ...Object.values(outputs).map((topic) => ({ topic, partitions: PARTITIONS }))]);

  const sampleIndicators = Array.from({ length: 5000 }, (_, i) => indicatorDomain(i * Math.floor(INDICATORS / 5000)));
  let generated: Buffer[] | undefined = generateEvents({ events: EVENTS, hitRate: 0.05, indicatorDomains: sampleIndicators, benignDomains: 200_000, seed: 42 }).values;
  const bytes = generated.reduce((sum, value) => sum + value.length, 0);
  console.log(`producing ${EVENTS} events (${(bytes / EVENTS).toFixed(0)} bytes average) to ${PARTITIONS} partitions…`);
  const producer = new KafkaProducer(connection);
  await producer.connect();
  for (let i = 0; i < generated.length; i += 5000) {
    await producer.send(generated.slice(i, i + 5000).map((value, j) => ({ topic: raw, key: `e${i + j}`, value })));
  }
  generated = undefined;
  gc();

  const registries: Registry[] = [];
  const metrics = (): EnricherMetrics => {
    const registry = new Registry();
    registries.push(registry);
    return new EnricherMetrics(registry);
  };
  /** Held lookups and lookup time of the last enricher phase: a benchmark that silently held would be measuring backoff. */
  const report = async (): Promise<void> => {
    const registry = registries[registries.length - 1] as Registry;
    const all = await registry.getMetricsAsJSON();
    const values = (name: string) => (all.find((m) => m.name === name)?.values ?? []) as { value: number; labels: Record<string, string | number>; metricName?: string }[];
    const holds = values('iocflow_enricher_store_unavailable_total').map((v) => `${v.labels['code']}=${v.value}`);
    const lookup = values('iocflow_enricher_lookup_duration_seconds');
    const sum = lookup.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
    const count = lookup.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
    const batch = values('iocflow_enricher_batch_size');
    const events = batch.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
    console.log(`    holds: ${holds.join(' ') || 'none'}; ${count} lookups, mean ${((sum / Math.max(1, count)) * 1000).toFixed(2)} ms; mean batch ${(events / Math.max(1, count)).toFixed(0)} events`);
  };
  const pipelineOptions = (enrichedTopic: string) => ({
    enrichedTopic,
    deadLetterTopic: outputs.dlq,
    rules: compileRules(DEFAULT_LOOKUP_RULES, true),
    maxEventBytes: 1_048_576,
    maxObservablesPerEvent: 256,
    onStoreUnavailable: 'hold' as const,
    retryInitialMs: 100,
    retryMaxMs: 1000,
    holdMaxMs: 25_000,
  });

  const mcLookupOptions = { maxStalenessMs: 3_600_000, cacheTtlMs: 2000, cacheMaxEntries: 100_000 };

  console.log(`building the table with ${INDICATORS} indicators…`);
  started = performance.now();
  const heapBefore = process.memoryUsage().heapUsed;
  const table = new IndicatorTable();
  for (let i = 0; i < INDICATORS; i++) {
    const record = benchIndicatorRecord(i);
    const key = record.key;
    table.apply(key, record);
  }
  gc();
  const tableSeconds = (performance.now() - started) / 1000;
  const tableHeapMb = (process.memoryUsage().heapUsed - heapBefore) / 1048576;
  console.log(`  table built in ${tableSeconds.toFixed(1)} s, +${tableHeapMb.toFixed(0)} MB heap`);

  const allVariants: Variant[] = [
    {
      name: 'passthrough',
      events: EVENTS,
      makeHandler: (out) => async (batch) => {
        await out.send(batch.messages.map((m): KafkaProducedRecord => ({ topic: outputs.pass, key: m.key, value: m.value, headers: m.headers })));
      },
    },
    {
      // What the enricher adds to every record besides the enrichment (the indexer names documents after it): its cost in the client.
      name: 'passthrough + origin headers',
      events: EVENTS,
      // Built as the enricher builds it (bytes: one prefix per batch, then the offset).
      makeHandler: (out) => async (batch) => {
        const prefix = originPrefix(batch.topic, batch.partition);
        await out.send(
          batch.messages.map((m): KafkaProducedRecord => ({
            topic: outputs.pass,
            key: m.key,
            value: m.value,
            headers: { ...m.headers, [ORIGIN_HEADER]: originValue(prefix, m.offset) },
          })),
        );
      },
    },
    {
      name: 'enricher, memcached mode',
      events: EVENTS,
      // A fresh lookup (empty cache) per phase, so that rounds do not warm each other.
      makeHandler: (out) => {
        const pipeline = new EnricherPipeline(pipelineOptions(outputs.mc), new MemcachedIndicatorLookup(lookupClient, mcLookupOptions), out, metrics(), quietLog);
        return (batch) => pipeline.handleBatch(batch);
      },
      report,
    },
    {
      // The same without the answer cache (ENRICHER_CACHE_TTL=0): what the cache costs and saves in CPU.
      name: 'enricher, memcached mode, no answer cache',
      events: EVENTS,
      makeHandler: (out) => {
        const lookup = new MemcachedIndicatorLookup(lookupClient, { ...mcLookupOptions, cacheTtlMs: 0 });
        const pipeline = new EnricherPipeline(pipelineOptions(outputs.mc), lookup, out, metrics(), quietLog);
        return (batch) => pipeline.handleBatch(batch);
      },
      report,
    },
    {
      name: 'enricher, table mode',
      events: EVENTS,
      makeHandler: (out) => {
        const pipeline = new EnricherPipeline(pipelineOptions(outputs.table), new PrebuiltTableLookup(table), out, metrics(), quietLog);
        return (batch) => pipeline.handleBatch(batch);
      },
      report,
    },
    {
      // The seed's way: one `get` per event for destination.domain, awaited one after the other.
      name: 'per-event memcached get (seed baseline)',
      events: BASELINE_EVENTS,
      makeHandler: (out) => async (batch) => {
        const records: KafkaProducedRecord[] = [];
        for (const message of batch.messages) {
          const parsed = parseEvent(message.value, { maxBytes: 1_048_576, maxDepth: DEFAULT_MAX_JSON_DEPTH });
          if (!parsed.ok) continue;
          const destination = parsed.parsed.event['destination'] as { domain?: string } | undefined;
          const domain = destination?.domain;
          const feed = domain === undefined ? undefined : await baselineWorkers.run(() => lookupClient.get(lookupKey('domain', domain)));
          const value = `${parsed.parsed.text.slice(0, parsed.parsed.text.lastIndexOf('}'))},"misp_src":${JSON.stringify(feed ?? 'none')}}`;
          records.push({ topic: outputs.get, key: message.key, value, headers: message.headers });
        }
        await out.send(records);
      },
    },
  ];

  const ON_ACK = ['passthrough', 'enricher, memcached mode', 'enricher, table mode'];
  for (const variant of allVariants.filter((v) => ON_ACK.includes(v.name))) {
    allVariants.push({ ...variant, name: `${variant.name}, on-acknowledge`, commitMode: 'on-acknowledge' });
  }
  const exact = new Set(allVariants.map((variant) => variant.name).filter((name) => ONLY?.includes(name)));
  const variants = allVariants.filter((variant) => ONLY === undefined || exact.has(variant.name) || ONLY.some((part) => !exact.has(part) && variant.name.includes(part)));
  const results: PhaseResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    console.log(`round ${round + 1} of ${ROUNDS}`);
    for (let v = 0; v < variants.length; v++) {
      const variant = variants[(v + round) % variants.length] as Variant;
      results.push(await phase(variant, raw));
      await variant.report?.();
    }
  }

  const rates = (name: string): number[] => results.filter((r) => r.name === name).map((r) => r.events / r.seconds);
  const median = (values: readonly number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  };
  console.log(`\n${ROUNDS} interleaved rounds; events/s per variant: median [min–max]; process CPU µs per event: median (of which the main thread's)`);
  console.log('| variant | events per phase | events/s (median) | min–max | CPU µs/event (median) | main thread µs/event (median) |\n| --- | --- | --- | --- | --- | --- |');
  for (const variant of variants) {
    const r = rates(variant.name);
    const cpu = median(results.filter((x) => x.name === variant.name).map((x) => x.cpuUsPerEvent));
    const main = median(results.filter((x) => x.name === variant.name).map((x) => x.mainThreadUsPerEvent));
    console.log(`| ${variant.name} | ${variant.events} | ${Math.round(median(r))} | ${Math.round(Math.min(...r))}–${Math.round(Math.max(...r))} | ${cpu.toFixed(1)} | ${main.toFixed(1)} |`);
  }
  const ratio = (a: string, b: string): string => {
    if (rates(a).length === 0 || rates(b).length === 0) return 'n/a (variant not run)';
    const perRound = rates(a).map((rate, i) => rate / (rates(b)[i] as number));
    return `${(median(rates(a)) / median(rates(b))).toFixed(2)}× (ratio of medians); per round ${perRound.map((x) => x.toFixed(2)).join(', ')}`;
  };
  // CPU over a baseline within each round (the phases of one round are minutes apart at most; the machine's load moves between rounds)
  const cpuOver = (a: string, b: string): string => {
    const of = (name: string) => results.filter((r) => r.name === name).map((r) => r.cpuUsPerEvent);
    const deltas = of(a).map((cpu, i) => cpu - (of(b)[i] ?? Number.NaN)).filter((delta) => !Number.isNaN(delta));
    if (deltas.length === 0) return 'n/a (variant not run)';
    return `${median(deltas) >= 0 ? '+' : ''}${median(deltas).toFixed(1)} µs (median of the rounds); per round ${deltas.map((d) => d.toFixed(1)).join(', ')}`;
  };
  console.log(`\nCPU per event over the same round's baseline:`);
  for (const [a, b] of [
    ['passthrough + origin headers', 'passthrough'],
    ['enricher, memcached mode', 'passthrough'],
    ['enricher, table mode', 'passthrough'],
    ['enricher, memcached mode, no answer cache', 'passthrough'],
    ['enricher, memcached mode, no answer cache', 'enricher, memcached mode'],
    ['enricher, memcached mode', 'passthrough + origin headers'],
    ['enricher, table mode', 'passthrough + origin headers'],
  ] as const) {
    console.log(`${a} − ${b}: ${cpuOver(a, b)}`);
  }
  console.log(`\nmemcached mode / passthrough: ${ratio('enricher, memcached mode', 'passthrough')}`);
  console.log(`table mode / passthrough: ${ratio('enricher, table mode', 'passthrough')}`);
  console.log(`memcached mode / passthrough + origin headers: ${ratio('enricher, memcached mode', 'passthrough + origin headers')}`);
  console.log(`table mode / passthrough + origin headers: ${ratio('enricher, table mode', 'passthrough + origin headers')}`);
  console.log(`memcached mode, on-acknowledge / passthrough: ${ratio('enricher, memcached mode, on-acknowledge', 'passthrough')}`);
  console.log(`table mode, on-acknowledge / passthrough: ${ratio('enricher, table mode, on-acknowledge', 'passthrough')}`);
  console.log(`memcached mode, on-acknowledge / passthrough, on-acknowledge: ${ratio('enricher, memcached mode, on-acknowledge', 'passthrough, on-acknowledge')}`);
  console.log(`table mode, on-acknowledge / passthrough, on-acknowledge: ${ratio('enricher, table mode, on-acknowledge', 'passthrough, on-acknowledge')}`);
  console.log(`memcached mode, on-acknowledge / per-event get: ${ratio('enricher, memcached mode, on-acknowledge', 'per-event memcached get (seed baseline)')}`);
  console.log(`memcached mode / per-event get: ${ratio('enricher, memcached mode', 'per-event memcached get (seed baseline)')}`);
  console.log(`table mode / per-event get: ${ratio('enricher, table mode', 'per-event memcached get (seed baseline)')}`);
  console.log(`table: ${INDICATORS} indicators built in ${tableSeconds.toFixed(1)} s, +${tableHeapMb.toFixed(0)} MB heap`);

  await producer.disconnect();
  await admin.deleteTopics([raw, ...Object.values(outputs)]).catch(() => undefined);
  await admin.disconnect();
  if (lookupClient !== client) await lookupClient.close();
  await forwarder?.cut();
  await client.close();
  memcached.kill('SIGKILL');
}

/**
 * At most `limit` gets in flight across the process, whatever the number of partitions handled
 * at once: Logstash's filter stage with `pipeline.workers` = limit, each worker awaiting its get.
 */
class WorkerLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

const baselineWorkers = new WorkerLimit(BASELINE_WORKERS);

const quietLog = { storeUnavailable: () => undefined, deadLettered: () => undefined };

/** Consume `count` records of `topic` from the start in a fresh group; time from the first batch to the last ack. */
async function phase(variant: Variant, topic: string): Promise<PhaseResult> {
  const { name, events: count, makeHandler } = variant;
  gc();
  const out = new KafkaProducer({ ...connection, client: KAFKA_CLIENT });
  await out.connect();
  const handler = makeHandler(out);
  let seen = 0;
  let firstAt = 0;
  let lastAt = 0;
  let cpuAtFirst: NodeJS.CpuUsage | undefined;
  let cpu: NodeJS.CpuUsage | undefined;
  let mainAtFirst = Number.NaN;
  let mainCpu = Number.NaN;
  const pauses = new GcPauses();
  const consumer = new KafkaBatchConsumer({ ...connection, client: KAFKA_CLIENT, groupId: uniqueName('bench-enr'), topics: [topic], fromBeginning: true, partitionsConsumedConcurrently: PARTITIONS, commitMode: variant.commitMode ?? 'after-handler' });
  await consumer.run(async (batch) => {
    if (seen >= count) return;
    if (firstAt === 0) {
      firstAt = performance.now();
      cpuAtFirst = process.cpuUsage();
      mainAtFirst = mainThreadCpuUs();
      pauses.start();
    }
    await handler(batch);
    seen += batch.messages.length;
    if (seen >= count && lastAt === 0) {
      lastAt = performance.now();
      cpu = process.cpuUsage(cpuAtFirst);
      mainCpu = mainThreadCpuUs() - mainAtFirst;
      pauses.stop();
    }
  });
  await pollUntil(() => lastAt > 0, { timeoutMs: 600_000, intervalMs: 20, description: `${name}: ${count} records` });
  await consumer.stop();
  await out.disconnect();
  const seconds = (lastAt - firstAt) / 1000;
  const cpuUsPerEvent = cpu === undefined ? 0 : (cpu.user + cpu.system) / seen;
  const mainThreadUsPerEvent = mainCpu / seen;
  const result = { name, events: seen, seconds, cpuUsPerEvent, mainThreadUsPerEvent };
  console.log(`  ${name}: ${seen} events in ${seconds.toFixed(2)} s = ${Math.round(seen / seconds)} events/s, ${cpuUsPerEvent.toFixed(1)} CPU µs/event`);
  console.log(`    main thread ${mainThreadUsPerEvent.toFixed(1)} µs/event, other threads ${(cpuUsPerEvent - mainThreadUsPerEvent).toFixed(1)}; GC pauses (main thread) ${pauses.summary(seen)}`);
  return result;
}


/** CPU time (user + system) of the main thread so far, µs (/proc/self/task/<pid>/stat, 10 ms ticks); NaN without /proc. */
function mainThreadCpuUs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    // fields after the command name (which may hold spaces); utime and stime are fields 14 and 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
}

/** The garbage collector's pauses of the main thread during a phase, by kind (PerformanceObserver 'gc' entries). */
class GcPauses {
  private readonly byKind = new Map<string, { count: number; ms: number }>();
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = gcKindName((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind);
      const sum = this.byKind.get(kind) ?? { count: 0, ms: 0 };
      sum.count++;
      sum.ms += entry.duration;
      this.byKind.set(kind, sum);
    }
  });
  start(): void {
    this.observer.observe({ entryTypes: ['gc'] });
  }
  stop(): void {
    this.observer.disconnect();
  }
  summary(events: number): string {
    const parts = [...this.byKind].map(([kind, { count, ms }]) => `${kind} ${count}× ${((ms * 1000) / events).toFixed(2)} µs/event`);
    return parts.join(', ') || 'none';
  }
}

function gcKindName(kind: number | undefined): string {
  switch (kind) {
    case constants.NODE_PERFORMANCE_GC_MINOR:
      return 'scavenge';
    case constants.NODE_PERFORMANCE_GC_MAJOR:
      return 'mark-compact';
    case constants.NODE_PERFORMANCE_GC_INCREMENTAL:
      return 'incremental marking';
    case constants.NODE_PERFORMANCE_GC_WEAKCB:
      return 'weak callbacks';
    default:
      return 'other';
  }
}

main().catch((error: unknown) => {
  console.error(error);
  // Kafka clients and the forwarder would keep a failed run alive: end it (memcached goes with it).
  process.exit(1);
});
