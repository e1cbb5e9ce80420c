/**
 * Scale-out of the built services on the local stack (issue 7, item 4; docs/scaling.md).
 *
 * One `raw-logs` topic with SCALE_PARTITIONS partitions (default 12, unique name per run) is
 * preloaded with SCALE_EVENTS events (default 600,000; ECS JSON of 300–800 bytes from
 * load-generator.ts: Zipf-like domains, ~5% hits). Then, one phase after the other:
 *
 *   passthrough          the ceiling: consume → produce the same bytes, in this process
 *   enricher, memcached  1, 2, 4 processes (SCALE_ENRICHER_REPLICAS) of dist/apps/enricher/main.js
 *                        in one fresh group; SCALE_INDICATORS domains (default 1,000,000) in a
 *                        private memcached (1 GiB, 2 threads)
 *   enricher, table      1, 2 processes (SCALE_TABLE_REPLICAS; empty to skip), the same indicators
 *                        as IndicatorRecords on a compacted 1-partition IOC topic
 *   indexer              1, 2, 4 processes (SCALE_INDEXER_REPLICAS) of dist/apps/indexer/main.js on
 *                        the 1-replica enricher's output, each phase into a fresh index (0 replicas)
 *
 * Every SCALE_SAMPLE_MS (500) the group's lag on its input topic and the delivered count are
 * sampled (enricher/passthrough: high-watermarks of the output topic; indexer: records committed,
 * which happens only after Elasticsearch acknowledged them), with the CPU time of every process
 * involved (/proc/<pid>/stat: our processes, this one, Kafka's and Elasticsearch's JVMs,
 * memcached) and the machine's busy time (/proc/stat). A phase ends when the backlog is drained
 * (everything delivered, lag 0) or SCALE_PHASE_CAP_S (180) after its first output.
 *
 * Reported per phase: throughput from the first to the last output (group joins and rebalances
 * inside the window count; processes boot before it), the steady rate between 10% and 90% of the
 * events, the lag series, CPU seconds per 1,000 events of our processes, cores used by each
 * process over the window, peak RSS (VmHWM) and events handled per process (from /metrics).
 *
 *   npm run build && npm run bench scale-out
 *   SCALE_EVENTS=600000 SCALE_INDICATORS=1000000 SCALE_TABLE_REPLICAS=1,2 npm run bench scale-out
 */
/* eslint-disable no-console -- a benchmark reports on stdout */

import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { KafkaAdmin, KafkaBatchConsumer, KafkaProducer, MemcachedClient, type KafkaProducedRecord } from '@iocflow/io';
import { freePort, pollUntil, ServiceProcess, uniqueName } from '@iocflow/testing';
import { generateEvents } from './load-generator';
import { machineCpu, peakRssMb, pidFromFile, processCpuSeconds, type MachineCpu } from './scale-out-proc';
import { benchFreshnessRecord, benchIndicatorRecord, gc, indicatorDomain, loadBenchIndicators, startBenchMemcached } from './bench-fixtures';

const num = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const list = (name: string, fallback: string): number[] =>
  (process.env[name] ?? fallback)
    .split(',')
    .filter((s) => s.trim().length > 0)
    .map(Number);
const EVENTS = num('SCALE_EVENTS', 600_000);
const INDICATORS = num('SCALE_INDICATORS', 1_000_000);
const PARTITIONS = num('SCALE_PARTITIONS', 12);
const ENRICHER_REPLICAS = list('SCALE_ENRICHER_REPLICAS', '1,2,4');
const TABLE_REPLICAS = list('SCALE_TABLE_REPLICAS', '1,2');
const INDEXER_REPLICAS = list('SCALE_INDEXER_REPLICAS', '1,2,4');
const PASSTHROUGH = process.env['SCALE_PASSTHROUGH'] !== '0';
const PHASE_CAP_S = num('SCALE_PHASE_CAP_S', 180);
/** Longest wait for the first output (process boot, group join, table load). */
const STARTUP_CAP_S = num('SCALE_STARTUP_CAP_S', 180);
const SAMPLE_MS = num('SCALE_SAMPLE_MS', 500);
/** Fetch size per partition for the enricher and the passthrough; default: the enricher's own default (1 MiB). */
const FETCH_BYTES = num('SCALE_FETCH_BYTES', 1_048_576);
const BROKERS = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
const ES_URL = process.env['ELASTICSEARCH_URL'] ?? 'http://127.0.0.1:9200';
const STACK_DIR = process.env['IOCFLOW_STACK_DIR'] || '/var/tmp/iocflow-stack';
const RESULTS_FILE = process.env['SCALE_RESULTS'] ?? path.resolve('dist', 'bench', `scale-out-${Date.now()}.json`);
const connection = { brokers: BROKERS.split(','), clientId: 'bench-scale-out', logLevel: 'nothing' as const };


