/**
 * Rebalance check per Kafka client (issue 14): the passthrough of kafka-passthrough.bench.ts, run by
 * members of one group in separate processes, through a slowed handler, while the group changes:
 *
 *   two members start; a third joins at 25 % of the records; the first leaves gracefully (pause
 *   fetching, wait for its acknowledgements, commit, leave) at 60 %. Then the group's lag must
 *   reach 0, and the output topic is read back: every source record must be there (lost = 0),
 *   extra copies are counted (duplicates: at-least-once replays), first copies must keep their
 *   partition's order.
 *
 * "Pause" is the longest time in which no member finished a batch, after each group change:
 * the stop-the-world part of a rebalance (eager protocols revoke everything from everyone;
 * cooperative-sticky and KIP-848 move only the partitions that change owner).
 *
 *   npm run bench kafka-rebalance
 *   BENCH_REBALANCE_VARIANTS='platformatic:protocol=consumer' BENCH_REBALANCE_ROUNDS=3 npm run bench kafka-rebalance
 *
 * Variant syntax as in kafka-passthrough (kafka-passthrough/variant.ts) plus `protocol=`
 * roundrobin (default, eager) | cooperative-sticky | consumer (KIP-848).
 * Env: BENCH_REBALANCE_MESSAGES (60000), BENCH_REBALANCE_PARTITIONS (6), BENCH_REBALANCE_ROUNDS (2),
 * BENCH_REBALANCE_DELAY_MS (0.5 per record), BENCH_REBALANCE_VARIANTS (see DEFAULT_VARIANTS).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { KafkaAdmin } from '@iocflow/io';
import { pollUntil, uniqueName } from '@iocflow/testing';
import { selectVariants } from './kafka-passthrough/confluent-api';
import type { GroupProtocol } from './kafka-passthrough/driver';
import { generateEcsEvents } from './kafka-passthrough/ecs-events';
import { kcatLoad } from './kafka-passthrough/kcat';
import { thousands } from './kafka-passthrough/measure';
import { now } from './kafka-passthrough/passthrough-core';
import { parseVariant, type Variant } from './kafka-passthrough/variant';
import { indexSource, verifyOutput, type SourceIndex, type Verdict } from './kafka-passthrough/verify-output';
import { describeError, forkWorker, runMainOrWorker, type WorkerMessage, type WorkerTask } from './kafka-passthrough/worker';

const BROKERS = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
const MESSAGES = Number(process.env['BENCH_REBALANCE_MESSAGES'] ?? 60_000);
const PARTITIONS = Number(process.env['BENCH_REBALANCE_PARTITIONS'] ?? 6);
const ROUNDS = Number(process.env['BENCH_REBALANCE_ROUNDS'] ?? 2);
const DELAY_MS = Number(process.env['BENCH_REBALANCE_DELAY_MS'] ?? 0.5);
const DEFAULT_VARIANTS = [
  'kafkajs',
  'platformatic',
  'platformatic:protocol=cooperative-sticky',
  'platformatic:protocol=consumer',
  // awaitAck=1: eachBatch returns after its acknowledgement, so the client's wait for in-flight
  // handlers before a revocation covers the produce (the passthrough's tuned default does not wait).
  'confluent:awaitAck=1',
  'confluent:awaitAck=1:protocol=cooperative-sticky',
  'confluent:awaitAck=1:protocol=consumer',
];
const VARIANTS = selectVariants(process.env['BENCH_REBALANCE_VARIANTS'], DEFAULT_VARIANTS).map(parseVariant);

interface RebalanceResult {
  readonly verdict: Verdict;
  readonly lag: number;
  readonly joinPauseMs: number;
  readonly leavePauseMs: number;
  readonly longestPauseMs: number;
  readonly seconds: number;
  readonly log: string[];
}

interface Member {
  readonly name: string;
  readonly worker: ReturnType<typeof forkWorker>;
  started: boolean;
  error?: string;
}

/** Longest gap between two acknowledgements that overlaps [from, to]. */
function longestGap(acks: readonly number[], from: number, to: number): number {
  let longest = 0;
  for (let i = 1; i < acks.length; i++) {
    const a = acks[i - 1] as number;
    const b = acks[i] as number;
    if (b >= from && a <= to) longest = Math.max(longest, b - a);
  }
  return longest;
}

