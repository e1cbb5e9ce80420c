/**
 * misp-sync: full sync of generated MISP attributes into memcached and the compacted indicator
 * topic, then the update-to-effect latency of one edited attribute, then a rebuild of the state
 * from the topic (docs/benchmarks.md, section "misp-sync").
 *
 *   BENCH_ATTRIBUTES=1000000 npm run bench misp-sync
 *
 * Pages are misp-sync's default `MISP_PAGE_SIZE` unless `BENCH_PAGE_SIZE` sets one (runs before
 * 2026-12-03's fourth pass used 10,000, which costs ~1.3× the CPU of the default 5,000).
 *
 * The stand-in MISP (`MispStandin.withGeneratedAttributes`) runs in a child process forked from
 * this bundle (`BENCH_STANDIN=inline` keeps it in this process, as before 2026-12-03), so the
 * process CPU reported is misp-sync's own and the stand-in's is reported beside it; memcached is a
 * private 2 GB process (a million keys do not fit the stack's default); Kafka is the stack's,
 * with a fresh 1-partition topic. `BENCH_FULL_ONLY=1` stops after the full sync (for profiles).
 * `KAFKA_CLIENT`, `KAFKA_COMPRESSION` and `SYNC_APPLY_BATCH` are passed to misp-sync when set.
 */
import { strict as assert } from 'node:assert';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SYNC_SENTINEL_KEY } from '@iocflow/core';
import { KafkaTopicReader } from '@iocflow/io';
import { freePort, memcachedBinary, pollUntil, requireTcp, stackEndpoints } from '@iocflow/testing';
import { IndicatorState } from '../src/sync/indicator-state';
import { parseIndicatorRecord } from '../src/sync/parse-indicator-record';
import { createHarness, MispStandin, rawGet } from '../test/integration/misp-sync-harness';

const COUNT = Number(process.env['BENCH_ATTRIBUTES'] ?? 1_000_000);
const PAGE_SIZE = process.env['BENCH_PAGE_SIZE'];
const STANDIN_INLINE = process.env['BENCH_STANDIN'] === 'inline';
const FULL_ONLY = process.env['BENCH_FULL_ONLY'] === '1';
/** Set in the forked child that serves the stand-in. */
const STANDIN_ROLE = process.env['BENCH_ROLE'] === 'standin';

/** The generated MISP every run serves (the stand-in finds test/fixtures upward from dist/bench). */
const generatedStandin = (): MispStandin => MispStandin.withGeneratedAttributes(COUNT, { perSecond: 50 });

/** What the bench asks of the stand-in, wherever it runs. */
interface StandinHandle {
  readonly url: string;
  readonly apiKey: string;
  editTags(uuid: string, tags: readonly string[]): Promise<void>;
  /** The stand-in process's CPU seconds so far (undefined inline: it is in this process's figure). */
  cpuSeconds(): Promise<number | undefined>;
  stop(): void;
}

