/**
 * misp-sync: full sync of generated MISP attributes into memcached and the compacted indicator
 * topic, then the update-to-effect latency of one edited attribute, then a rebuild of the state
 * from the topic (docs/benchmarks.md, section "misp-sync").
 *
 *   BENCH_ATTRIBUTES=1000000 BENCH_PAGE_SIZE=10000 npm run bench misp-sync
 *
 * The stand-in MISP runs in this process (`MispStandin.withGeneratedAttributes`); memcached is a
 * private 2 GB process (a million keys do not fit the stack's default); Kafka is the stack's,
 * with a fresh 1-partition topic.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SYNC_SENTINEL_KEY } from '@iocflow/core';
import { KafkaTopicReader } from '@iocflow/io';
import { freePort, memcachedBinary, pollUntil, requireTcp, stackEndpoints } from '@iocflow/testing';
import { IndicatorState } from '../src/sync/indicator-state';
import { parseIndicatorRecord } from '../src/sync/parse-indicator-record';
import { createHarness, MispStandin, rawGet } from '../test/integration/misp-sync-harness';

const COUNT = Number(process.env['BENCH_ATTRIBUTES'] ?? 1_000_000);
const PAGE_SIZE = process.env['BENCH_PAGE_SIZE'] ?? '10000';

async function main(): Promise<void> {
  // The stand-in finds test/fixtures (its warninglists) upward from the bundle in dist/bench.
  const standin = MispStandin.withGeneratedAttributes(COUNT, { perSecond: 50 });
  const port = await freePort();
  const binary = memcachedBinary();
  const libDir = path.resolve(path.dirname(binary), '..', 'lib', 'x86_64-linux-gnu');
  const args = ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '2048', '-t', '2', ...(process.getuid?.() === 0 ? ['-u', 'nobody'] : [])];
  const memcached = spawn(binary, args, { stdio: 'ignore', env: { ...process.env, LD_LIBRARY_PATH: libDir } });
  await pollUntil(async () => (await requireTcp('127.0.0.1', port, 500), true), { description: 'bench memcached' });
  const server = `127.0.0.1:${port}`;
  const kafkaClient = process.env['KAFKA_CLIENT'];
  process.stdout.write(`Kafka client: ${kafkaClient ?? 'default'}\n`);
  const harness = await createHarness(standin, {
    MISP_PAGE_SIZE: PAGE_SIZE,
    MISP_TIMEOUT: '60s',
    LOG_LEVEL: 'info',
    SYNC_PROGRESS_INTERVAL: '10s',
    MEMCACHED_SERVERS: server,
    ...(kafkaClient === undefined ? {} : { KAFKA_CLIENT: kafkaClient }),
  });
  try {
    const instance = await harness.start();
    // The state's heap: live heap after a full collection, after the sync less before it (the
    // stand-in's generator is built before). Needs --expose-gc (scripts/bench.sh passes it).
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const peak = samplePeaks();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    assert.equal(await instance.runner.runOnce(), true, 'full sync failed');
    const fullMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    peak.stop();
    const outcome = instance.runner.lastSync;
    const keys = instance.pipeline.state.size;
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    collectGarbage();
    const stateHeapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;

    // Update-to-effect: edit one attribute's tags in MISP, run the next incremental poll, time until
    // memcached answers the new value (the poll interval itself is not included).
    const first = instance.pipeline.state.values().next().value;
    const uuid = first?.attributes[0]?.attributeUuid ?? '';
    const key = first?.key ?? '';
    const editStarted = performance.now();
    standin.editAttribute(uuid, { tags: ['Feed-Bench-Edit'] });
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
      attributes: COUNT,
      keys,
      pageSize: Number(PAGE_SIZE),
      fullSyncSeconds: +(fullMs / 1000).toFixed(1),
      attributesPerSecond: Math.round(COUNT / (fullMs / 1000)),
      heapGrowthMb: Math.round(heapMb),
      stateHeapMb: Math.round(stateHeapMb),
      peakHeapUsedMb: Math.round(peak.heapUsed / 1024 / 1024),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      processCpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(1),
      updateToEffectMs: Math.round(updateMs),
      topicRebuildSeconds: +(rebuildMs / 1000).toFixed(1),
      restoredStateHeapMb: Math.round(restoredStateMb),
      outcome,
    };
    process.stdout.write(`misp-sync bench ${JSON.stringify(result)}\n`);
  } finally {
    await harness.stop();
    memcached.kill('SIGKILL');
  }
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

main().catch((error: unknown) => {
  process.stderr.write(`misp-sync bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
