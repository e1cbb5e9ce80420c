/**
 * kafkajs 2.2.4 vs @confluentinc/kafka-javascript (its KafkaJS-compatible API on librdkafka), both
 * behind our ports (KafkaProducerPort, KafkaBatchConsumerPort), same broker, same messages, same
 * run, interleaved A B A B with medians:
 *
 *   produce       idempotent, acks=all, send() calls of BENCH_SEND_BATCH (1000) ~500-byte JSON records
 *   passthrough   consume → produce the same bytes → commit after ack (the enricher's ceiling)
 *   rebalance     two members of one group consume through a slowed handler; a third joins at 25%,
 *                 the first leaves (graceful stop) at 60%; then every source record must be in the
 *                 output (losses, must be 0), duplicates are counted, and the group's lag must be 0
 *
 * @confluentinc/kafka-javascript is not a workspace dependency (it builds librdkafka at install
 * time); install it beside the repository and point NODE_PATH at it, see docs/benchmarks.md:
 *
 *   NODE_PATH=/var/tmp/ckjs-bench/node_modules npm run bench kafka-client
 *
 * Env: BENCH_MESSAGES (200000), BENCH_PARTITIONS (4), BENCH_ROUNDS (3), BENCH_SEND_BATCH (1000),
 * BENCH_REBALANCE_MESSAGES (60000), BENCH_REBALANCE_ROUNDS (2), BENCH_CKJS_BATCH (1000).
 */
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import {
  createKafkaBatchConsumer,
  createKafkaProducer,
  KafkaAdmin,
  KafkaProducer,
  KafkaTopicReader,
  type KafkaBatchConsumerListeners,
  type KafkaBatchConsumerPort,
  type KafkaClientKind,
  type KafkaProducedRecord,
} from '@iocflow/io';
import { pollUntil, uniqueName } from '@iocflow/testing';

const brokers = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 200_000);
const PARTITIONS = Number(process.env['BENCH_PARTITIONS'] ?? 4);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const SEND_BATCH = Number(process.env['BENCH_SEND_BATCH'] ?? 1000);
const REBALANCE_MESSAGES = Number(process.env['BENCH_REBALANCE_MESSAGES'] ?? 60_000);
const REBALANCE_ROUNDS = Number(process.env['BENCH_REBALANCE_ROUNDS'] ?? 2);
const CKJS_BATCH = Number(process.env['BENCH_CKJS_BATCH'] ?? 1000);
const connection = { brokers, logLevel: 'nothing' as const };

interface Variant {
  readonly name: string;
  readonly kind: KafkaClientKind;
  readonly assignor?: 'roundrobin' | 'cooperative-sticky';
}
const KAFKAJS: Variant = { name: 'kafkajs', kind: 'kafkajs' };
const CONFLUENT: Variant = { name: 'confluent', kind: 'confluent' };
const CONFLUENT_COOP: Variant = { name: 'confluent coop-sticky', kind: 'confluent', assignor: 'cooperative-sticky' };

/** ~500-byte ECS-like JSON: the shape and size of what the enricher reads. */
function makeValues(count: number): Buffer[] {
  const filler = 'GET /api/v1/items?page=1 HTTP/1.1 200 '.repeat(6);
  return Array.from({ length: count }, (_, i) =>
    Buffer.from(
      JSON.stringify({
        '@timestamp': new Date(1_700_000_000_000 + i).toISOString(),
        event: { id: `e${i}`, kind: 'event', category: ['network'] },
        source: { ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 40000 + (i % 20000) },
        destination: { domain: `host-${i % 5000}.example.com`, port: 443 },
        message: filler,
      }),
    ),
  );
}

function consumer(
  variant: Variant,
  groupId: string,
  topic: string,
  extra: { partitionsConsumedConcurrently: number; sessionTimeoutMs?: number; listeners?: KafkaBatchConsumerListeners },
): KafkaBatchConsumerPort {
  return createKafkaBatchConsumer(variant.kind, {
    ...connection,
    clientId: `bench-${variant.kind}`,
    groupId,
    topics: [topic],
    fromBeginning: true,
    maxBatchSize: CKJS_BATCH,
    assignor: variant.assignor,
    ...extra,
  });
}

/** Process CPU time (user + system, all threads: librdkafka's included) per record, in µs. */
function cpuPerRecord(since: NodeJS.CpuUsage, records: number): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / records;
}

