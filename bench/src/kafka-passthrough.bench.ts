/**
 * The Kafka client chosen by numbers (issue 14): a bare consume → produce passthrough per client,
 * in one run, on the same messages, with what the services rely on — a consumer group, an
 * idempotent producer with acks=all, commit only after the produced batch is acknowledged (per
 * partition, in offset order), per-partition order kept — and every run checked: the output topic
 * is read back and must hold each source record exactly once, in its partition's order.
 *
 *   npm run bench kafka-passthrough
 *   BENCH_VARIANTS='kcat,platformatic,platformatic:highWaterMark=1024' BENCH_ROUNDS=5 npm run bench kafka-passthrough
 *
 * Clients (variant syntax and tuned defaults: kafka-passthrough/variant.ts):
 *   kcat          Debian's kcat, `kcat -C | kcat -P` (the ceiling: no group, no commits)
 *   kafkajs       kafkajs 2.2.4 as shipped (patched), eachBatch, partitionsConsumedConcurrently
 *   platformatic  @platformatic/kafka (pure TypeScript)
 *   confluent     @confluentinc/kafka-javascript, KafkaJS-compatible API (eachBatch)
 *   rdkafka       @confluentinc/kafka-javascript, its node-rdkafka API (consume(n), produce, commitCb)
 *   io            the services' own owners (libs/common/io KafkaBatchConsumer + KafkaProducer) with
 *                 their defaults, e.g. `io:compression=zstd`, `io:maxWaitTimeMs=100`, `io:client=kafkajs`
 *   <client>+scan the same with a validating byte scan of every value (UTF-8 + scanJsonObject)
 * The confluent client is built beside the repository: bash scripts/bench-install-confluent.sh
 * (without it the default run leaves the confluent variants out and says so).
 *
 * Each variant runs in a fresh worker process (this bundle, forked), so its CPU is its own:
 * user + system time of the process (all threads) per event, and the main (JavaScript) thread's
 * part. Rounds are interleaved, each round starting one variant later (BENCH_ORDER=rotate; `fixed`
 * keeps A B C … A B C …); the table gives medians, ranges and the ratio to kcat of the same round.
 *
 * Env: BENCH_MESSAGES (300000), BENCH_PARTITIONS (4), BENCH_ROUNDS (3),
 * BENCH_VARIANTS (kcat,kafkajs,platformatic,confluent,rdkafka,platformatic+scan), BENCH_ORDER (rotate),
 * KAFKA_BROKERS (127.0.0.1:9092), BENCH_KCAT (kcat), BENCH_CLIENTS_DIR (/var/tmp/iocflow-bench-clients),
 * BENCH_WORKER_NODE_OPTIONS (node flags of the workers, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { KafkaAdmin } from '@iocflow/io';
import { uniqueName } from '@iocflow/testing';
import { confluentVersion, loadConfluent, selectVariants } from './kafka-passthrough/confluent-api';
import { generateEcsEvents } from './kafka-passthrough/ecs-events';
import { kcatLoad, runKcatPassthrough } from './kafka-passthrough/kcat';
import { brokerPid, median, oneDecimal, processCpuUs, range, thousands, topicBytesOnDisk, twoDecimals } from './kafka-passthrough/measure';
import { parseVariant, type Compression, type Variant } from './kafka-passthrough/variant';
import { indexSource, verifyOutput, type SourceIndex, type Verdict } from './kafka-passthrough/verify-output';
import { describeError, forkWorker, runMainOrWorker, type WorkerResult, type WorkerTask } from './kafka-passthrough/worker';

const BROKERS = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 300_000);
const PARTITIONS = Number(process.env['BENCH_PARTITIONS'] ?? 4);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const DEFAULT_VARIANTS = ['kcat', 'kafkajs', 'platformatic', 'confluent', 'rdkafka', 'platformatic+scan'];
const VARIANTS = selectVariants(process.env['BENCH_VARIANTS'], DEFAULT_VARIANTS).map(parseVariant);
// rotate: round r starts with variant r (A B C, B C A, C A B…), so that no variant always runs
// right after the same neighbour or in the same slot of a round; fixed: A B C, A B C…
const ORDER = process.env['BENCH_ORDER'] ?? 'rotate';
const RUN_TIMEOUT_MS = Number(process.env['BENCH_RUN_TIMEOUT_MS'] ?? 600_000);

interface RunResult {
  readonly eventsPerSecond: number;
  readonly cpuPerEvent: number;
  /** Of cpuPerEvent, the main (JavaScript) thread's part: what caps one process's rate. */
  readonly mainCpuPerEvent: number | undefined;
  readonly brokerCpuPerEvent: number | undefined;
  /** The output topic's log segments on disk, per event (compression shows here). */
  readonly diskBytesPerEvent: number | undefined;
  readonly meanBatch: number | undefined;
  readonly maxRssMb: number | undefined;
  readonly notVouched: number;
  readonly verdict: Verdict;
  readonly load: number;
}