/** Batches, lookups and their sizes: with memcached's own counters, the multi-get rate a replica needs. */
const ENRICHER_COUNTERS = [
  'iocflow_enricher_batch_size_count',
  'iocflow_enricher_lookup_duration_seconds_count',
  'iocflow_enricher_lookup_duration_seconds_sum',
  'iocflow_enricher_lookup_queries_sum',
  'iocflow_enricher_events_out_total',
  'iocflow_enricher_hits_total',
  'iocflow_enricher_dead_letters_total',
];
const INDEXER_COUNTERS = [
  'iocflow_indexer_bulk_duration_seconds_count',
  'iocflow_indexer_bulk_duration_seconds_sum',
  'iocflow_indexer_bulk_bytes_sum',
  'iocflow_indexer_indexed_documents_total',
  'iocflow_indexer_dead_lettered_documents_total',
];

/** One consumer process of a phase (a built service, or this process for the passthrough). */
interface Member {
  readonly label: string;
  readonly pid: number;
  /** /metrics port, for the events this member handled. */
  readonly metricsPort?: number;
  alive(): boolean;
  logs(): string;
  stop(): Promise<void>;
}

interface PhaseSpec {
  readonly stage: 'passthrough' | 'enricher' | 'indexer';
  readonly mode: string;
  readonly replicas: number;
  readonly inputTopic: string;
  readonly groupId: string;
  /** Counter on /metrics that says how many records a member took. */
  readonly handledMetric?: string;
  /** Counters summed over the members' /metrics at the end of the phase. */
  readonly counters?: readonly string[];
  /** Numeric store statistics read before and after the phase (memcached `stats`): deltas are reported. */
  readonly storeStats?: () => Promise<Record<string, number>>;
  start(): Promise<Member[]>;
  /** Records delivered downstream so far, given the group's current lag. */
  delivered(lag: number): Promise<number>;
}

interface Sample {
  /** Seconds since the phase started (processes spawned). */
  readonly t: number;
  readonly lag: number;
  readonly delivered: number;
  /** Records each member took so far (/metrics), undefined where it has no metrics. */
  readonly handled: readonly (number | undefined)[];
  readonly cpu: ReadonlyMap<string, number>;
  readonly machine: MachineCpu;
}

interface ProcessResult {
  readonly label: string;
  /** CPU seconds over the measured window, and cores (CPU seconds per wall second). */
  readonly windowCpuS: number;
  readonly cores: number;
  /** CPU seconds over the process's life (boot, join, table load included). */
  readonly lifetimeCpuS?: number;
  readonly peakRssMb?: number;
  readonly handled?: number;
}

interface PhaseResult {
  readonly stage: string;
  readonly mode: string;
  readonly replicas: number;
  readonly drained: boolean;
  readonly loadAverage: number;
  /** From spawn to the first output, and to the backlog drained (or the cap). */
  readonly firstOutputS: number;
  /** From spawn until every member had taken records (the group settled on all replicas). */
  readonly allBusyS: number | undefined;
  readonly endS: number;
  readonly windowS: number;
  readonly windowEvents: number;
  readonly eventsPerS: number;
  readonly steadyEventsPerS: number | undefined;
  readonly cpuSPer1kEvents: number;
  readonly machineBusyCores: number;
  readonly machineCores: number;
  readonly processes: readonly ProcessResult[];
  /** External processes (Kafka, Elasticsearch, memcached, this benchmark) over the window. */
  readonly externals: readonly ProcessResult[];
  /** Lag every `lagStepS` seconds from spawn, records. */
  readonly lagSeries: readonly number[];
  readonly lagStepS: number;
  readonly tableLoadS?: number;
  readonly counters?: Readonly<Record<string, number>>;
  readonly storeDelta?: Readonly<Record<string, number>>;
}

const admin = new KafkaAdmin(connection);