async function main(): Promise<void> {
  const remote = STANDIN_INLINE ? undefined : await forkStandin();
  const standin = remote === undefined ? generatedStandin() : new MispStandin();
  const port = await freePort();
  const binary = memcachedBinary();
  const libDir = path.resolve(path.dirname(binary), '..', 'lib', 'x86_64-linux-gnu');
  const args = ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '2048', '-t', '2', ...(process.getuid?.() === 0 ? ['-u', 'nobody'] : [])];
  const memcached = spawn(binary, args, { stdio: 'ignore', env: { ...process.env, LD_LIBRARY_PATH: libDir } });
  await pollUntil(async () => (await requireTcp('127.0.0.1', port, 500), true), { description: 'bench memcached' });
  const server = `127.0.0.1:${port}`;
  const kafkaClient = process.env['KAFKA_CLIENT'];
  const compression = process.env['KAFKA_COMPRESSION'];
  const applyBatch = process.env['SYNC_APPLY_BATCH'];
  process.stdout.write(`Kafka client: ${kafkaClient ?? 'default'}, compression: ${compression ?? 'default'}\n`);
  const harness = await createHarness(standin, {
    ...(PAGE_SIZE === undefined ? {} : { MISP_PAGE_SIZE: PAGE_SIZE }),
    MISP_TIMEOUT: '60s',
    LOG_LEVEL: 'info',
    SYNC_PROGRESS_INTERVAL: '10s',
    MEMCACHED_SERVERS: server,
    ...(remote === undefined ? {} : { MISP_URL: remote.url, MISP_API_KEY: remote.apiKey }),
    ...(kafkaClient === undefined ? {} : { KAFKA_CLIENT: kafkaClient }),
    ...(compression === undefined ? {} : { KAFKA_COMPRESSION: compression }),
    ...(applyBatch === undefined ? {} : { SYNC_APPLY_BATCH: applyBatch }),
  });
  try {
    const instance = await harness.start();
    // The state's heap: live heap after a full collection, after the sync less before it (the
    // stand-in's generator is built before). Needs --expose-gc (scripts/bench.sh passes it).
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const peak = samplePeaks();
    const cpuBefore = process.cpuUsage();
    const standinCpuBefore = await remote?.cpuSeconds();
    const started = performance.now();
    assert.equal(await instance.runner.runOnce(), true, 'full sync failed');
    const fullMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const standinCpuAfter = await remote?.cpuSeconds();
    peak.stop();
    const outcome = instance.runner.lastSync;
    const keys = instance.pipeline.state.size;
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    collectGarbage();
    const stateHeapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    const fullSync = {
      attributes: COUNT,
      keys,
      pageSize: instance.config.MISP_PAGE_SIZE,
      applyBatch: applyBatch ?? 'default',
      standin: remote === undefined ? 'in this process' : 'child process',
      fullSyncSeconds: +(fullMs / 1000).toFixed(1),
      attributesPerSecond: Math.round(COUNT / (fullMs / 1000)),
      processCpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(1),
      ...(standinCpuBefore === undefined || standinCpuAfter === undefined ? {} : { standinCpuSeconds: +(standinCpuAfter - standinCpuBefore).toFixed(1) }),
      heapGrowthMb: Math.round(heapMb),
      stateHeapMb: Math.round(stateHeapMb),
      peakHeapUsedMb: Math.round(peak.heapUsed / 1024 / 1024),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    if (FULL_ONLY) {
      process.stdout.write(`misp-sync bench ${JSON.stringify({ ...fullSync, outcome })}\n`);
      return;
    }

    // Update-to-effect: edit one attribute's tags in MISP, run the next incremental poll, time until
    // memcached answers the new value (the poll interval itself is not included).
    const first = instance.pipeline.state.values().next().value;
    const uuid = first?.attributes[0]?.attributeUuid ?? '';
    const key = first?.key ?? '';
    const editStarted = performance.now();
    if (remote === undefined) standin.editAttribute(uuid, { tags: ['Feed-Bench-Edit'] });
    else await remote.editTags(uuid, ['Feed-Bench-Edit']);
    assert.equal((await instance.pipeline.sync()).ok, true, 'incremental sync failed');
    await pollUntil(async () => (await rawGet(server, key))?.value.includes('Feed-Bench-Edit'), { intervalMs: 1 });
    const updateMs = performance.now() - editStarted;

    // Rebuild: the state as a restart restores it from the indicator topic (SyncStateStore.restore's
    // loop), into a fresh IndicatorState; its heap after a full collection is the state alone.
    collectGarbage();
    const heapBeforeRebuild = process.memoryUsage().heapUsed;
    const rebuildStarted = performance.now();
    const rebuilt = await restoreState(harness.iocTopic);
    const rebuildMs = performance.now() - rebuildStarted;
    assert.equal(rebuilt.size, keys, 'the topic does not rebuild the state');
    collectGarbage();
    const restoredStateMb = (process.memoryUsage().heapUsed - heapBeforeRebuild) / 1024 / 1024;

    const result = {
      ...fullSync,
      updateToEffectMs: Math.round(updateMs),
      topicRebuildSeconds: +(rebuildMs / 1000).toFixed(1),
      restoredStateHeapMb: Math.round(restoredStateMb),
      outcome,
    };
    process.stdout.write(`misp-sync bench ${JSON.stringify(result)}\n`);
  } finally {
    await harness.stop();
    memcached.kill('SIGKILL');
    remote?.stop();
  }
}