async function runVariant(variant: Variant, source: string, index: SourceIndex, admin: KafkaAdmin): Promise<RunResult> {
  const output = uniqueName(`bench-pass-out-${variant.client}`);
  await admin.ensureTopics([{ topic: output, partitions: PARTITIONS }]);
  const broker = brokerPid();
  const brokerCpuBefore = processCpuUs(broker);
  const load = loadavg()[0] as number;
  try {
    let eventsPerSecond: number;
    let cpuUs: number;
    let worker: WorkerResult | undefined;
    let kcatExitedAt = 0;
    if (variant.client === 'kcat') {
      const run = await runKcatPassthrough(BROKERS, source, output, variant);
      cpuUs = run.cpuUs;
      kcatExitedAt = run.exitedAt;
      eventsPerSecond = Number.NaN; // from the output's first timestamp, below
    } else {
      worker = await runWorkerProcess({
        variant: variant.label,
        brokers: BROKERS.split(','),
        source,
        output,
        groupId: uniqueName(`bench-pass-${variant.client}`),
        expected: MESSAGES,
        delayPerRecordMs: 0,
      });
      cpuUs = worker.cpuUs;
      eventsPerSecond = MESSAGES / ((worker.doneAt - worker.firstAt) / 1000);
    }
    const brokerCpuAfter = processCpuUs(broker);
    const verdict = await verifyOutput(BROKERS, output, index);
    const disk = topicBytesOnDisk(output);
    // kcat has no in-process clock: from its first produced record (CreateTime) to its exit, by
    // which time its producer has flushed, i.e. every record is acknowledged.
    if (variant.client === 'kcat') eventsPerSecond = MESSAGES / ((kcatExitedAt - verdict.firstTimestamp) / 1000);
    return {
      eventsPerSecond,
      cpuPerEvent: cpuUs / MESSAGES,
      mainCpuPerEvent: worker ? worker.mainThreadCpuUs / MESSAGES : undefined,
      brokerCpuPerEvent: brokerCpuBefore !== undefined && brokerCpuAfter !== undefined ? (brokerCpuAfter - brokerCpuBefore) / MESSAGES : undefined,
      diskBytesPerEvent: disk !== undefined ? disk / MESSAGES : undefined,
      meanBatch: worker ? worker.records / worker.batches : undefined,
      maxRssMb: worker ? worker.maxRssKb / 1024 : undefined,
      notVouched: worker?.notVouched ?? 0,
      verdict,
      load,
    };
  } finally {
    await admin.deleteTopics([output]).catch(() => undefined);
  }
}

async function runWorkerProcess(task: WorkerTask): Promise<WorkerResult> {
  let result: WorkerResult | undefined;
  let failure: string | undefined;
  const worker = forkWorker(__filename, task, (message) => {
    if (message.type === 'result') result = message;
    if (message.type === 'error') failure = message.message;
  });
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([worker.exited, new Promise<number>((resolve) => (timer = setTimeout(() => resolve(-1), RUN_TIMEOUT_MS)))]);
  clearTimeout(timer);
  if (code === -1) {
    worker.kill();
    throw new Error(`${task.variant}: no result within ${RUN_TIMEOUT_MS} ms`);
  }
  if (!result) throw new Error(`${task.variant}: worker exited with ${code}${failure ? `: ${failure}` : ''}`);
  return result;
}

