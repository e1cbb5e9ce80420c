import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort, memcachedBinary, pollUntil, requireTcp } from '@iocflow/testing';
import { createHarness, MispStandin, rawGet, readTopic } from '../integration/misp-sync-harness';

// Benchmark, not a timed test: run by hand (see docs/benchmarks.md, section misp-sync).
//   BENCH_ATTRIBUTES=1000000 npx jest -c apps/misp-sync/jest.integration.config.js \
//     --testMatch '<rootDir>/test/bench/*.bench-spec.ts' --runInBand
const COUNT = Number(process.env['BENCH_ATTRIBUTES'] ?? 1_000_000);
const PAGE_SIZE = process.env['BENCH_PAGE_SIZE'] ?? '10000';

jest.setTimeout(3_600_000);

it(`full sync of ${COUNT} generated attributes, then update-to-effect latency`, async () => {
  const standin = MispStandin.withGeneratedAttributes(COUNT, { perSecond: 50 });
  // A memcached big enough for a million keys (the harness' own one has 64 MB).
  const port = await freePort();
  const binary = memcachedBinary();
  const libDir = path.resolve(path.dirname(binary), '..', 'lib', 'x86_64-linux-gnu');
  const args = ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '2048', '-t', '2', ...(process.getuid?.() === 0 ? ['-u', 'nobody'] : [])];
  const memcached = spawn(binary, args, { stdio: 'ignore', env: { ...process.env, LD_LIBRARY_PATH: libDir } });
  await pollUntil(async () => (await requireTcp('127.0.0.1', port, 500), true), { description: 'bench memcached' });
  const server = `127.0.0.1:${port}`;
  const harness = await createHarness(standin, { MISP_PAGE_SIZE: PAGE_SIZE, MISP_TIMEOUT: '60s', LOG_LEVEL: 'info', SYNC_PROGRESS_INTERVAL: '10s', MEMCACHED_SERVERS: server });
  try {
    const instance = await harness.start();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    expect(await instance.runner.runOnce()).toBe(true);
    const fullMs = performance.now() - started;
    const outcome = instance.runner.lastSync;
    const keys = instance.pipeline.state.size;
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;

    // Update-to-effect: edit one attribute's tags in MISP, run the next incremental poll, time until
    // memcached answers the new value (the poll interval itself is not included).
    const first = instance.pipeline.state.values().next().value;
    const uuid = first?.attributes[0]?.attributeUuid ?? '';
    const key = first?.key ?? '';
    const editStarted = performance.now();
    standin.editAttribute(uuid, { tags: ['Feed-Bench-Edit'] });
    expect((await instance.pipeline.sync()).ok).toBe(true);
    await pollUntil(async () => (await rawGet(server, key))?.value.includes('Feed-Bench-Edit'), { intervalMs: 1 });
    const updateMs = performance.now() - editStarted;

    const rebuildStarted = performance.now();
    const topic = await readTopic(harness.iocTopic);
    const rebuildMs = performance.now() - rebuildStarted;
    expect(topic.size).toBe(keys);

    const result = {
      attributes: COUNT,
      keys,
      pageSize: Number(PAGE_SIZE),
      fullSyncSeconds: +(fullMs / 1000).toFixed(1),
      attributesPerSecond: Math.round(COUNT / (fullMs / 1000)),
      heapGrowthMb: Math.round(heapMb),
      updateToEffectMs: Math.round(updateMs),
      topicRebuildSeconds: +(rebuildMs / 1000).toFixed(1),
      outcome,
    };
    console.log(`misp-sync bench ${JSON.stringify(result)}`);
  } finally {
    await harness.stop();
    memcached.kill('SIGKILL');
  }
});