async function main(): Promise<void> {
  // The services' bundles: this file is bundled into dist/bench, so the testing helper cannot
  // find the repository from its own location; `npm run bench` runs from the repository root.
  process.env['IOCFLOW_DIST_DIR'] ||= path.resolve('dist');
  await admin.connect();
  const runTopics: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  try {
    await run(runTopics, cleanups);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error('cleanup failed', error));
    await admin.deleteTopics(runTopics).catch(() => undefined);
    await admin.disconnect();
  }
}

async function run(runTopics: string[], cleanups: (() => Promise<void>)[]): Promise<void> {
  console.log(`scale-out: ${EVENTS} events, ${PARTITIONS} partitions, ${INDICATORS} indicators; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`);

  const memcachedPort = await freePort();
  const memcached = startBenchMemcached(memcachedPort);
  cleanups.push(async () => void memcached.kill('SIGKILL'));
  const client = new MemcachedClient({ servers: `127.0.0.1:${memcachedPort}`, requestTimeoutMs: 10_000 });
  cleanups.push(() => client.close());
  await pollUntil(async () => (await client.version().catch(() => '')).length > 0, { description: 'private memcached' });
  let started = performance.now();
  await loadBenchIndicators(client, INDICATORS);
  const loaded = await client.stats();
  console.log(
    `  ${INDICATORS} indicators into memcached in ${((performance.now() - started) / 1000).toFixed(1)} s: ${loaded['curr_items']} items, ${(Number(loaded['bytes']) / 1048576).toFixed(0)} MiB of item memory`,
  );

  const raw = uniqueName('scale-raw');
  runTopics.push(raw, `${raw}-dlq`);
  await admin.ensureTopics([{ topic: raw, partitions: PARTITIONS }]);
  const producer = new KafkaProducer(connection);
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  const sampleIndicators = Array.from({ length: 5000 }, (_, i) => indicatorDomain(i * Math.floor(INDICATORS / 5000)));
  started = performance.now();
  let generated: Buffer[] | undefined = generateEvents({ events: EVENTS, hitRate: 0.05, indicatorDomains: sampleIndicators, benignDomains: 200_000, seed: 42 }).values;
  const rawBytes = generated.reduce((sum, value) => sum + value.length, 0);
  for (let i = 0; i < generated.length; i += 5000) {
    await producer.send(generated.slice(i, i + 5000).map((value, j) => ({ topic: raw, key: `e${i + j}`, value })));
  }
  generated = undefined;
  gc();
  console.log(`  ${EVENTS} events (${(rawBytes / EVENTS).toFixed(0)} bytes average, ${(rawBytes / 1048576).toFixed(0)} MiB) produced to ${raw} in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const externals = new Map<string, number>([['bench', process.pid]]);
  const kafkaPid = pidFromFile(path.join(STACK_DIR, 'kafka', 'kafka.pid'));
  const esPid = pidFromFile(path.join(STACK_DIR, 'elasticsearch', 'elasticsearch.pid'));
  if (kafkaPid !== undefined) externals.set('kafka', kafkaPid);
  if (esPid !== undefined) externals.set('elasticsearch', esPid);
  if (memcached.pid !== undefined) externals.set('memcached', memcached.pid);

  const results: PhaseResult[] = [];
  const record = (result: PhaseResult): void => {
    results.push(result);
    printPhase(result);
    writeFileSync(RESULTS_FILE, JSON.stringify({ events: EVENTS, partitions: PARTITIONS, indicators: INDICATORS, rawBytesAverage: rawBytes / EVENTS, results }, null, 2));
  };

  if (PASSTHROUGH) {
    const out = `${raw}-pass`;
    runTopics.push(out);
    await admin.ensureTopics([{ topic: out, partitions: PARTITIONS }]);
    record(await phase(passthroughPhase(raw, out), externals));
  }

  const enricherEnv = (out: string, group: string, mode: string, iocTopic: string): NodeJS.ProcessEnv => ({
    KAFKA_BROKERS: BROKERS,
    MEMCACHED_SERVERS: `127.0.0.1:${memcachedPort}`,
    RAW_LOGS_TOPIC: raw,
    ENRICHED_LOGS_TOPIC: out,
    DEAD_LETTER_TOPIC: `${raw}-dlq`,
    IOC_TOPIC: iocTopic,
    ENRICHER_GROUP_ID: group,
    ENRICHER_LOOKUP_MODE: mode,
    // The sentinel is written once, before the first phase.
    ENRICHER_MAX_STALENESS: '24h',
    ENRICHER_TABLE_RELOAD: '0s',
    ENRICHER_MAX_BYTES_PER_PARTITION: String(FETCH_BYTES),
  });
  let indexerInput: string | undefined;
  // memcached mode follows the IP ranges of an IOC topic: an empty one of the run's own.
  const rangesTopic = `${raw}-ioc-ranges`;
  runTopics.push(rangesTopic);
  await admin.ensureTopics([{ topic: rangesTopic, partitions: 1, compacted: true }]);
  for (const replicas of ENRICHER_REPLICAS) {
    const out = `${raw}-enr-mc-${replicas}`;
    runTopics.push(out);
    await admin.ensureTopics([{ topic: out, partitions: PARTITIONS }]);
    const group = uniqueName('scale-enricher');
    const spec = servicePhase('enricher', 'memcached', replicas, raw, group, 'iocflow_enricher_events_in_total', enricherEnv(out, group, 'memcached', rangesTopic), () => highWatermarks(out));
    record(await phase({ ...spec, counters: ENRICHER_COUNTERS, storeStats: () => memcachedStats(client) }, externals));
    indexerInput ??= out;
  }

  if (TABLE_REPLICAS.length > 0) {
    const iocTopic = `${raw}-ioc`;
    runTopics.push(iocTopic);
    await produceIndicatorRecords(producer, iocTopic);
    for (const replicas of TABLE_REPLICAS) {
      const out = `${raw}-enr-table-${replicas}`;
      runTopics.push(out);
      await admin.ensureTopics([{ topic: out, partitions: PARTITIONS }]);
      const group = uniqueName('scale-enricher-table');
      const spec = servicePhase('enricher', 'table', replicas, raw, group, 'iocflow_enricher_events_in_total', enricherEnv(out, group, 'table', iocTopic), () => highWatermarks(out));
      record(await phase({ ...spec, counters: ENRICHER_COUNTERS }, externals));
    }
  }

  if (indexerInput !== undefined) {
    const input = indexerInput;
    runTopics.push(`${input}-idx-dlq`);
    for (const replicas of INDEXER_REPLICAS) {
      const prefix = uniqueName(`scale-idx-${replicas}`);
      const group = uniqueName('scale-indexer');
      const env: NodeJS.ProcessEnv = {
        KAFKA_BROKERS: BROKERS,
        ENRICHED_LOGS_TOPIC: input,
        ENRICHED_LOGS_PARTITIONS: String(PARTITIONS),
        DEAD_LETTER_TOPIC: `${input}-idx-dlq`,
        INDEXER_GROUP_ID: group,
        ELASTICSEARCH_URL: ES_URL,
        ELASTICSEARCH_INDEX: prefix,
        ELASTICSEARCH_REPLICAS: '0',
      };
      try {
        const spec = servicePhase('indexer', 'bulk', replicas, input, group, 'iocflow_indexer_received_events_total', env, async (lag) => EVENTS - lag);
        record(await phase({ ...spec, counters: INDEXER_COUNTERS }, externals));
        const store = await indexStore(prefix);
        console.log(`    ${prefix}-*: ${store.docs} documents, ${(store.bytes / 1048576).toFixed(0)} MiB on disk (primaries, unmerged) = ${(store.bytes / Math.max(1, store.docs)).toFixed(0)} bytes per document`);
      } finally {
        await deleteIndices(prefix);
      }
    }
  }

  printSummary(results);
  const perEvent = (topic: string): string => `${(topicBytesOnDisk(topic) / EVENTS).toFixed(0)} bytes per event`;
  console.log(`\nKafka log on disk (record batches, one replica): ${raw} ${perEvent(raw)}; ${indexerInput ?? '–'} ${indexerInput === undefined ? '' : perEvent(indexerInput)}`);
  console.log(`\nresults: ${RESULTS_FILE}`);
}

/** The ceiling: this process consumes the raw topic and produces the same bytes, same consumer settings as the enricher's defaults. */
function passthroughPhase(raw: string, out: string): PhaseSpec {
  const groupId = uniqueName('scale-pass');
  return {
    stage: 'passthrough',
    mode: 'in the bench process',
    replicas: 1,
    inputTopic: raw,
    groupId,
    start: async () => {
      const producer = new KafkaProducer(connection);
      await producer.connect();
      const consumer = new KafkaBatchConsumer({ ...connection, groupId, topics: [raw], fromBeginning: true, partitionsConsumedConcurrently: 4, maxBytesPerPartition: FETCH_BYTES });
      // Sent in the enricher's chunks: a 1 MiB fetch re-produced to one partition can exceed message.max.bytes.
      await consumer.run(async (batch) => {
        const records = batch.messages.map((m): KafkaProducedRecord => ({ topic: out, key: m.key, value: m.value, headers: m.headers }));
        await producer.send(records);
      });
      return [
        {
          label: 'passthrough',
          pid: process.pid,
          alive: () => true,
          logs: () => '',
          stop: async () => {
            await consumer.stop();
            await producer.disconnect();
          },
        },
      ];
    },
    delivered: () => highWatermarks(out),
  };
}

function servicePhase(
  app: 'enricher' | 'indexer',
  mode: string,
  replicas: number,
  inputTopic: string,
  groupId: string,
  handledMetric: string,
  env: NodeJS.ProcessEnv,
  delivered: (lag: number) => Promise<number>,
): PhaseSpec {
  return {
    stage: app,
    mode,
    replicas,
    inputTopic,
    groupId,
    handledMetric,
    delivered,
    start: async () => {
      const members: Member[] = [];
      // All spawned at once, so that they join the group together (one rebalance, not three).
      for (let i = 0; i < replicas; i++) {
        const port = await freePort();
        const service = ServiceProcess.start(app, { ...env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'info' }, [], `${app}#${i + 1}`);
        if (service.pid === undefined) throw new Error(`${app}#${i + 1} did not start`);
        members.push({
          label: service.name,
          pid: service.pid,
          metricsPort: port,
          alive: () => service.running,
          logs: () => service.logs(),
          stop: async () => {
            await service.stop(60_000);
          },
        });
      }
      return members;
    },
  };
}