async function loadSources(admin: KafkaAdmin, compressions: readonly Compression[], workDir: string): Promise<Map<Compression, { topic: string; index: SourceIndex }>> {
  const values = generateEcsEvents(MESSAGES);
  const bytes = values.reduce((sum, v) => sum + v.length, 0);
  console.log(`${MESSAGES.toLocaleString('en-US')} ECS events of ${(bytes / MESSAGES).toFixed(0)} bytes on average, ${PARTITIONS} partitions`);
  const file = path.join(workDir, 'events.tsv');
  writeFileSync(
    file,
    values.map((v, i) => `k${i}\t${v.toString()}\n`).join(''),
  );
  const sources = new Map<Compression, { topic: string; index: SourceIndex }>();
  for (const compression of compressions) {
    const topic = uniqueName(`bench-pass-src-${compression}`);
    await admin.ensureTopics([{ topic, partitions: PARTITIONS }]);
    await kcatLoad(BROKERS, topic, compression, file);
    sources.set(compression, { topic, index: await indexSource(BROKERS, topic, MESSAGES) });
  }
  return sources;
}

function describe(result: RunResult): string {
  const v = result.verdict;
  const checks = `lost ${v.lost}, dup ${v.duplicated}, order ${v.outOfOrder}, corrupt ${v.corrupt}, moved ${v.movedPartition}`;
  const batch = result.meanBatch !== undefined ? `, batch ${result.meanBatch.toFixed(0)}` : '';
  const rss = result.maxRssMb !== undefined ? `, RSS ${result.maxRssMb.toFixed(0)} MB` : '';
  const broker = result.brokerCpuPerEvent !== undefined ? `, broker ${oneDecimal(result.brokerCpuPerEvent)} µs` : '';
  const disk = result.diskBytesPerEvent !== undefined ? `, ${result.diskBytesPerEvent.toFixed(0)} B/event on disk` : '';
  const scan = result.notVouched > 0 ? `, ${result.notVouched} values not vouched for` : '';
  const main = result.mainCpuPerEvent !== undefined ? ` (main thread ${oneDecimal(result.mainCpuPerEvent)})` : '';
  return `${thousands(result.eventsPerSecond)} events/s, CPU ${oneDecimal(result.cpuPerEvent)} µs/event${main}${broker}${batch}${rss}${disk}; ${checks}${scan}; load ${result.load.toFixed(1)}`;
}

function correct(result: RunResult): boolean {
  const v = result.verdict;
  return v.lost === 0 && v.duplicated === 0 && v.outOfOrder === 0 && v.corrupt === 0 && v.records === MESSAGES && result.notVouched === 0;
}

