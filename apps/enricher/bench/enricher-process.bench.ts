/**
 * The enricher as deployed: the built service (dist/apps/enricher/main.js) in its own process,
 * one replica, per lookup mode:
 *
 *   max rate    a raw-logs topic pre-filled with BENCH_EVENTS (default 200,000) load-generator
 *               events is drained; events/s from the first enriched record to the last
 *               (the enriched topic's high-watermarks, polled every 100 ms)
 *   latency     then events are produced at half that rate for BENCH_LATENCY_SECONDS (default
 *               20 s), each stamped with its send time in a header (the enricher keeps headers);
 *               a consumer of the enriched topic takes receive time − send time: p50, p99, max
 *   peak RSS    VmHWM of the enricher's process (/proc/<pid>/status) after both phases
 *
 * Stores as in enricher-throughput: BENCH_INDICATORS domains (default 1,000,000) in a private
 * memcached with a fresh sync sentinel (memcached mode), or as IndicatorRecords on a private IOC
 * topic that the service loads itself (table mode; its load time is reported too).
 *
 *   npx nx run enricher:build && npm run bench enricher-process
 *   (IOCFLOW_DIST_DIR picks another build of dist/; BENCH_MODES=table runs one mode)
 *
 * Memory: the service's own metrics are sampled every 250 ms while it runs (V8 heap used and
 * committed, external/Buffers, RSS), and the maxima are printed beside VmHWM. BENCH_NODE_OPTIONS
 * runs the service under several V8 settings, `;`-separated (an empty item = Node's defaults),
 * e.g. `;--max-old-space-size=160 --max-semi-space-size=4`; with BENCH_ROUNDS > 1 the
 * variants alternate round by round on the same stores, so a loaded machine hurts all alike.
 * A variant starting with `@<dir>` runs the build in <dir> (as IOCFLOW_DIST_DIR) with the rest
 * as its options, so that two builds alternate in one run: `@/tmp/before;@/tmp/after`. Items
 * of the form NAME=value (e.g. MALLOC_ARENA_MAX=2) go into the service's environment instead.
 * BENCH_LATENCY_SECONDS=0 skips the latency phase. BENCH_RANGES puts that many IP range indicators
 * on the IOC topic (none of them contains a generated address); compare memcached mode following
 * them with `ENRICHER_IP_RANGES=off` as two variants: `BENCH_NODE_OPTIONS='ENRICHER_IP_RANGES=off;'`.
 */
/* eslint-disable no-console -- a benchmark reports on stdout */
import { type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KafkaAdmin, KafkaBatchConsumer, KafkaProducer, MemcachedClient, type KafkaProducedRecord } from '@iocflow/io';
import { freePort, pollUntil, ServiceProcess, uniqueName } from '@iocflow/testing';
import { generateEvents, seededRandom } from './load-generator';
import { benchFreshnessRecord, benchIndicatorRecord, benchRangeRecord, indicatorDomain, loadBenchIndicators, startBenchMemcached } from './bench-fixtures';

const brokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 200_000);
const INDICATORS = Number(process.env['BENCH_INDICATORS'] ?? 1_000_000);
const PARTITIONS = Number(process.env['BENCH_PARTITIONS'] ?? 4);
const LATENCY_SECONDS = Number(process.env['BENCH_LATENCY_SECONDS'] ?? 20);
const MODES = (process.env['BENCH_MODES'] ?? 'memcached,table').split(',') as ('memcached' | 'table')[];
const NODE_OPTION_VARIANTS = (process.env['BENCH_NODE_OPTIONS'] ?? '').split(';').map((variant) => variant.trim());
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 1);
/** IP range indicators on the IOC topic (memcached mode follows them; `ENRICHER_IP_RANGES=off` as a variant item turns that off). */
const RANGES = Number(process.env['BENCH_RANGES'] ?? 0);
const SENT_AT = 'bench-sent-at';
const PROBE = 'bench-probe';
const connection = { brokers, clientId: 'bench-enricher-process', logLevel: 'nothing' as const };

interface ModeResult {
  readonly mode: string;
  readonly nodeOptions: string;
  readonly memory: MemoryPeaks;
  readonly readySeconds: number;
  /** The service's process CPU (user + system, /proc) during the max-rate drain, per event. */
  readonly cpuMicrosPerEvent: number;
  readonly eventsPerSecond: number;
  readonly latencyRate: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly latencySamples: number;
  readonly peakRssMb: number;
}

