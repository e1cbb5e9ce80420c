import { fork } from 'node:child_process';
import { startConfluent } from './confluent-driver';
import type { GroupProtocol, RunningDriver, StartDriver } from './driver';
import { startIo } from './io-driver';
import { startKafkajs } from './kafkajs-driver';
import { threadsCpuUs } from './measure';
import { now, PassthroughCore } from './passthrough-core';
import { startPlatformatic } from './platformatic-driver';
import { startRdkafka } from './rdkafka-driver';
import { numberSetting, parseVariant, type ClientName } from './variant';

/** What the orchestrator asks of one worker process (env BENCH_KAFKA_WORKER, JSON). */
export interface WorkerTask {
  readonly variant: string;
  readonly brokers: readonly string[];
  readonly source: string;
  readonly output: string;
  readonly groupId: string;
  /** Records to commit before the worker reports and exits; 0 = until told to stop. */
  readonly expected: number;
  readonly delayPerRecordMs: number;
  readonly group?: { readonly sessionTimeoutMs: number; readonly protocol: GroupProtocol };
}

export interface WorkerResult {
  readonly type: 'result';
  readonly firstAt: number;
  readonly doneAt: number;
  readonly records: number;
  readonly batches: number;
  /** User + system CPU of the whole worker process (all threads: librdkafka's too), µs. */
  readonly cpuUs: number;
  /** The part of cpuUs spent on the main (JavaScript) thread. */
  readonly mainThreadCpuUs: number;
  readonly maxRssKb: number;
  readonly notVouched: number;
  readonly commitErrors: number;
}

/** Messages a worker sends while it runs (the rebalance check follows them). */
export type WorkerMessage =
  | WorkerResult
  | { readonly type: 'started' }
  | { readonly type: 'acked'; readonly count: number; readonly at: number }
  | { readonly type: 'rebalance'; readonly event: 'assigned' | 'revoked'; readonly partitions: readonly number[]; readonly at: number }
  | { readonly type: 'error'; readonly message: string };

const DRIVERS: Readonly<Record<Exclude<ClientName, 'kcat'>, StartDriver>> = {
  kafkajs: startKafkajs,
  platformatic: startPlatformatic,
  confluent: startConfluent,
  rdkafka: startRdkafka,
  io: startIo,
};

export const WORKER_ENV = 'BENCH_KAFKA_WORKER';

/** The worker side: one client's passthrough in this process, reported over IPC. */
export async function runWorker(task: WorkerTask): Promise<void> {
  const send = (message: WorkerMessage): void => {
    process.send?.(message);
  };
  const cpu = process.cpuUsage();
  const threadsAtStart = threadsCpuUs();
  const variant = parseVariant(task.variant);
  if (variant.client === 'kcat') throw new Error('kcat runs as a pipeline, not in a worker');
  const core = new PassthroughCore({
    maxInFlight: numberSetting(variant.settings, 'inflight'),
    expected: task.expected,
    onAcknowledged: task.expected === 0 ? (count) => send({ type: 'acked', count, at: now() }) : undefined,
  });
  const driver: RunningDriver = await DRIVERS[variant.client]({
    brokers: task.brokers,
    source: task.source,
    output: task.output,
    groupId: task.groupId,
    clientId: `bench-${variant.client}-${process.pid}`,
    variant,
    core,
    delayPerRecordMs: task.delayPerRecordMs,
    group: task.group,
    onRebalance: (event, partitions) => send({ type: 'rebalance', event, partitions, at: now() }),
  });
  send({ type: 'started' });
  if (task.expected > 0) {
    await Promise.race([core.done, core.failed]);
  } else {
    await Promise.race([new Promise<void>((resolve) => process.once('message', () => resolve())), core.failed]);
  }
  const used = process.cpuUsage(cpu);
  const mainThreadCpuUs = (threadsCpuUs().get(process.pid) ?? 0) - (threadsAtStart.get(process.pid) ?? 0);
  await driver.stop();
  await sendAndWait({
    type: 'result',
    firstAt: core.firstAt,
    doneAt: core.doneAt || now(),
    records: core.records,
    batches: core.batches,
    cpuUs: used.user + used.system,
    mainThreadCpuUs,
    maxRssKb: process.resourceUsage().maxRSS,
    notVouched: core.notVouched,
    commitErrors: core.commitErrors,
  });
}

/** Sends over IPC and waits until the message is written (the worker exits right after). */
export function sendAndWait(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

/** The orchestrator side: forks this bundle as a worker for `task`. */
export function forkWorker(script: string, task: WorkerTask, onMessage: (message: WorkerMessage) => void): { readonly exited: Promise<number>; stop(): void; kill(): void } {
  const child = fork(script, [], {
    env: { ...process.env, [WORKER_ENV]: JSON.stringify(task) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // e.g. BENCH_WORKER_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile one client.
    execArgv: (process.env['BENCH_WORKER_NODE_OPTIONS'] ?? '').split(' ').filter(Boolean),
  });
  child.on('message', (message) => onMessage(message as WorkerMessage));
  const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  return {
    exited,
    stop: () => {
      if (child.connected) child.send('stop');
    },
    kill: () => {
      child.kill('SIGKILL');
    },
  };
}

/** An error with its code and nested errors (AggregateError, cause) on one line, for the report. */
export function describeError(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 4) return String(error);
  const e = error as Error & { code?: unknown; errors?: unknown[]; apiId?: unknown };
  const code = e.code !== undefined ? ` [${String(e.code)}${e.apiId !== undefined ? ` ${String(e.apiId)}` : ''}]` : '';
  const nested = [...(Array.isArray(e.errors) ? e.errors : []), ...(e.cause !== undefined ? [e.cause] : [])].map((n) => describeError(n, depth + 1));
  return `${e.name}: ${e.message}${code}${nested.length ? ` ← ${nested.join(' | ')}` : ''}`;
}

/**
 * The entry of a bench that forks itself: as a worker (BENCH_KAFKA_WORKER set) it runs one task
 * and reports over IPC, otherwise it runs `main`. Exits 0 on success, 1 on an error.
 */
export function runMainOrWorker(main: () => Promise<void>): void {
  const task = process.env[WORKER_ENV];
  const entry = task ? runWorker(JSON.parse(task) as WorkerTask) : main();
  entry.then(
    () => process.exit(0),
    async (error: unknown) => {
      console.error(error);
      if (task) await sendAndWait({ type: 'error', message: describeError(error) });
      process.exit(1);
    },
  );
}