async function measureProduce(variant: Variant, admin: KafkaAdmin, values: readonly Buffer[]): Promise<{ rate: number; p50: number; p99: number; cpu: number }> {
  const topic = uniqueName(`bench-kc-produce-${variant.kind}`);
  await admin.ensureTopics([{ topic, partitions: PARTITIONS }]);
  const producer = createKafkaProducer(variant.kind, { ...connection, clientId: `bench-${variant.kind}` });
  await producer.connect();
  await producer.send([{ topic, key: 'warm-up', value: 'x' }]);
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < values.length; i += SEND_BATCH) {
    const records: KafkaProducedRecord[] = [];
    for (let j = i; j < Math.min(values.length, i + SEND_BATCH); j++) records.push({ topic, key: `k${j}`, value: values[j] as Buffer });
    const at = performance.now();
    await producer.send(records);
    latencies.push(performance.now() - at);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuUs = cpuPerRecord(cpu, values.length);
  await producer.disconnect();
  await admin.deleteTopics([topic]).catch(() => undefined);
  latencies.sort((a, b) => a - b);
  return { rate: values.length / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), cpu: cpuUs };
}

async function measurePassthrough(variant: Variant, admin: KafkaAdmin, source: string): Promise<{ rate: number; batch: number; cpu: number }> {
  const output = uniqueName(`bench-kc-pass-${variant.kind}`);
  await admin.ensureTopics([{ topic: output, partitions: PARTITIONS }]);
  const producer = createKafkaProducer(variant.kind, { ...connection, clientId: `bench-${variant.kind}` });
  await producer.connect();
  let seen = 0;
  let batches = 0;
  let firstAt = 0;
  let lastAt = 0;
  let cpuUs = 0;
  const cpu = process.cpuUsage();
  const member = consumer(variant, uniqueName('bench-kc-pass'), source, { partitionsConsumedConcurrently: PARTITIONS });
  await member.run(async (batch) => {
    if (firstAt === 0) firstAt = performance.now();
    await producer.send(batch.messages.map((m) => ({ topic: output, key: m.key, value: m.value, headers: m.headers })));
    seen += batch.messages.length;
    batches += 1;
    if (seen >= MESSAGES && lastAt === 0) {
      lastAt = performance.now();
      cpuUs = cpuPerRecord(cpu, seen);
    }
  });
  await pollUntil(() => lastAt > 0, { timeoutMs: 600_000, intervalMs: 20, description: `${variant.name} passthrough of ${MESSAGES}` });
  await member.stop();
  await producer.disconnect();
  await admin.deleteTopics([output]).catch(() => undefined);
  return { rate: seen / ((lastAt - firstAt) / 1000), batch: seen / batches, cpu: cpuUs };
}

interface RebalanceResult {
  readonly losses: number;
  readonly duplicates: number;
  readonly handedTwice: number;
  readonly lag: number;
  readonly longestStallMs: number;
  readonly assignments: number;
  readonly seconds: number;
}

/**
 * Source (keys id0…idN-1) and output topics for one rebalance run, created and filled up front:
 * a topic created a moment before its first produce can make the client give up on metadata
 * while the broker is loaded.
 */
async function prepareRebalanceTopics(admin: KafkaAdmin, producer: KafkaProducer, values: readonly Buffer[]): Promise<string> {
  const source = uniqueName('bench-kc-rb');
  await admin.ensureTopics([
    { topic: source, partitions: 6 },
    { topic: `${source}-out`, partitions: 6 },
  ]);
  await pollUntil(async () => (await admin.fetchTopicOffsets(source)).length === 6, { description: `${source} metadata` });
  for (let i = 0; i < REBALANCE_MESSAGES; i += 5000) {
    const records: KafkaProducedRecord[] = [];
    for (let j = i; j < Math.min(REBALANCE_MESSAGES, i + 5000); j++) records.push({ topic: source, key: `id${j}`, value: values[j % values.length] as Buffer });
    await producer.send(records);
  }
  return source;
}

/**
 * Two members, a third joins at 25 %, the first leaves at 60 %. The handler is slowed (a pause
 * per record) so that the run lasts long enough for both rebalances to happen mid-stream.
 */