async function main(): Promise<void> {
  try {
    execFileSync(process.env['BENCH_KCAT'] ?? 'kcat', ['-V'], { stdio: 'ignore' });
  } catch {
    throw new Error('kafka-passthrough needs kcat (Debian: apt-get install kcat)');
  }
  const needsConfluent = VARIANTS.some((v) => v.client === 'confluent' || v.client === 'rdkafka');
  if (needsConfluent) {
    try {
      const ckjs = loadConfluent();
      console.log(`@confluentinc/kafka-javascript ${confluentVersion()} on librdkafka ${ckjs.librdkafkaVersion} (${ckjs.features.join(',')})`);
    } catch (error) {
      throw new Error(`the confluent variants need @confluentinc/kafka-javascript built beside the repo: bash scripts/bench-install-confluent.sh (${String(error)})`);
    }
  }
  const kcatVersion = execFileSync(process.env['BENCH_KCAT'] ?? 'kcat', ['-V'], { encoding: 'utf8' }).split('\n').find((l) => l.startsWith('Version')) ?? '';
  console.log(`kcat: ${kcatVersion.trim()}`);
  console.log(`Node ${process.version}; variants: ${VARIANTS.map((v) => v.label).join(' | ')}; ${ROUNDS} interleaved rounds (${ORDER}); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  const admin = new KafkaAdmin({ brokers: BROKERS, clientId: 'bench-pass-admin', logLevel: 'nothing' });
  await admin.connect();
  const workDir = mkdtempSync(path.join(tmpdir(), 'iocflow-bench-pass-'));
  const compressions = [...new Set(VARIANTS.map((v) => v.compression))];
  let sources = new Map<Compression, { topic: string; index: SourceIndex }>();
  const results = new Map<string, RunResult[]>();
  const kcatRates: number[] = [];
  const failures: string[] = [];
  try {
    sources = await loadSources(admin, compressions, workDir);
    for (let round = 1; round <= ROUNDS; round++) {
      const shift = ORDER === 'fixed' ? 0 : (round - 1) % VARIANTS.length;
      for (const variant of [...VARIANTS.slice(shift), ...VARIANTS.slice(0, shift)]) {
        const source = sources.get(variant.compression) as { topic: string; index: SourceIndex };
        let result: RunResult;
        try {
          result = await runVariant(variant, source.topic, source.index, admin);
        } catch (error) {
          // One failing variant (a tuning experiment past a limit) does not end the others' rounds.
          failures.push(`round ${round} ${variant.label}: ${describeError(error)}`);
          console.log(`  round ${round} ${variant.label.padEnd(28)} FAILED: ${describeError(error)}`);
          continue;
        }
        results.set(variant.label, [...(results.get(variant.label) ?? []), result]);
        if (variant.client === 'kcat' && variant.compression === 'none') kcatRates[round - 1] = result.eventsPerSecond;
        console.log(`  round ${round} ${variant.label.padEnd(28)} ${describe(result)}${correct(result) ? '' : '  ← NOT CORRECT'}`);
      }
    }
  } finally {
    await admin.deleteTopics([...sources.values()].map((s) => s.topic)).catch(() => undefined);
    await admin.disconnect();
    rmSync(workDir, { recursive: true, force: true });
  }

  // Ratios against the same round's kcat (none compression): the machine is shared, so a round's
  // ratio is steadier than a ratio of medians taken at different times.
  console.log(`\nmedians of ${ROUNDS} rounds (range); ÷ kcat = the same round's kcat, median of the per-round ratios (range)`);
  console.log('| variant | events/s | range | CPU µs/event | range | main thread µs/event | ÷ kcat | range | broker µs/event | B/event on disk | mean batch | all runs correct |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const variant of VARIANTS) {
    const list = results.get(variant.label) ?? [];
    const rates = list.map((r) => r.eventsPerSecond);
    const cpus = list.map((r) => r.cpuPerEvent);
    const ratios = list.map((r, i) => r.eventsPerSecond / (kcatRates[i] ?? Number.NaN));
    const broker = list.map((r) => r.brokerCpuPerEvent).filter((n): n is number => n !== undefined);
    const mains = list.map((r) => r.mainCpuPerEvent).filter((n): n is number => n !== undefined);
    const disks = list.map((r) => r.diskBytesPerEvent).filter((n): n is number => n !== undefined);
    const batches = list.map((r) => r.meanBatch).filter((n): n is number => n !== undefined);
    console.log(
      `| ${variant.label} | ${thousands(median(rates))} | ${range(rates, thousands)} | ${oneDecimal(median(cpus))} | ${range(cpus, oneDecimal)} | ${mains.length ? oneDecimal(median(mains)) : '–'} | ${twoDecimals(median(ratios))} | ${range(ratios, twoDecimals)} | ${oneDecimal(median(broker))} | ${disks.length ? median(disks).toFixed(0) : '–'} | ${batches.length ? thousands(median(batches)) : '–'} | ${list.length === ROUNDS && list.every(correct) ? 'yes' : 'NO'} |`,
    );
  }
  console.log(`load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  if (failures.length > 0) throw new Error(`runs failed:\n${failures.join('\n')}`);
  if (![...results.values()].flat().every(correct)) throw new Error('a run lost, duplicated, reordered or corrupted records (see NOT CORRECT above)');
}

runMainOrWorker(main);
