/**
 * Enricher throughput against its baselines, in one run, same broker, same messages, same client
 * (kafkajs 2.2.4 through the io owners):
 *
 *   passthrough   consume → produce the bytes unchanged, commit after ack (the ceiling)
 *   memcached     the enricher pipeline, memcached mode (one multi-get per batch, 2 s cache)
 *   table         the enricher pipeline, table mode (in-memory index of all indicators)
 *   per-event get the seed's way: one memcached `get` of destination.domain per event, in order
 *
 * Indicators: BENCH_INDICATORS domains (default 1,000,000) in a private memcached and in the
 * table; events: BENCH_EVENTS (default 200,000) ECS JSON of 300–800 bytes, Zipf-like domains,
 * ~5% hits, over BENCH_PARTITIONS partitions (default 4).
 *
 *   npm run bench enricher-throughput
 */
/* eslint-disable no-console -- a benchmark reports on stdout */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { formatSyncSentinel, lookupKey, SYNC_SENTINEL_KEY, type IndicatorRecord } from '@iocflow/core';
import { KafkaAdmin, KafkaBatchConsumer, KafkaProducer, MemcachedClient, type KafkaBatchHandler, type KafkaProducedRecord } from '@iocflow/io';
import { freePort, memcachedBinary, pollUntil, uniqueName } from '@iocflow/testing';
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

const brokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 200_000);
const INDICATORS = Number(process.env['BENCH_INDICATORS'] ?? 1_000_000);
const PARTITIONS = Number(process.env['BENCH_PARTITIONS'] ?? 4);
const BASELINE_EVENTS = Number(process.env['BENCH_BASELINE_EVENTS'] ?? 20_000);
const connection = { brokers, clientId: 'bench-enricher', logLevel: 'nothing' as const };

const indicatorDomain = (i: number): string => `bad${i}.bench-ioc.example`;

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
  readonly peakRssMb: number;
}