async function main(): Promise<void> {
  // ServiceProcess finds the bundle under IOCFLOW_DIST_DIR; a bundled bench does not sit where the sources do.
  process.env['IOCFLOW_DIST_DIR'] ??= path.resolve('dist');
  const admin = new KafkaAdmin(connection);
  await admin.connect();
  const producer = new KafkaProducer(connection);
  await producer.connect();
  const run = uniqueName('bench-enr-proc');
  const iocTopic = `${run}-iocs`;
  const port = await freePort();
  const memcached = startBenchMemcached(port);
  memcachedChild = memcached;
  const client = new MemcachedClient({ servers: `127.0.0.1:${port}`, requestTimeoutMs: 10_000 });
  await pollUntil(async () => (await client.version()).length > 0, { description: 'private memcached' });

  // Only memcached mode reads memcached (indicators and the sync sentinel).
  if (MODES.includes('memcached')) {
    console.log(`loading ${INDICATORS} indicators into memcached…`);
    await loadBenchIndicators(client, INDICATORS);
  }
  // Both modes read the IOC topic: table mode all of it, memcached mode its IP ranges (BENCH_RANGES
  // of them, default 0). misp-sync's freshness record says the indicators are current.
  await admin.ensureTopics([{ topic: iocTopic, partitions: 1 }]);
  const ranges = Array.from({ length: RANGES }, (_, i) => benchRangeRecord(i));
  for (let i = 0; i < ranges.length; i += 2000) await producer.send(ranges.slice(i, i + 2000).map((record) => ({ topic: iocTopic, key: record.key, value: JSON.stringify(record) })));
  await producer.send([benchFreshnessRecord(iocTopic, INDICATORS + RANGES)]);
  if (MODES.includes('table')) {
    console.log(`producing ${INDICATORS} indicator records to ${iocTopic}…`);
    // 2,000 records of ~330 bytes per send: under the broker's 1 MiB request limit on one partition.
    for (let i = 0; i < INDICATORS; i += 2000) {
      const records: KafkaProducedRecord[] = [];
      for (let j = i; j < Math.min(INDICATORS, i + 2000); j++) {
        const record = benchIndicatorRecord(j);
        const key = record.key;
        records.push({ topic: iocTopic, key, value: JSON.stringify(record) });
      }
      await producer.send(records);
    }
  }

  const sample = Array.from({ length: 5000 }, (_, i) => indicatorDomain(i * Math.floor(INDICATORS / 5000)));
  const values = generateEvents({ events: EVENTS, hitRate: 0.05, indicatorDomains: sample, benignDomains: 200_000, seed: 42 }).values;
  const results: ModeResult[] = [];
  // Deleted at the end: deleting topics between runs made the next produce hang in kafkajs.
  const finished: string[] = [];
  let runIndex = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of MODES) {
      for (const nodeOptions of NODE_OPTION_VARIANTS) {
        const raw = `${run}-raw-${mode}-${runIndex}`;
        const enriched = `${run}-enriched-${mode}-${runIndex}`;
        runIndex++;
        await admin.ensureTopics([raw, enriched, `${raw}-dlq`].map((topic) => ({ topic, partitions: PARTITIONS })));
        console.log(`${mode} [${nodeOptions || 'defaults'}] round ${round + 1}: producing ${EVENTS} events to ${raw}…`);
        for (let i = 0; i < values.length; i += 5000) {
          const records = values.slice(i, i + 5000).map((value, j) => ({ topic: raw, key: `e${i + j}`, value }));
          // A topic just created may not be known to every broker thread yet: retry a few times.
          // A send can also hang for good right after a topic was deleted (kafkajs): bounded, retried.
          await pollUntil(async () => withTimeout(producer.send(records), 30_000).then(() => true, () => false), { timeoutMs: 120_000, intervalMs: 1000, description: `produce to ${raw}` });
        }
        results.push(await measure(mode, nodeOptions, raw, enriched, iocTopic, port, admin, producer, values));
        finished.push(raw, enriched, `${raw}-dlq`);
      }
    }
  }

  console.log('\n| mode | NODE_OPTIONS | ready after (s) | events/s, one replica (max rate) | process CPU µs/event (max rate) | latency at | p50 (ms) | p99 (ms) | max (ms) | samples | peak RSS (MB) | max heap used / committed (MB) | max external (MB) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const m = r.memory;
    console.log(
      `| ${r.mode} | ${r.nodeOptions || 'defaults'} | ${r.readySeconds.toFixed(1)} | ${Math.round(r.eventsPerSecond)} | ${r.cpuMicrosPerEvent.toFixed(1)} | ${Math.round(r.latencyRate)} events/s | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${r.latencySamples} | ${r.peakRssMb.toFixed(0)} | ${mb(m.heapUsed)} / ${mb(m.heapTotal)} | ${mb(m.external)} |`,
    );
  }

  await producer.disconnect();
  await admin.deleteTopics([...finished, iocTopic]).catch(() => undefined);
  await admin.disconnect();
  await client.close();
  memcached.kill('SIGKILL');
}