/** The stand-in in a child process forked from this bundle; it answers the bench over IPC. */
async function forkStandin(): Promise<StandinHandle> {
  const child = fork(process.argv[1] ?? '', [], { env: { ...process.env, BENCH_ROLE: 'standin' }, execArgv: ['--max-old-space-size=2048'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let next = 0;
  const ask = (request: StandinRequest): Promise<StandinReply> =>
    new Promise((resolve, reject) => {
      const id = ++next;
      const onMessage = (reply: StandinReply): void => {
        if (reply.id !== id) return;
        child.off('message', onMessage);
        if (reply.error !== undefined) reject(new Error(`stand-in: ${reply.error}`));
        else resolve(reply);
      };
      child.on('message', onMessage);
      child.send({ ...request, id });
    });
  const ready = await ask({ op: 'start' });
  return {
    url: ready.url ?? '',
    apiKey: ready.apiKey ?? '',
    editTags: async (uuid, tags) => void (await ask({ op: 'edit', uuid, tags })),
    cpuSeconds: async () => (await ask({ op: 'cpu' })).cpuSeconds,
    stop: () => stopChild(child),
  };
}

interface StandinRequest {
  readonly op: 'start' | 'edit' | 'cpu';
  readonly uuid?: string;
  readonly tags?: readonly string[];
}

interface StandinReply {
  readonly id: number;
  readonly url?: string;
  readonly apiKey?: string;
  readonly cpuSeconds?: number;
  readonly error?: string;
}

function stopChild(child: ChildProcess): void {
  child.disconnect();
  child.kill('SIGTERM');
}

/** The child's side: serve the generated stand-in until the bench disconnects. */
function serveStandin(): void {
  const standin = generatedStandin();
  process.on('message', (message: StandinRequest & { readonly id: number }) => {
    const reply = async (): Promise<Omit<StandinReply, 'id'>> => {
      if (message.op === 'start') return { url: (await standin.start()).url, apiKey: standin.apiKey };
      if (message.op === 'edit') return (standin.editAttribute(message.uuid ?? '', { tags: [...(message.tags ?? [])] }), {});
      const usage = process.cpuUsage();
      return { cpuSeconds: (usage.user + usage.system) / 1e6 };
    };
    reply().then(
      (answer) => process.send?.({ ...answer, id: message.id }),
      (error: unknown) => process.send?.({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.on('disconnect', () => void standin.stop().then(() => process.exit(0)));
}

/** The indicator topic from the start into a fresh state, as SyncStateStore.restore reads it. */
async function restoreState(topic: string): Promise<IndicatorState> {
  const state = new IndicatorState();
  const reader = new KafkaTopicReader({ brokers: stackEndpoints().kafkaBrokers, clientId: 'misp-sync-bench-restore', logLevel: 'error' });
  await reader.read(topic, async (batch) => {
    for (const message of batch.messages) {
      const key = message.key?.toString('utf8');
      if (key === undefined || key === SYNC_SENTINEL_KEY) continue;
      state.restore(key, message.value === null ? undefined : parseIndicatorRecord(key, message.value.toString('utf8')));
    }
  });
  return state;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc: the state heap is measured after a full collection');
  gc();
}

/** The highest heap in use, sampled every 100 ms (the stand-in's pages included: it runs in this process). */
function samplePeaks(): { readonly heapUsed: number; stop(): void } {
  const peaks = { heapUsed: process.memoryUsage().heapUsed };
  const timer = setInterval(() => {
    peaks.heapUsed = Math.max(peaks.heapUsed, process.memoryUsage().heapUsed);
  }, 100);
  return {
    get heapUsed() {
      return peaks.heapUsed;
    },
    stop: () => clearInterval(timer),
  };
}

if (STANDIN_ROLE) serveStandin();
else
  main().catch((error: unknown) => {
  process.stderr.write(`misp-sync bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