async function main(): Promise<void> {
  const port = await freePort();
  const memcached = startMemcached(port);
  const client = new MemcachedClient({ servers: `127.0.0.1:${port}`, requestTimeoutMs: 10_000 });
  await pollUntil(async () => (await client.version()).length > 0, { description: 'private memcached' });

  console.log(`loading ${INDICATORS} indicators into memcached…`);
  let started = performance.now();
  for (let i = 0; i < INDICATORS; i += 10_000) {
    const entries = [];
    for (let j = i; j < Math.min(INDICATORS, i + 10_000); j++) entries.push({ key: lookupKey('domain', indicatorDomain(j)), value: 'Feed-Bench' });
    await client.setMany(entries);
  }
  await client.set(SYNC_SENTINEL_KEY, formatSyncSentinel({ lastSuccessAt: new Date().toISOString(), indicatorCount: INDICATORS }));
  console.log(`  memcached load: ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const raw = uniqueName('bench-enr-raw');
  const outputs = { pass: `${raw}-pass`, pass2: `${raw}-pass2`, mc: `${raw}-mc`, table: `${raw}-table`, get: `${raw}-get`, dlq: `${raw}-dlq` };
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

  const results: PhaseResult[] = [];
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

  results.push(await phase('passthrough', raw, EVENTS, (out) => async (batch) => {
    await out.send(batch.messages.map((m): KafkaProducedRecord => ({ topic: outputs.pass, key: m.key, value: m.value, headers: m.headers })));
  }));

  const mcLookup = new MemcachedIndicatorLookup(client, { maxStalenessMs: 3_600_000, cacheTtlMs: 2000, cacheMaxEntries: 100_000 });
  results.push(await phase('enricher, memcached mode', raw, EVENTS, (out) => {
    const pipeline = new EnricherPipeline(pipelineOptions(outputs.mc), mcLookup, out, metrics(), quietLog);
    return (batch) => pipeline.handleBatch(batch);
  }));
  await report();

  // The seed's way: one `get` per event for destination.domain, events one after another.
  results.push(await phase('per-event memcached get (seed baseline)', raw, BASELINE_EVENTS, (out) => async (batch) => {
    const records: KafkaProducedRecord[] = [];
    for (const message of batch.messages) {
      const parsed = parseEvent(message.value, 1_048_576);
      if (!parsed.ok) continue;
      const destination = parsed.parsed.event['destination'] as { domain?: string } | undefined;
      const feed = destination?.domain === undefined ? undefined : await client.get(lookupKey('domain', destination.domain));
      const value = `${parsed.parsed.text.slice(0, parsed.parsed.text.lastIndexOf('}'))},"misp_src":${JSON.stringify(feed ?? 'none')}}`;
      records.push({ topic: outputs.get, key: message.key, value, headers: message.headers });
    }
    await out.send(records);
  }));

  console.log(`building the table with ${INDICATORS} indicators…`);
  started = performance.now();
  const heapBefore = process.memoryUsage().heapUsed;
  const table = new IndicatorTable();
  for (let i = 0; i < INDICATORS; i++) {
    const value = indicatorDomain(i);
    const key = lookupKey('domain', value);
    const record: IndicatorRecord = {
      key,
      kind: 'domain',
      value,
      feeds: ['Feed-Bench'],
      updatedAt: '2025-01-01T00:00:00.000Z',
      attributes: [{ attributeUuid: `a-${i}`, mispType: 'domain', eventUuid: 'e-1', eventInfo: 'Bench event', feeds: ['Feed-Bench'], tags: [], toIds: true, timestamp: 1 }],
    };
    table.apply(key, record);
  }
  gc();
  const tableSeconds = (performance.now() - started) / 1000;
  const tableHeapMb = (process.memoryUsage().heapUsed - heapBefore) / 1048576;
  console.log(`  table built in ${tableSeconds.toFixed(1)} s, +${tableHeapMb.toFixed(0)} MB heap`);
  results.push(await phase('enricher, table mode', raw, EVENTS, (out) => {
    const pipeline = new EnricherPipeline(pipelineOptions(outputs.table), new PrebuiltTableLookup(table), out, metrics(), quietLog);
    return (batch) => pipeline.handleBatch(batch);
  }));
  await report();

  results.push(await phase('passthrough (again, after)', raw, EVENTS, (out) => async (batch) => {
    await out.send(batch.messages.map((m): KafkaProducedRecord => ({ topic: outputs.pass2, key: m.key, value: m.value, headers: m.headers })));
  }));

  console.log('\n| variant | events | seconds | events/s | peak RSS (MB) |\n| --- | --- | --- | --- | --- |');
  for (const r of results) console.log(`| ${r.name} | ${r.events} | ${r.seconds.toFixed(2)} | ${Math.round(r.events / r.seconds)} | ${r.peakRssMb.toFixed(0)} |`);
  const rate = (name: string): number => {
    const r = results.find((x) => x.name === name) as PhaseResult;
    return r.events / r.seconds;
  };
  const pass = (rate('passthrough') + rate('passthrough (again, after)')) / 2;
  console.log(`\nmemcached mode / passthrough (mean of both): ${(rate('enricher, memcached mode') / pass).toFixed(2)}×`);
  console.log(`table mode / passthrough: ${(rate('enricher, table mode') / pass).toFixed(2)}×`);
  console.log(`memcached mode / per-event get: ${(rate('enricher, memcached mode') / rate('per-event memcached get (seed baseline)')).toFixed(1)}×`);
  console.log(`table: ${INDICATORS} indicators built in ${tableSeconds.toFixed(1)} s, +${tableHeapMb.toFixed(0)} MB heap`);

  await producer.disconnect();
  await admin.deleteTopics([raw, ...Object.values(outputs)]).catch(() => undefined);
  await admin.disconnect();
  await client.close();
  memcached.kill('SIGKILL');
}

const quietLog = { storeUnavailable: () => undefined, deadLettered: () => undefined };

/** Consume `count` records of `topic` from the start in a fresh group; time from the first batch to the last ack. */
async function phase(name: string, topic: string, count: number, makeHandler: (out: KafkaProducer) => KafkaBatchHandler): Promise<PhaseResult> {
  gc();
  const out = new KafkaProducer(connection);
  await out.connect();
  const handler = makeHandler(out);
  let seen = 0;
  let firstAt = 0;
  let lastAt = 0;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const consumer = new KafkaBatchConsumer({ ...connection, groupId: uniqueName('bench-enr'), topics: [topic], fromBeginning: true, partitionsConsumedConcurrently: PARTITIONS });
  await consumer.run(async (batch) => {
    if (seen >= count) return;
    if (firstAt === 0) firstAt = performance.now();
    await handler(batch);
    seen += batch.messages.length;
    if (seen >= count && lastAt === 0) lastAt = performance.now();
  });
  await pollUntil(() => lastAt > 0, { timeoutMs: 600_000, intervalMs: 20, description: `${name}: ${count} records` });
  clearInterval(sampler);
  await consumer.stop();
  await out.disconnect();
  const seconds = (lastAt - firstAt) / 1000;
  const result = { name, events: seen, seconds, peakRssMb: peakRss / 1048576 };
  console.log(`  ${name}: ${seen} events in ${seconds.toFixed(2)} s = ${Math.round(seen / seconds)} events/s`);
  return result;
}

function startMemcached(port: number): ChildProcess {
  const binary = memcachedBinary();
  const libDir = path.resolve(path.dirname(binary), '..', 'lib', 'x86_64-linux-gnu');
  const args = ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '1024', '-t', '2'];
  if (process.getuid?.() === 0) args.push('-u', 'nobody');
  return spawn(binary, args, { stdio: 'ignore', env: { ...process.env, LD_LIBRARY_PATH: [libDir, process.env['LD_LIBRARY_PATH']].filter(Boolean).join(':') } });
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
