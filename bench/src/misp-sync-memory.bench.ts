/**
 * misp-sync's memory as deployed (deploy/k8s/base/misp-sync.yaml): the built service under the
 * manifest's V8 heap caps, against a stand-in MISP serving BENCH_ATTRIBUTES generated attributes.
 * Two phases, each a fresh process, peak RSS (VmHWM) and heap in use sampled every second:
 *
 *   full sync   an empty state pulls every attribute (the first start on a large MISP)
 *   restore     a restart reads its state back from the sync-state topic, then polls once
 *
 *   BENCH_ATTRIBUTES=1000000 BENCH_NODE_OPTIONS="--max-old-space-size=1536" npm run bench misp-sync-memory
 *
 * Needs `npm run build` and `npx nx run misp-standin:build` (the bundles it starts). The stand-in
 * and a private memcached (2 GiB, so memcached never limits the run) run as their own processes,
 * so the figures are misp-sync's alone; topics are fresh and deleted afterwards. A phase that
 * exits or does not finish in BENCH_TIMEOUT_S fails the bench (a heap cap that is too small shows
 * up here as an OOM exit).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { KafkaAdmin } from '@iocflow/io';
import { freePort, pollUntil, ServiceProcess, stackEndpoints, uniqueName } from '@iocflow/testing';
import { PrivateMemcached } from './private-memcached';

const ATTRIBUTES = Number(process.env['BENCH_ATTRIBUTES'] ?? 1_000_000);
const NODE_OPTIONS = process.env['BENCH_NODE_OPTIONS'] ?? '--max-old-space-size=1536';
const TIMEOUT_MS = Number(process.env['BENCH_TIMEOUT_S'] ?? 3600) * 1000;
const MIB = 1024 * 1024;
/** Bundled benches run from the repository root (scripts/bench.sh); the bundles are under its dist/. */
const DIST = (process.env['IOCFLOW_DIST_DIR'] ??= path.resolve('dist'));
/** The stand-in accepts this key (MISP_STANDIN_API_KEY) and misp-sync sends it. */
const API_KEY = 'bench0misp0sync0memory0key00000000000000';

interface PhaseResult {
  readonly phase: string;
  /** Lookup keys this process added (iocflow_misp_sync_changes_total{change="added"}): the whole set on a full sync. */
  readonly keysAdded: number;
  readonly seconds: number;
  readonly peakRssMiB: number;
  readonly peakHeapUsedMiB: number;
}

async function startStandin(port: number): Promise<() => void> {
  const child = spawn(process.execPath, [path.join(DIST, 'tools', 'misp-standin', 'main.js')], {
    env: { ...process.env, MISP_STANDIN_PORT: String(port), MISP_STANDIN_GENERATE: String(ATTRIBUTES), MISP_STANDIN_API_KEY: API_KEY },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.once('exit', () => child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`misp stand-in exited with ${code}`)));
  });
  return () => child.kill('SIGTERM');
}

/** A metric's value from a Prometheus text page; metric names with or without the iocflow_ prefix. */
function metric(page: string, name: string, labels = ''): number | undefined {
  const match = new RegExp(`^(?:iocflow_)?${name}(?:\\{${labels}[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(page);
  return match ? Number(match[1]) : undefined;
}

async function runPhase(phase: string, env: NodeJS.ProcessEnv, done: (page: string, startedAt: number) => boolean): Promise<PhaseResult> {
  const port = await freePort();
  const startedAt = Date.now() / 1000;
  const service = ServiceProcess.start('misp-sync', { ...env, HTTP_PORT: String(port), NODE_OPTIONS }, [], `misp-sync ${phase}`);
  let peakHeap = 0;
  let keys = 0;
  try {
    await pollUntil(
      async () => {
        if (!service.running) throw new Error(`misp-sync exited during ${phase}:\n${service.logs().slice(-3000)}`);
        service.peakRss();
        const page = await fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text()).catch(() => '');
        peakHeap = Math.max(peakHeap, metric(page, 'nodejs_heap_size_used_bytes') ?? 0);
        keys = metric(page, 'iocflow_misp_sync_changes_total', 'change="added"') ?? keys;
        return done(page, startedAt);
      },
      { timeoutMs: TIMEOUT_MS, intervalMs: 1000, description: `misp-sync ${phase}` },
    );
    return { phase, keysAdded: keys, seconds: Math.round(Date.now() / 1000 - startedAt), peakRssMiB: Math.round((service.peakRss() * 1024) / MIB), peakHeapUsedMiB: Math.round(peakHeap / MIB) };
  } finally {
    await service.stop(60_000);
  }
}

async function main(): Promise<void> {
  for (const bundle of [path.join(DIST, 'apps', 'misp-sync', 'main.js'), path.join(DIST, 'tools', 'misp-standin', 'main.js')]) {
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build && npx nx run misp-standin:build\` first`);
  }
  const memcached = await PrivateMemcached.start(['-m', '2048', '-t', '2']);
  const standinPort = await freePort();
  const stopStandin = await startStandin(standinPort);
  const brokers = stackEndpoints().kafkaBrokers;
  const iocTopic = uniqueName('bench-sync-memory-iocs');
  const admin = new KafkaAdmin({ brokers, clientId: 'bench-misp-sync-memory' });
  await admin.connect();
  const env: NodeJS.ProcessEnv = {
    KAFKA_BROKERS: brokers,
    MEMCACHED_SERVERS: memcached.server,
    IOC_TOPIC: iocTopic,
    MISP_URL: `http://127.0.0.1:${standinPort}`,
    MISP_API_KEY: API_KEY,
    MISP_TIMEOUT: '300s',
    // The generator's attributes are dated from 2023-11-14 on: look back far enough to pull them all.
    MISP_INITIAL_LOOKBACK: '7300d',
    // …and keep them: no expiry by age (issue 15).
    IOC_EXPIRY: 'false',
    LOG_LEVEL: 'warn',
  };
  try {
    const success = (page: string, startedAt: number): boolean => (metric(page, 'iocflow_misp_sync_last_success_timestamp_seconds') ?? 0) >= startedAt;
    const results = [await runPhase('full sync', env, success), await runPhase('restore', env, success)];
    // A generated attribute yields one key (two for domain|ip, fewer where values repeat): a full
    // sync that added far fewer did not pull the data set, and its memory says nothing.
    if ((results[0]?.keysAdded ?? 0) < ATTRIBUTES * 0.9) throw new Error(`the full sync added ${results[0]?.keysAdded} keys for ${ATTRIBUTES} attributes`);
    console.log(`misp-sync, ${ATTRIBUTES} generated attributes, NODE_OPTIONS="${NODE_OPTIONS}"`);
    for (const result of results) console.log(`${result.phase.padEnd(10)} ${String(result.keysAdded).padStart(8)} keys added ${String(result.seconds).padStart(5)} s   peak RSS ${result.peakRssMiB} MiB   peak heap used ${result.peakHeapUsedMiB} MiB`);
    console.log(JSON.stringify({ attributes: ATTRIBUTES, nodeOptions: NODE_OPTIONS, results }));
  } finally {
    await admin.deleteTopics([iocTopic, `${iocTopic}-sync-state`]).catch(() => undefined);
    await admin.disconnect();
    stopStandin();
    await memcached.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