async function runRebalance(variant: Variant, source: string, index: SourceIndex, admin: KafkaAdmin): Promise<RebalanceResult> {
  const output = uniqueName(`bench-rb-out-${variant.client}`);
  await admin.ensureTopics([{ topic: output, partitions: PARTITIONS }]);
  const groupId = uniqueName(`bench-rb-${variant.client}`);
  const protocol = (variant.settings['protocol'] ?? 'roundrobin') as GroupProtocol;
  const task: WorkerTask = {
    variant: variant.label,
    brokers: BROKERS.split(','),
    source,
    output,
    groupId,
    expected: 0,
    delayPerRecordMs: DELAY_MS,
    group: { sessionTimeoutMs: 10_000, protocol },
  };
  const t0 = now();
  const acks: number[] = [];
  let acked = 0;
  const log: string[] = [];
  const stamp = (): string => `${((now() - t0) / 1000).toFixed(1)} s`;
  const members: Member[] = [];
  const start = (name: string): Member => {
    const member: Member = {
      name,
      started: false,
      worker: forkWorker(__filename, task, (message: WorkerMessage) => {
        if (message.type === 'acked') {
          acked += message.count;
          acks.push(message.at);
        } else if (message.type === 'rebalance') log.push(`${stamp()} ${name} ${message.event} [${message.partitions.join(',')}]`);
        else if (message.type === 'started') member.started = true;
        else if (message.type === 'error') member.error = message.message;
      }),
    };
    members.push(member);
    return member;
  };
  try {
    const [first] = [start('A'), start('B')];
    const failed = (): string | undefined => members.find((m) => m.error)?.error;
    // Waits for a share of the records; a member's failure ends the run at once.
    const progress = async (share: number, description: string): Promise<void> => {
      const deadline = Date.now() + 300_000;
      while (acked < MESSAGES * share) {
        const error = failed();
        if (error) throw new Error(`${description}: a member failed: ${error}`);
        if (Date.now() > deadline) throw new Error(`${description}: not within 300 s (acknowledged ${acked})`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await progress(0.25, `${variant.label}: 25 % of the records acknowledged`);
    const joinAt = now();
    log.push(`${stamp()} C joins`);
    start('C');
    await progress(0.6, `${variant.label}: 60 % of the records acknowledged`);
    const leaveAt = now();
    log.push(`${stamp()} A leaves`);
    (first as Member).worker.stop();
    const code = await (first as Member).worker.exited;
    log.push(`${stamp()} A gone (exit ${code})`);
    // Every record handled and committed: the group's lag reaches 0.
    const lag = await pollUntil(
      async () => {
        const error = failed();
        if (error) throw new Error(error);
        const total = (await admin.consumerGroupLag(groupId, source)).reduce((sum, p) => sum + p.lag, 0);
        return total === 0 ? { total } : false;
      },
      { timeoutMs: 180_000, intervalMs: 250, description: `${variant.label}: group lag 0` },
    ).catch(async (error: unknown) => {
      log.push(`${stamp()} ${String(error)}`);
      return { total: (await admin.consumerGroupLag(groupId, source)).reduce((sum, p) => sum + p.lag, 0) };
    });
    const seconds = (now() - t0) / 1000;
    for (const member of members.slice(1)) member.worker.stop();
    await Promise.all(members.map((m) => m.worker.exited));
    const end = acks[acks.length - 1] ?? now();
    const verdict = await verifyOutput(BROKERS, output, index);
    return {
      verdict,
      lag: lag.total,
      joinPauseMs: longestGap(acks, joinAt, Math.min(leaveAt, joinAt + 20_000)),
      leavePauseMs: longestGap(acks, leaveAt, Math.min(end, leaveAt + 20_000)),
      longestPauseMs: longestGap(acks, acks[0] ?? 0, end),
      seconds,
      log,
    };
  } finally {
    for (const member of members) member.worker.kill();
    await admin.deleteTopics([output]).catch(() => undefined);
  }
}

async function main(): Promise<void> {
  console.log(`rebalance check: ${VARIANTS.map((v) => v.label).join(' | ')}; ${ROUNDS} rounds; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`${MESSAGES.toLocaleString('en-US')} records, ${PARTITIONS} partitions, handler slowed by ${DELAY_MS} ms per record; 2 members, a third joins at 25 %, the first leaves at 60 %`);
  const admin = new KafkaAdmin({ brokers: BROKERS, clientId: 'bench-rb-admin', logLevel: 'nothing' });
  await admin.connect();
  const workDir = mkdtempSync(path.join(tmpdir(), 'iocflow-bench-rb-'));
  const sources: string[] = [];
  const results = new Map<string, RebalanceResult[]>();
  const failures: string[] = [];
  try {
    const file = path.join(workDir, 'events.tsv');
    writeFileSync(
      file,
      generateEcsEvents(MESSAGES)
        .map((v, i) => `k${i}\t${v.toString()}\n`)
        .join(''),
    );
    for (let round = 1; round <= ROUNDS; round++) {
      for (const variant of VARIANTS) {
        // A fresh source per run: the group's offsets and the topic's history are its own.
        const source = uniqueName('bench-rb-src');
        sources.push(source);
        await admin.ensureTopics([{ topic: source, partitions: PARTITIONS }]);
        await kcatLoad(BROKERS, source, variant.compression, file);
        const index = await indexSource(BROKERS, source, MESSAGES);
        let r: RebalanceResult;
        try {
          r = await runRebalance(variant, source, index, admin);
        } catch (error) {
          failures.push(`round ${round} ${variant.label}: ${describeError(error)}`);
          console.log(`  round ${round} ${variant.label.padEnd(40)} FAILED: ${describeError(error)}`);
          await admin.deleteTopics([source]).catch(() => undefined);
          continue;
        }
        results.set(variant.label, [...(results.get(variant.label) ?? []), r]);
        const v = r.verdict;
        console.log(
          `  round ${round} ${variant.label.padEnd(40)} lost ${v.lost}, duplicates ${v.duplicated}, order ${v.outOfOrder}, corrupt ${v.corrupt}, final lag ${r.lag}; pause at join ${thousands(r.joinPauseMs)} ms, at leave ${thousands(r.leavePauseMs)} ms, longest ${thousands(r.longestPauseMs)} ms; ${r.seconds.toFixed(1)} s`,
        );
        if (process.env['BENCH_REBALANCE_LOG']) for (const line of r.log) console.log(`      ${line}`);
        await admin.deleteTopics([source]).catch(() => undefined);
      }
    }
  } finally {
    await admin.deleteTopics(sources).catch(() => undefined);
    await admin.disconnect();
    rmSync(workDir, { recursive: true, force: true });
  }
  console.log('\n| variant | lost | duplicates | out of order | final lag | pause at join (ms) | pause at leave (ms) | run (s) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const variant of VARIANTS) {
    const list = results.get(variant.label) ?? [];
    const join = (f: (r: RebalanceResult) => number | string): string => list.map(f).join(' / ');
    console.log(
      `| ${variant.label} | ${join((r) => r.verdict.lost)} | ${join((r) => r.verdict.duplicated)} | ${join((r) => r.verdict.outOfOrder)} | ${join((r) => r.lag)} | ${join((r) => thousands(r.joinPauseMs))} | ${join((r) => thousands(r.leavePauseMs))} | ${join((r) => r.seconds.toFixed(1))} |`,
    );
  }
  if (failures.length > 0) throw new Error(`runs failed:\n${failures.join('\n')}`);
  const lost = [...results.values()].flat().some((r) => r.verdict.lost > 0 || r.lag > 0);
  if (lost) throw new Error('a rebalance run lost records or did not reach lag 0');
}

runMainOrWorker(main);
