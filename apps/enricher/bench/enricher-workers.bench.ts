/**
 * Enrichment on worker threads (issue 14, deliverable 5; the design is in docs/scaling.md,
 * "More cores per replica"): the CPU-bound stages (readEvent → extract → apply, all miss) run
 * in-thread, on 1 worker, or on BENCH_WORKERS (default 2) workers, over BENCH_EVENTS (default
 * 200,000) generated ECS events in batches of BENCH_BATCH (1,000). A batch crosses to a worker as
 * ONE transferred ArrayBuffer (the values packed end to end, plus their offsets) and comes back the
 * same way, so nothing is copied by structured cloning; the main thread keeps BENCH_IN_FLIGHT (2)
 * batches per worker and reassembles the results in batch order (what per-partition ordering needs).
 *
 * Reports wall-clock events/s and process CPU µs per event (all threads), per variant, rounds
 * interleaved. On this machine the 2 cores are shared with other agents: a second thread can only
 * help when a core is free, so read the events/s ratio together with the load average printed.
 *
 *   npm run bench enricher-workers
 */
/* eslint-disable no-console -- a benchmark reports on stdout */
import { loadavg } from 'node:os';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { DEFAULT_MAX_JSON_DEPTH } from '@iocflow/core';
import { applyEnrichment } from '../src/pipeline/apply-enrichment';
import { compileRules, eventPlan, extractObservables } from '../src/pipeline/extract-observables';
import { DEFAULT_LOOKUP_RULES } from '../src/pipeline/lookup-rules';
import { readEvent } from '../src/pipeline/parse-event';
import { generateEvents } from './load-generator';

const env = (name: string, fallback: number): number => Number(process.env[`BENCH_${name}`] ?? fallback);
const EVENTS = env('EVENTS', 200_000);
const BATCH = env('BATCH', 1000);
const WORKERS = env('WORKERS', 2);
const IN_FLIGHT = env('IN_FLIGHT', 2);
const ROUNDS = env('ROUNDS', 3);

/** A batch packed for transfer: values end to end, value i at [offsets[i], offsets[i + 1]). */
interface Packed {
  readonly sequence: number;
  readonly data: ArrayBuffer;
  readonly offsets: Uint32Array<ArrayBuffer>;
}

function pack(sequence: number, values: readonly Uint8Array[]): Packed {
  const offsets = new Uint32Array(values.length + 1);
  let size = 0;
  values.forEach((value, i) => {
    offsets[i] = size;
    size += value.length;
  });
  offsets[values.length] = size;
  const data = new ArrayBuffer(size);
  const bytes = new Uint8Array(data);
  values.forEach((value, i) => bytes.set(value, offsets[i] as number));
  return { sequence, data, offsets };
}

function unpack(packed: Packed): Buffer[] {
  const values: Buffer[] = [];
  for (let i = 0; i + 1 < packed.offsets.length; i++) values.push(Buffer.from(packed.data, packed.offsets[i] as number, (packed.offsets[i + 1] as number) - (packed.offsets[i] as number)));
  return values;
}

const rules = compileRules(DEFAULT_LOOKUP_RULES, true);
const plan = eventPlan(rules);
const limits = { maxBytes: 1_048_576, maxDepth: DEFAULT_MAX_JSON_DEPTH };

/** The CPU-bound stages on one batch: what a worker does. */
function enrichBatch(values: readonly Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (const value of values) {
    const parsed = readEvent(value, limits, plan);
    if (!parsed.ok) continue;
    const extracted = extractObservables(parsed.parsed.event, rules, 256);
    if (!extracted.ok) continue;
    const output = applyEnrichment(parsed.parsed, extracted.observations, { known: true, matches: [] });
    out.push(typeof output === 'string' ? Buffer.from(output, 'utf8') : output);
  }
  return out;
}

function runWorker(): void {
  const port = parentPort;
  if (port === null) return;
  port.on('message', (packed: Packed) => {
    const result = pack(packed.sequence, enrichBatch(unpack(packed)));
    port.postMessage(result, [result.data, result.offsets.buffer]);
  });
}

/** Every batch through `workers` threads (0 = in this thread), results taken in batch order. */
async function runPool(workers: Worker[], batches: readonly Buffer[][]): Promise<number> {
  if (workers.length === 0) {
    let out = 0;
    for (const batch of batches) out += enrichBatch(batch).length;
    return out;
  }
  return new Promise((resolve) => {
    let next = 0;
    let delivered = 0;
    let out = 0;
    const done = new Map<number, number>();
    const send = (worker: Worker): void => {
      if (next >= batches.length) return;
      const packed = pack(next++, batches[next - 1] as Buffer[]);
      worker.postMessage(packed, [packed.data, packed.offsets.buffer]);
    };
    for (const worker of workers) {
      worker.removeAllListeners('message');
      worker.on('message', (result: Packed) => {
        done.set(result.sequence, result.offsets.length - 1);
        // in order: what a partition's commit after acknowledgement needs
        while (done.has(delivered)) {
          out += done.get(delivered) as number;
          done.delete(delivered++);
        }
        if (delivered === batches.length) resolve(out);
        else send(worker);
      });
      for (let k = 0; k < IN_FLIGHT; k++) send(worker);
    }
  });
}

async function main(): Promise<void> {
  const values = generateEvents({ events: EVENTS, hitRate: 0.05, indicatorDomains: ['bad.example'], benignDomains: 200_000, seed: 42 }).values;
  const batches: Buffer[][] = [];
  for (let i = 0; i < values.length; i += BATCH) batches.push(values.slice(i, i + BATCH));
  const pools: Record<string, Worker[]> = {
    'in-thread (no worker)': [],
    '1 worker': [new Worker(process.argv[1] as string)],
    [`${WORKERS} workers`]: Array.from({ length: WORKERS }, () => new Worker(process.argv[1] as string)),
  };
  for (const workers of Object.values(pools)) await runPool(workers, batches.slice(0, 20));
  const results = new Map<string, { rate: number[]; cpu: number[] }>(Object.keys(pools).map((name) => [name, { rate: [], cpu: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, workers] of Object.entries(pools)) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const out = await runPool(workers, batches);
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      if (out !== EVENTS) throw new Error(`${name}: ${out} of ${EVENTS} events came back`);
      const entry = results.get(name) as { rate: number[]; cpu: number[] };
      entry.rate.push(EVENTS / seconds);
      entry.cpu.push((used.user + used.system) / EVENTS);
    }
  }
  for (const workers of Object.values(pools)) for (const worker of workers) await worker.terminate();
  const median = (list: number[]): number => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] as number;
  console.log(`\n${EVENTS} events, batches of ${BATCH}, ${IN_FLIGHT} in flight per worker, ${ROUNDS} interleaved rounds; load average now ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('| variant | events/s (median) | × in-thread | process CPU µs/event (median) |\n| --- | --- | --- | --- |');
  const base = median(results.get('in-thread (no worker)')?.rate ?? [1]);
  for (const [name, entry] of results) console.log(`| ${name} | ${Math.round(median(entry.rate))} | ${(median(entry.rate) / base).toFixed(2)} | ${median(entry.cpu).toFixed(2)} |`);
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  runWorker();
}