async function phase(spec: PhaseSpec, externals: ReadonlyMap<string, number>): Promise<PhaseResult> {
  gc();
  console.log(`\n==> ${spec.stage} (${spec.mode}), ${spec.replicas} replica(s)`);
  const loadAverage = loadavg()[0] ?? 0;
  const statsBefore = await spec.storeStats?.();
  const phaseStart = performance.now();
  const members = await spec.start();
  const tracked = new Map<string, number>(members.map((m) => [m.label, m.pid]));
  for (const [label, pid] of externals) if (![...tracked.values()].includes(pid)) tracked.set(label, pid);
  const readCpu = (): Map<string, number> => new Map([...tracked].map(([label, pid]) => [label, processCpuSeconds(pid) ?? Number.NaN]));

  const samples: Sample[] = [];
  let first = -1;
  let last = -1;
  let drained = false;
  const rssMb = new Map<string, number>();
  try {
    for (;;) {
      const tickAt = performance.now();
      const lag = (await admin.consumerGroupLag(spec.groupId, spec.inputTopic)).reduce((sum, p) => sum + p.lag, 0);
      const delivered = await spec.delivered(lag);
      // A member whose /metrics does not answer yet (still booting) has taken nothing.
      const handled = await Promise.all(
        members.map(async (m) => (m.metricsPort === undefined || spec.handledMetric === undefined ? undefined : ((await scrapeCounter(m.metricsPort, spec.handledMetric)) ?? 0))),
      );
      samples.push({ t: (performance.now() - phaseStart) / 1000, lag, delivered, handled, cpu: readCpu(), machine: machineCpu() });
      for (const member of members) {
        const rss = peakRssMb(member.pid);
        if (rss !== undefined) rssMb.set(member.label, Math.max(rss, rssMb.get(member.label) ?? 0));
      }
      const now = samples[samples.length - 1] as Sample;
      if (first < 0 && delivered > 0) first = samples.length - 1;
      if (last < 0 && delivered >= EVENTS) last = samples.length - 1;
      if (last >= 0 && lag === 0) {
        drained = true;
        break;
      }
      // A consumer that stopped for good leaves its process alive (liveness fails): treat both alike.
      const dead = members.find((m) => !m.alive() || m.logs().includes('kafka consumer crashed'));
      if (dead) throw new Error(`${dead.label} exited or its consumer crashed during the phase:\n${dead.logs().slice(-4000)}`);
      if (first < 0 && now.t > STARTUP_CAP_S) {
        console.log(`  no output within ${STARTUP_CAP_S} s; last log lines:\n${members[0]?.logs().slice(-2000)}`);
        break;
      }
      if (first >= 0 && now.t - (samples[first] as Sample).t > PHASE_CAP_S) {
        console.log(`  capped at ${PHASE_CAP_S} s after the first output (${delivered} of ${EVENTS} delivered, lag ${lag})`);
        break;
      }
      await delay(Math.max(0, SAMPLE_MS - (performance.now() - tickAt)));
    }
    const lifetime = members.map((m) => processCpuSeconds(m.pid));
    const counters: Record<string, number> = {};
    for (const name of spec.counters ?? []) {
      const values = await Promise.all(members.map((m) => (m.metricsPort === undefined ? undefined : scrapeCounter(m.metricsPort, name))));
      counters[name] = values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
    }
    const statsAfter = await spec.storeStats?.();
    const storeDelta = statsBefore && statsAfter ? Object.fromEntries(Object.keys(statsAfter).map((k) => [k, (statsAfter[k] ?? 0) - (statsBefore[k] ?? 0)])) : undefined;
    const tableLoadS = members.map((m) => tableLoadSeconds(m.logs())).find((s) => s !== undefined);
    return { ...summarise(spec, samples, first, last, drained, loadAverage, members, lifetime, rssMb, externals, tableLoadS), counters, ...(storeDelta === undefined ? {} : { storeDelta }) };
  } finally {
    await Promise.all(members.map((m) => m.stop().catch((error: unknown) => console.error(`${m.label} stop failed`, error))));
  }
}