async function measure(
  mode: 'memcached' | 'table',
  nodeOptions: string,
  raw: string,
  enriched: string,
  iocTopic: string,
  memcachedPort: number,
  admin: KafkaAdmin,
  producer: KafkaProducer,
  values: readonly Buffer[],
): Promise<ModeResult> {
  const httpPort = await freePort();
  const build = /^@(\S+)\s*(.*)$/.exec(nodeOptions);
  const defaultDist = (process.env['BENCH_DEFAULT_DIST'] ??= process.env['IOCFLOW_DIST_DIR']);
  process.env['IOCFLOW_DIST_DIR'] = build?.[1] ?? defaultDist;
  const started = performance.now();
  const service = ServiceProcess.start('enricher', {
    KAFKA_BROKERS: brokers,
    RAW_LOGS_TOPIC: raw,
    ENRICHED_LOGS_TOPIC: enriched,
    IOC_TOPIC: iocTopic,
    ENRICHER_GROUP_ID: uniqueName('bench-enr-proc'),
    ENRICHER_LOOKUP_MODE: mode,
    MEMCACHED_SERVERS: `127.0.0.1:${memcachedPort}`,
    ENRICHER_MAX_STALENESS: '1h',
    HTTP_PORT: String(httpPort),
    LOG_LEVEL: 'warn',
    ...variantEnvironment(build?.[2] ?? nodeOptions),
  });
  const memory = new MemorySampler(httpPort);
  try {
    await service.waitReady(httpPort, 600_000);
    const readySeconds = (performance.now() - started) / 1000;
    console.log(`  ${mode}: ready after ${readySeconds.toFixed(1)} s`);
    const cpuAtReady = processCpuSeconds(service.pid);

    // Max rate: drain the backlog.
    let firstAt = 0;
    let lastAt = 0;
    await pollUntil(
      async () => {
        const written = (await admin.fetchTopicOffsets(enriched)).reduce((sum, p) => sum + Number(p.high), 0);
        if (written > 0 && firstAt === 0) firstAt = performance.now();
        if (written >= values.length) lastAt = performance.now();
        return lastAt > 0;
      },
      { timeoutMs: 900_000, intervalMs: 100, description: `${mode}: ${values.length} enriched records` },
    );
    const eventsPerSecond = values.length / ((lastAt - firstAt) / 1000);
    // CPU is the honest measure on a shared machine: wall-clock rates move with others' load.
    const cpuMicrosPerEvent = ((processCpuSeconds(service.pid) - cpuAtReady) * 1e6) / values.length;
    console.log(`  ${mode}: process CPU ${cpuMicrosPerEvent.toFixed(1)} µs per event`);
    console.log(`  ${mode}: ${values.length} events at ${Math.round(eventsPerSecond)} events/s; ${await memoryReport(httpPort)}`);

    // Latency at half the max rate: a consumer on the enriched topic (latest offsets), then a paced producer.
    const latencies: number[] = [];
    let probed = false;
    const consumer = new KafkaBatchConsumer({
      ...connection,
      groupId: uniqueName('bench-enr-lat'),
      topics: [enriched],
      fromBeginning: false,
      partitionsConsumedConcurrently: PARTITIONS,
      maxWaitTimeMs: 100,
    });
    await consumer.run(async (batch) => {
      const now = Date.now();
      for (const message of batch.messages) {
        const sentAt = message.headers[SENT_AT];
        if (sentAt !== undefined) latencies.push(now - Number(sentAt.toString('utf8')));
        else if (message.headers[PROBE] !== undefined) probed = true;
      }
    });
    // The consumer starts at "latest" once it has joined: probe events, one per partition, until one comes
    // through the enricher, so that no paced event is sent before the consumer reads the live end.
    await pollUntil(
      async () => {
        await producer.send(Array.from({ length: PARTITIONS }, (_, i) => ({ topic: raw, key: `probe${i}`, value: values[i] as Buffer, headers: { [PROBE]: '1' } })));
        return probed;
      },
      { timeoutMs: 120_000, intervalMs: 1000, description: `${mode}: probe through the enricher` },
    );
    const rate = eventsPerSecond / 2;
    const total = Math.floor(rate * LATENCY_SECONDS);
    const tickMs = 10;
    const random = seededRandom(7);
    const pacedStart = performance.now();
    let sent = 0;
    let failed = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - pacedStart) / 1000) * rate));
      if (due > sent) {
        const records: KafkaProducedRecord[] = [];
        const at = String(Date.now());
        for (; sent < due; sent++) {
          records.push({ topic: raw, key: `l${sent}`, value: values[Math.floor(random() * values.length)] as Buffer, headers: { [SENT_AT]: at } });
        }
        // Not awaited one by one: a slow ack must not pace the load below the target rate.
        void producer.send(records).catch(() => (failed += records.length));
      }
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
    // Until every paced event came back, or nothing new came for 10 s (then the shortfall is reported).
    let seen = -1;
    let stalledSince = performance.now();
    await pollUntil(
      () => {
        if (latencies.length !== seen) {
          seen = latencies.length;
          stalledSince = performance.now();
        }
        return latencies.length >= total - failed || performance.now() - stalledSince > 10_000;
      },
      { timeoutMs: 300_000, intervalMs: 100, description: `${mode}: latency samples` },
    );
    await consumer.stop();
    if (latencies.length < total) {
      const written = (await admin.fetchTopicOffsets(enriched)).reduce((sum, p) => sum + Number(p.high), 0);
      const rawWritten = (await admin.fetchTopicOffsets(raw)).reduce((sum, p) => sum + Number(p.high), 0);
      console.log(`  ${mode}: ${latencies.length} of ${total} paced events came back (${failed} failed to send); raw ${rawWritten}, enriched ${written} records`);
      console.log(service.logs().slice(-3000));
    }
    latencies.sort((a, b) => a - b);
    const quantile = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
    const peakRssMb = service.peakRss() / 1024;
    await memory.stop();
    console.log(`  ${mode}: latency at ${Math.round(rate)} events/s: p50 ${quantile(0.5)} ms, p99 ${quantile(0.99)} ms; peak RSS ${peakRssMb.toFixed(0)} MB; ${memory.describe()}`);
    const max = latencies[latencies.length - 1] ?? Number.NaN;
    return { mode, nodeOptions, memory: memory.peaks, readySeconds, cpuMicrosPerEvent, eventsPerSecond, latencyRate: rate, p50: quantile(0.5), p99: quantile(0.99), max, latencySamples: latencies.length, peakRssMb };
  } finally {
    await memory.stop();
    service.peakRss();
    await service.stop().catch(() => service.kill());
  }
}