async function measureRebalance(variant: Variant, admin: KafkaAdmin, source: string): Promise<RebalanceResult> {
  const output = `${source}-out`;
  const groupId = uniqueName('bench-kc-rb');
  const out = createKafkaProducer(variant.kind, { ...connection, clientId: `bench-${variant.kind}-rb` });
  await out.connect();
  const handed = new Map<string, number>();
  let lastProgress = performance.now();
  let longestStall = 0;
  const handler = async (batch: { partition: number; messages: readonly { key: Buffer | null; offset: string }[] }): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, Math.max(5, batch.messages.length * 0.5)));
    await out.send(batch.messages.map((m) => ({ topic: output, key: m.key, value: m.key })));
    const now = performance.now();
    longestStall = Math.max(longestStall, now - lastProgress);
    lastProgress = now;
    for (const m of batch.messages) {
      const id = m.key?.toString() ?? '';
      handed.set(id, (handed.get(id) ?? 0) + 1);
    }
  };
  let assignments = 0;
  const options = { partitionsConsumedConcurrently: 2, sessionTimeoutMs: 10_000, listeners: { onPartitionsAssigned: () => (assignments += 1) } };
  const members = [0, 1].map(() => consumer(variant, groupId, source, options));
  const started = performance.now();
  for (const member of members) await member.run(handler);
  await pollUntil(() => handed.size >= REBALANCE_MESSAGES * 0.25, { timeoutMs: 300_000, intervalMs: 20, description: 'first quarter' });
  const third = consumer(variant, groupId, source, options);
  await third.run(handler);
  await pollUntil(() => handed.size >= REBALANCE_MESSAGES * 0.6, { timeoutMs: 300_000, intervalMs: 20, description: '60 %' });
  await (members[0] as KafkaBatchConsumerPort).stop();
  await pollUntil(() => handed.size >= REBALANCE_MESSAGES, { timeoutMs: 300_000, intervalMs: 50, description: 'every record handled' });
  // Commits follow the last acks: wait until the group has committed up to the end.
  const lag = await pollUntil(
    async () => {
      const total = (await admin.consumerGroupLag(groupId, source)).reduce((sum, p) => sum + p.lag, 0);
      return total === 0 ? { total } : false;
    },
    { timeoutMs: 60_000, intervalMs: 200, description: 'group lag 0' },
  ).catch(async () => {
    const partitions = await admin.consumerGroupLag(groupId, source);
    console.log(`    ${variant.name}: group lag not 0 after 60 s: ${JSON.stringify(partitions)}`);
    return { total: partitions.reduce((sum, p) => sum + p.lag, 0) };
  });
  const seconds = (performance.now() - started) / 1000;
  await Promise.all([members[1] as KafkaBatchConsumerPort, third].map((m) => m.stop()));
  await out.disconnect();

  const counts = new Map<string, number>();
  const reader = new KafkaTopicReader({ ...connection, clientId: 'bench-kc-verify' });
  await reader.read(output, async (batch) => {
    for (const m of batch.messages) {
      const id = m.value?.toString() ?? '';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  });
  await reader.stop();
  let losses = 0;
  let duplicates = 0;
  for (let i = 0; i < REBALANCE_MESSAGES; i++) {
    const n = counts.get(`id${i}`) ?? 0;
    if (n === 0) losses += 1;
    else duplicates += n - 1;
  }
  const handedTwice = [...handed.values()].reduce((sum, n) => sum + n - 1, 0);
  await admin.deleteTopics([source, output]).catch(() => undefined);
  return { losses, duplicates, handedTwice, lag: lag.total, longestStallMs: longestStall, assignments, seconds };
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  let librdkafkaVersion: string;
  try {
    ({ librdkafkaVersion } = createRequire(__filename)('@confluentinc/kafka-javascript') as { librdkafkaVersion: string });
  } catch {
    // `npm run bench` without names runs every benchmark: this one needs the native client beside the repo.
    console.log('kafka-client: @confluentinc/kafka-javascript is not installed; see docs/benchmarks.md "Kafka client" (NODE_PATH). Not run.');
    return;
  }
  console.log(`kafkajs 2.2.4 vs @confluentinc/kafka-javascript (librdkafka ${librdkafkaVersion}); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const admin = new KafkaAdmin({ ...connection, clientId: 'bench-kc-admin' });
  await admin.connect();
  const values = makeValues(MESSAGES);
  const bytes = values.reduce((sum, v) => sum + v.length, 0) / values.length;
  console.log(`${MESSAGES} records of ${bytes.toFixed(0)} bytes, ${PARTITIONS} partitions, ${ROUNDS} rounds A B A B…`);

  const loader = new KafkaProducer({ ...connection, clientId: 'bench-kc-loader' });
  await loader.connect();
  const source = uniqueName('bench-kc-source');
  await admin.ensureTopics([{ topic: source, partitions: PARTITIONS }]);
  for (let i = 0; i < values.length; i += 5000) {
    await loader.send(values.slice(i, i + 5000).map((value, j) => ({ topic: source, key: `k${i + j}`, value })));
  }

  const rebalanceVariants = (process.env['BENCH_REBALANCE_ONLY'] ?? '') === 'coop' ? [CONFLUENT_COOP] : [KAFKAJS, CONFLUENT, CONFLUENT_COOP];
  const rebalanceSources: string[] = [];
  for (let i = 0; i < REBALANCE_ROUNDS * rebalanceVariants.length; i++) rebalanceSources.push(await prepareRebalanceTopics(admin, loader, values));

  const produce = new Map<string, { rate: number; p50: number; p99: number; cpu: number }[]>();
  const pass = new Map<string, { rate: number; batch: number; cpu: number }[]>();
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which client goes first, so that neither always gets the quieter slot.
    const order = round % 2 === 0 ? [KAFKAJS, CONFLUENT] : [CONFLUENT, KAFKAJS];
    for (const variant of order) {
      const p = await measureProduce(variant, admin, values);
      produce.set(variant.name, [...(produce.get(variant.name) ?? []), p]);
      console.log(`  round ${round + 1} produce     ${variant.name.padEnd(10)} ${fmt(p.rate)} records/s (send of ${SEND_BATCH}: p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms), CPU ${p.cpu.toFixed(1)} µs/record`);
    }
    for (const variant of order) {
      const r = await measurePassthrough(variant, admin, source);
      pass.set(variant.name, [...(pass.get(variant.name) ?? []), r]);
      console.log(`  round ${round + 1} passthrough ${variant.name.padEnd(10)} ${fmt(r.rate)} events/s (mean batch ${r.batch.toFixed(0)}), CPU ${r.cpu.toFixed(1)} µs/event`);
    }
  }

  const rebalance = new Map<string, RebalanceResult[]>();
  for (let round = 0; round < REBALANCE_ROUNDS; round++) {
    const order = round % 2 === 0 ? rebalanceVariants : [...rebalanceVariants].reverse();
    for (const variant of order) {
      const r = await measureRebalance(variant, admin, rebalanceSources.shift() as string);
      rebalance.set(variant.name, [...(rebalance.get(variant.name) ?? []), r]);
      console.log(
        `  round ${round + 1} rebalance   ${variant.name.padEnd(22)} losses ${r.losses}, duplicates in output ${r.duplicates}, handed twice ${r.handedTwice}, final lag ${r.lag}, longest stall ${fmt(r.longestStallMs)} ms, ${r.assignments} assignment callbacks, ${r.seconds.toFixed(1)} s`,
      );
    }
  }

  console.log('\nmedians');
  for (const variant of [KAFKAJS, CONFLUENT]) {
    const p = produce.get(variant.name) ?? [];
    const r = pass.get(variant.name) ?? [];
    console.log(
      `  ${variant.name.padEnd(10)} produce ${fmt(median(p.map((x) => x.rate)))} records/s (p50 send ${median(p.map((x) => x.p50)).toFixed(1)} ms, p99 ${median(p.map((x) => x.p99)).toFixed(1)} ms, CPU ${median(p.map((x) => x.cpu)).toFixed(1)} µs)` +
        `  passthrough ${fmt(median(r.map((x) => x.rate)))} events/s (CPU ${median(r.map((x) => x.cpu)).toFixed(1)} µs/event)`,
    );
  }
  const ratio = (m: Map<string, { rate: number }[]>): string =>
    (median((m.get('confluent') ?? []).map((x) => x.rate)) / median((m.get('kafkajs') ?? []).map((x) => x.rate))).toFixed(2);
  console.log(`  confluent / kafkajs: produce ${ratio(produce)}×, passthrough ${ratio(pass)}×`);
  for (const [name, results] of rebalance) {
    console.log(
      `  rebalance ${name.padEnd(22)} losses ${results.map((r) => r.losses).join('/')}, duplicates ${results.map((r) => r.duplicates).join('/')}, longest stall ${results.map((r) => fmt(r.longestStallMs)).join('/')} ms`,
    );
  }

  await loader.disconnect();
  await admin.deleteTopics([source]).catch(() => undefined);
  await admin.disconnect();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