function summarise(
  spec: PhaseSpec,
  samples: readonly Sample[],
  first: number,
  last: number,
  drained: boolean,
  loadAverage: number,
  members: readonly Member[],
  lifetime: readonly (number | undefined)[],
  rssMb: ReadonlyMap<string, number>,
  externals: ReadonlyMap<string, number>,
  tableLoadS: number | undefined,
): PhaseResult {
  const end = samples[samples.length - 1] as Sample;
  const from = samples[Math.max(0, first)] as Sample;
  const to = last >= 0 ? (samples[last] as Sample) : end;
  const windowS = Math.max(1e-9, to.t - from.t);
  const windowEvents = to.delivered - from.delivered;
  const handled = end.handled;
  // Steady state: every replica has taken records (joins and the rebalances they cause are over)
  // and 10% of the events are out, until 90% are out (the tail drains unevenly).
  const allBusy = samples.find((s) => s.handled.every((h) => h === undefined || h > 0));
  const s10 = samples.find((s) => s.delivered >= 0.1 * EVENTS && s.t >= (allBusy?.t ?? 0));
  const s90 = samples.find((s) => s.delivered >= 0.9 * EVENTS);
  const steadyEventsPerS = s10 && s90 && s90.t > s10.t ? (s90.delivered - s10.delivered) / (s90.t - s10.t) : undefined;
  const cpuOf = (label: string): number => (to.cpu.get(label) ?? Number.NaN) - (from.cpu.get(label) ?? Number.NaN);
  const processes: ProcessResult[] = members.map((m, i) => {
    const cpu = cpuOf(m.label);
    const life = lifetime[i];
    const rss = rssMb.get(m.label);
    const count = handled[i];
    return { label: m.label, windowCpuS: cpu, cores: cpu / windowS, ...(life === undefined ? {} : { lifetimeCpuS: life }), ...(rss === undefined ? {} : { peakRssMb: rss }), ...(count === undefined ? {} : { handled: count }) };
  });
  const memberPids = new Set(members.map((m) => m.pid));
  const externalResults: ProcessResult[] = [...externals]
    .filter(([, pid]) => !memberPids.has(pid))
    .map(([label]) => {
      const cpu = cpuOf(label);
      return { label, windowCpuS: cpu, cores: cpu / windowS };
    });
  const ourCpu = processes.reduce((sum, p) => sum + p.windowCpuS, 0);
  const step = Math.max(1, Math.ceil(samples.length / 30));
  return {
    stage: spec.stage,
    mode: spec.mode,
    replicas: spec.replicas,
    drained,
    loadAverage,
    firstOutputS: first >= 0 ? from.t : Number.NaN,
    allBusyS: allBusy?.t,
    endS: end.t,
    windowS,
    windowEvents,
    eventsPerS: windowEvents / windowS,
    steadyEventsPerS,
    cpuSPer1kEvents: (ourCpu / Math.max(1, windowEvents)) * 1000,
    machineBusyCores: (to.machine.busy - from.machine.busy) / windowS,
    machineCores: (to.machine.total - from.machine.total) / windowS,
    processes,
    externals: externalResults,
    lagSeries: samples.filter((_, i) => i % step === 0).map((s) => s.lag),
    lagStepS: (step * SAMPLE_MS) / 1000,
    ...(tableLoadS === undefined ? {} : { tableLoadS }),
  };
}