/** User + system CPU seconds of a process so far (/proc/<pid>/stat, fields 14 and 15, in clock ticks of 1/100 s). */
function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Where the service's memory is, from its own default metrics: resident, V8 heap, off-heap (Buffers). */
async function memoryReport(httpPort: number): Promise<string> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  // Default metrics carry the services' `iocflow_` prefix.
  const mb = (name: string): string => {
    const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
    return match === null ? '?' : (Number(match[1]) / 1048576).toFixed(0);
  };
  return `RSS ${mb('iocflow_process_resident_memory_bytes')} MB, heap used ${mb('iocflow_nodejs_heap_size_used_bytes')} of ${mb('iocflow_nodejs_heap_size_total_bytes')} MB, external ${mb('iocflow_nodejs_external_memory_bytes')} MB`;
}

/** A variant's options: `NAME=value` items into the environment, the rest into NODE_OPTIONS. */
function variantEnvironment(options: string): Record<string, string> {
  const env: Record<string, string> = {};
  const node: string[] = [];
  for (const item of options.split(/\s+/).filter(Boolean)) {
    const assignment = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(item);
    if (assignment === null) node.push(item);
    else env[assignment[1] as string] = assignment[2] as string;
  }
  return { ...env, NODE_OPTIONS: node.join(' ') };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface MemoryPeaks {
  heapUsed: number;
  heapTotal: number;
  external: number;
  rss: number;
}

const mb = (bytes: number): string => (bytes / 1048576).toFixed(0);

/** Maxima of the service's memory metrics, sampled every 250 ms until stopped (a sample that fails is skipped). */
class MemorySampler {
  readonly peaks: MemoryPeaks = { heapUsed: 0, heapTotal: 0, external: 0, rss: 0 };
  private running = true;
  private readonly loop: Promise<void>;

  constructor(private readonly httpPort: number) {
    this.loop = this.sample();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  describe(): string {
    const p = this.peaks;
    return `max over the run: RSS ${mb(p.rss)} MB, heap used ${mb(p.heapUsed)} MB, heap committed ${mb(p.heapTotal)} MB, external ${mb(p.external)} MB`;
  }

  private async sample(): Promise<void> {
    while (this.running) {
      const text = await fetch(`http://127.0.0.1:${this.httpPort}/metrics`).then((response) => response.text(), () => '');
      const read = (name: string): number => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text)?.[1] ?? 0);
      this.peaks.heapUsed = Math.max(this.peaks.heapUsed, read('iocflow_nodejs_heap_size_used_bytes'));
      this.peaks.heapTotal = Math.max(this.peaks.heapTotal, read('iocflow_nodejs_heap_size_total_bytes'));
      this.peaks.external = Math.max(this.peaks.external, read('iocflow_nodejs_external_memory_bytes'));
      this.peaks.rss = Math.max(this.peaks.rss, read('iocflow_process_resident_memory_bytes'));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}


let memcachedChild: ChildProcess | undefined;

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    memcachedChild?.kill('SIGKILL');
    // Open Kafka connections after a failure would keep the process alive.
    process.exit();
  });