function printPhase(r: PhaseResult): void {
  const f = (n: number | undefined, digits = 0): string => (n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
  console.log(
    `  ${r.drained ? 'drained' : 'NOT drained'}: first output at ${f(r.firstOutputS, 1)} s, every replica busy at ${f(r.allBusyS, 1)} s, end at ${f(r.endS, 1)} s; ${f(r.windowEvents)} events in ${f(r.windowS, 1)} s = ${f(r.eventsPerS)} events/s (steady, all replicas busy, 10–90%: ${f(r.steadyEventsPerS)}); load average ${f(r.loadAverage, 1)} at start`,
  );
  if (r.tableLoadS !== undefined) console.log(`  table load (first replica): ${f(r.tableLoadS, 1)} s`);
  console.log(`  ours: ${f(r.cpuSPer1kEvents, 3)} CPU s per 1,000 events; machine busy ${f(r.machineBusyCores, 2)} of ${f(r.machineCores, 2)} cores over the window`);
  for (const p of r.processes) {
    console.log(`    ${p.label}: ${f(p.cores, 2)} cores (${f(p.windowCpuS, 1)} CPU s in the window, ${f(p.lifetimeCpuS, 1)} over its life), peak RSS ${f(p.peakRssMb)} MB, handled ${f(p.handled)}`);
  }
  const ours = r.processes.reduce((sum, p) => sum + p.cores, 0);
  const known = ours + r.externals.reduce((sum, p) => sum + (Number.isNaN(p.cores) ? 0 : p.cores), 0);
  console.log(`    ${r.externals.map((p) => `${p.label} ${f(p.cores, 2)}`).join(', ')}, everything else ${f(r.machineBusyCores - known, 2)} cores`);
  console.log(`  lag every ${r.lagStepS} s (thousands): ${r.lagSeries.map((l) => Math.round(l / 1000)).join(' ')}`);
  const counters = Object.entries(r.counters ?? {});
  if (counters.length > 0) console.log(`  counters: ${counters.map(([k, v]) => `${k}=${f(v, 3)}`).join(', ')}`);
  if (r.storeDelta !== undefined) console.log(`  memcached: ${Object.entries(r.storeDelta).map(([k, v]) => `${k} +${f(v, k.startsWith('rusage') ? 2 : 0)}`).join(', ')}`);
}

function printSummary(results: readonly PhaseResult[]): void {
  const f = (n: number | undefined, digits = 0): string => (n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
  const ext = (r: PhaseResult, label: string): string => f(r.externals.find((p) => p.label === label)?.cores, 2);
  console.log(`\n${EVENTS.toLocaleString('en-US')} events, ${PARTITIONS} partitions; cores = CPU seconds per wall second over the window from the first to the last output\n`);
  console.log('| stage | mode | replicas | events/s (first→last) | steady 10–90% | per replica | window s | CPU s / 1k events (ours) | cores: ours | Kafka | ES | memcached | bench | machine busy | peak RSS per process (MB) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const ours = r.processes.reduce((sum, p) => sum + p.cores, 0);
    const rss = r.processes.map((p) => f(p.peakRssMb)).join(', ');
    console.log(
      `| ${r.stage} | ${r.mode} | ${r.replicas} | ${f(r.eventsPerS)}${r.drained ? '' : ' (not drained)'} | ${f(r.steadyEventsPerS)} | ${f(r.eventsPerS / r.replicas)} | ${f(r.windowS, 1)} | ${f(r.cpuSPer1kEvents, 3)} | ${f(ours, 2)} | ${ext(r, 'kafka')} | ${ext(r, 'elasticsearch')} | ${ext(r, 'memcached')} | ${ext(r, 'bench')} | ${f(r.machineBusyCores, 2)} / ${f(r.machineCores, 1)} | ${rss} |`,
    );
  }
  console.log('\nlag over time (thousands of records, from spawn):');
  for (const r of results) console.log(`- ${r.stage} ${r.mode} ×${r.replicas}, every ${r.lagStepS} s: ${r.lagSeries.map((l) => Math.round(l / 1000)).join(' ')}`);
}

/** The same indicators as IndicatorRecords on a compacted 1-partition topic (what misp-sync publishes), for table mode. */
async function produceIndicatorRecords(producer: KafkaProducer, topic: string): Promise<void> {
  await admin.ensureTopics([{ topic, partitions: 1, compacted: true }]);
  const started = performance.now();
  let bytes = 0;
  // 2,000 records of ~350 bytes per send: one partition, so one batch, below message.max.bytes.
  for (let i = 0; i < INDICATORS; i += 2000) {
    const records: KafkaProducedRecord[] = [];
    for (let j = i; j < Math.min(INDICATORS, i + 2000); j++) {
      const record = benchIndicatorRecord(j);
      const key = record.key;
      const json = JSON.stringify(record);
      bytes += json.length;
      records.push({ topic, key, value: json });
    }
    await producer.send(records);
  }
  // misp-sync's freshness record: without it table mode holds (no proof the indicators are current).
  await producer.send([benchFreshnessRecord(topic, INDICATORS)]);
  console.log(`\n  ${INDICATORS} indicator records (${(bytes / INDICATORS).toFixed(0)} bytes average) produced to ${topic} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** memcached's own counters: keys asked (a multi-get counts each key), hits, bytes, its CPU. */
async function memcachedStats(client: MemcachedClient): Promise<Record<string, number>> {
  const stats = await client.stats();
  const names = ['cmd_get', 'get_hits', 'get_misses', 'bytes_read', 'bytes_written', 'rusage_user', 'rusage_system', 'total_connections'];
  return Object.fromEntries(names.map((name) => [name, Number(stats[name] ?? Number.NaN)]));
}

async function highWatermarks(topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
}

/** Sum of a counter's series in a Prometheus text exposition. */
async function scrapeCounter(port: number, name: string): Promise<number | undefined> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`)
    .then((r) => r.text())
    .catch(() => undefined);
  if (text === undefined) return undefined;
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** `indicator table loaded and swapped in` carries the load's duration. */
function tableLoadSeconds(logs: string): number | undefined {
  const line = logs.split('\n').find((l) => l.includes('indicator table loaded'));
  const match = line === undefined ? null : /"seconds":([\d.]+)/.exec(line);
  return match ? Number(match[1]) : undefined;
}

/** Documents and primary store size of the phase's indices, after a refresh (segments not yet merged). */
async function indexStore(prefix: string): Promise<{ docs: number; bytes: number }> {
  await fetch(`${ES_URL}/${prefix}-*/_refresh`, { method: 'POST' });
  // _count, not _stats' docs.count: the latter also counts nested objects (threat.enrichments) as documents.
  const count = (await (await fetch(`${ES_URL}/${prefix}-*/_count`)).json()) as { count?: number };
  const stats = (await (await fetch(`${ES_URL}/${prefix}-*/_stats/store`)).json()) as { _all?: { primaries?: { store?: { size_in_bytes?: number } } } };
  return { docs: count.count ?? Number.NaN, bytes: stats._all?.primaries?.store?.size_in_bytes ?? Number.NaN };
}

/** Size of a topic's partition logs in the local stack's Kafka data directory (0 when it is not readable). */
function topicBytesOnDisk(topic: string): number {
  const dataRoot = path.join(STACK_DIR, 'kafka', 'data');
  if (!existsSync(dataRoot)) return 0;
  let bytes = 0;
  for (const version of readdirSync(dataRoot)) {
    const dir = path.join(dataRoot, version);
    for (const name of readdirSync(dir).filter((n) => n.startsWith(`${topic}-`) && /^\d+$/.test(n.slice(topic.length + 1)))) {
      for (const file of readdirSync(path.join(dir, name)).filter((f) => f.endsWith('.log'))) bytes += statSync(path.join(dir, name, file)).size;
    }
  }
  return bytes;
}

/** Indices by name (wildcard deletes are refused when action.destructive_requires_name is on), then the template. */
async function deleteIndices(prefix: string): Promise<void> {
  const listed = (await (await fetch(`${ES_URL}/_cat/indices/${prefix}-*?format=json&h=index`)).json()) as { index: string }[];
  for (const { index } of listed) await fetch(`${ES_URL}/${encodeURIComponent(index)}`, { method: 'DELETE' });
  await fetch(`${ES_URL}/_index_template/${encodeURIComponent(`${prefix}-template`)}`, { method: 'DELETE' });
}



main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
