/**
 * Indexer throughput vs a raw `_bulk` load of the same documents, same run, same batch size and
 * concurrency (docs/benchmarks.md, section "Indexer").
 *
 *   BENCH_DOCS=100000 BENCH_ROUNDS=3 BENCH_BATCH=1000 BENCH_CONCURRENCY=4 BENCH_PARTITIONS=4 npm run bench indexer
 *
 * - rawbulk: the documents, already encoded as NDJSON chunks of BENCH_BATCH, sent with
 *   BENCH_CONCURRENCY requests in flight through the same ElasticsearchClient (no Kafka at all).
 *   Timed from the first request to the last response.
 * - indexer: the same documents as records on a topic with BENCH_PARTITIONS partitions, consumed
 *   by the real IndexerPipeline (KafkaBatchConsumer → prepare → bulk → classify → commit), with
 *   the same batch size and concurrency, BENCH_MEMBERS group members (bench-only GroupMembers;
 *   the service runs one member per process).
 *   Timed from the moment the group is stable (every member joined and holds partitions; the
 *   first fetch and its decoding count) until every document was acknowledged by Elasticsearch;
 *   documents acknowledged before the group was stable are left out of the rate.
 *
 * Fairness: rounds alternate rawbulk, indexer, rawbulk, indexer… (the shared machine's load drifts,
 * so both sides see the same drift); both sides index the same documents with the same `_id`s: the
 * records carry the enricher's origin headers (`iocflow.origin`, as in production), which name
 * the indexer's documents `<raw topic>-<partition>-<offset>`, and the raw load uses the very same
 * ids. Each round writes into fresh daily indices created from the
 * indexer's template (1 shard, 0 replicas, default 1 s refresh), deleted after the round. All
 * topics are produced before the first round, so producing never overlaps a measurement. The
 * report gives median and best per side and the ratio of the medians.
 *
 * Each round also reports the CPU seconds used by this process (the load generator, or the
 * indexer itself) and, when the stack's pid files are readable, by Elasticsearch and Kafka: on a
 * 2-core machine the indexer's own CPU is taken from Elasticsearch.
 *
 * - consume: the indexer's floor (issue 14: "indexer CPU per document ≤ a consume-only pass of its
 *   client + 6 µs"): the same topic read by the same KafkaBatchConsumer settings (client, fetch
 *   size, concurrency, commit mode) whose handler only touches each record's value and returns, so
 *   the batch is committed. `BENCH_MODE=consume,indexer` interleaves it with the indexer and
 *   prints both sides' CPU per document of this process (from /proc/self/stat: the consumer, or
 *   the whole indexer with its Kafka client and Elasticsearch client; Elasticsearch's own CPU is
 *   another process, reported apart) and their difference.
 *
 * KAFKA_CLIENT (platformatic, kafkajs) picks the client of every side; default the services' default.
 * BENCH_MODE=indexer (or rawbulk) runs one side only; BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile
 * of each measured window (`<mode>-<round>.cpuprofile`, open it in Chrome DevTools), without the
 * set-up (document generation, producing) that `node --cpu-prof` would mix in. BENCH_THREADS=1 also
 * splits each round's CPU by thread name (the main thread's JavaScript apart from V8's GC and
 * compiler helpers).
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { encodeBulk, indexNameFor, indexTemplate, indexTemplateName, originHeaders, type BulkDocument } from '@iocflow/core';
import { ElasticsearchClient, KafkaAdmin, KafkaBatchConsumer, KafkaProducer, parseKafkaClientKind } from '@iocflow/io';
import { JsonLogger } from '@iocflow/nest';
import { fixturePath, zeekLogAsEcs } from '@iocflow/testing';
import { Registry } from 'prom-client';
import { IndexerMetrics } from '../src/pipeline/indexer.metrics';
import { IndexerPipeline } from '../src/pipeline/indexer.pipeline';
import type { BulkIndexer } from '../src/pipeline/indexer-ports';
import { GroupMembers } from './group-members';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const DOCS = env('BENCH_DOCS', 100_000);
const BATCH = env('BENCH_BATCH', 1000);
const CONCURRENCY = env('BENCH_CONCURRENCY', 4);
const PARTITIONS = env('BENCH_PARTITIONS', 4);
const ROUNDS = env('BENCH_ROUNDS', 3);
const FETCH_BYTES = env('BENCH_FETCH_BYTES', 4 * 1_048_576);
const MEMBERS = env('BENCH_MEMBERS', 1);
/** KafkaBatchConsumer commitMode: after-handler (default) or on-acknowledge. */
const COMMIT_MODE = process.env['BENCH_COMMIT_MODE'] === 'on-acknowledge' ? 'on-acknowledge' : 'after-handler';
const MODES = (process.env['BENCH_MODE'] ?? 'rawbulk,indexer').split(',') as Mode[];
const BROKERS = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
const CLIENT = parseKafkaClientKind(process.env['KAFKA_CLIENT']);
const ES_URL = process.env['ELASTICSEARCH_URL'] ?? 'http://127.0.0.1:9200';
const CPU_PROFILE_DIR = process.env['BENCH_CPU_PROFILE'];
/** BENCH_THREADS=1: each round's CPU also split by thread name (/proc/self/task/<tid>/comm). */
const THREADS = process.env['BENCH_THREADS'] === '1';
const STACK_DIR = process.env['IOCFLOW_STACK_DIR'] ?? '/var/tmp/iocflow-stack';
const logger = new JsonLogger('indexer-bench', 'error');
const runId = `${Date.now().toString(36)}`;
const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** The mode names have 7 characters, so index names and `_id`s have the same length on every side. */
type Mode = 'rawbulk' | 'indexer' | 'consume';

interface RoundResult {
  readonly seconds: number;
  readonly cpu: Record<string, number>;
  /** This process's CPU µs per document in the timed window only (stable group → last document), without start-up and shutdown. */
  readonly steadyPerDoc: number;
}

/**
 * The timed window's CPU: read when the clock starts (the group is stable) and when the last
 * document is done, so the per-document figure leaves out connecting, installing the template,
 * leaving the group and closing (fixed costs of a round, not of a document).
 */
const steady = { cpuAtStart: 0, cpuAtEnd: 0, documents: 0 };
const processCpuNow = (): number => processCpuSeconds(undefined) ?? 0;

/** Real DNS logs (Zeek's own dns.log as ECS, test/fixtures/zeek), made enricher-shaped and unique. */
function documents(): string[] {
  const base = zeekLogAsEcs(readFileSync(fixturePath('zeek/testing/btest/Baseline/opt.basic/dns.log'), 'utf8'));
  return Array.from({ length: DOCS }, (_, i) =>
    JSON.stringify({ ...base[i % base.length], event: { id: `bench-${i}`, kind: 'event' }, misp_src: i % 10 === 0 ? 'Feed-X' : 'none' }),
  );
}

const topicOf = (round: number): string => `bench-indexer-${runId}-${round}`;
/** Where the i-th document "entered iocflow": the raw-logs coordinates its `_id` is made of. */
const originOf = (i: number) => ({ topic: `bench-rawlogs-${runId}`, partition: i % PARTITIONS, offset: String(Math.floor(i / PARTITIONS)) });

/** CPU seconds (user + system) of a process from /proc (undefined pid file: this process), or undefined when it cannot be read. */
function processCpuSeconds(pidFile: string | undefined): number | undefined {
  try {
    const pid = pidFile === undefined ? 'self' : readFileSync(pidFile, 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] and fields[12] are utime and stime (fields 14 and 15 of proc(5)), in clock ticks
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * This process's CPU split: user and system time, and the main thread's share (the JavaScript;
 * the rest is V8's GC helpers, libuv's pool and the inspector), from /proc/self/stat and
 * /proc/self/task/<pid>/stat; empty when /proc is missing.
 */
function processCpuSplit(): Record<string, number> {
  try {
    const fieldsOf = (file: string): string[] => {
      const stat = readFileSync(file, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    };
    const all = fieldsOf('/proc/self/stat');
    const main = fieldsOf(`/proc/self/task/${process.pid}/stat`);
    const split: Record<string, number> = {
      'node.user': Number(all[11]) / 100,
      'node.sys': Number(all[12]) / 100,
      'node.main': (Number(main[11]) + Number(main[12])) / 100,
    };
    // the other threads by name (V8's GC helpers, libuv's pool, the inspector…), summed per name
    if (THREADS) {
      for (const task of readdirSync('/proc/self/task')) {
        if (task === String(process.pid)) continue;
        try {
          const fields = fieldsOf(`/proc/self/task/${task}/stat`);
          const name = `thread.${readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim().replaceAll(' ', '_')}`;
          split[name] = (split[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100;
        } catch {
          // the thread ended meanwhile
        }
      }
    }
    return split;
  } catch {
    return {};
  }
}

function cpuSnapshot(): Record<string, number> {
  const snapshot: Record<string, number> = {};
  // This process from /proc (utime + stime), as the other processes; process.cpuUsage() when /proc is missing.
  const usage = process.cpuUsage();
  snapshot['node'] = processCpuSeconds(undefined) ?? (usage.user + usage.system) / 1e6;
  Object.assign(snapshot, processCpuSplit());
  const es = processCpuSeconds(path.join(STACK_DIR, 'elasticsearch', 'elasticsearch.pid'));
  if (es !== undefined) snapshot['es'] = es;
  const kafka = processCpuSeconds(path.join(STACK_DIR, 'kafka', 'kafka.pid'));
  if (kafka !== undefined) snapshot['kafka'] = kafka;
  return snapshot;
}

/** Garbage-collection pauses of the main thread in the round (count and milliseconds, scavenges apart from mark-compacts). */
const gcPauses = { minor: 0, minorMs: 0, major: 0, majorMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = ((entry as unknown as { detail?: { kind?: number } | null }).detail ?? undefined)?.kind;
    if (kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) {
      gcPauses.minor += 1;
      gcPauses.minorMs += entry.duration;
    } else {
      gcPauses.major += 1;
      gcPauses.majorMs += entry.duration;
    }
  }
}).observe({ entryTypes: ['gc'] });

async function measure(run: () => Promise<number>, profileName: string): Promise<RoundResult> {
  const session = CPU_PROFILE_DIR === undefined ? undefined : new Session();
  if (session !== undefined) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  Object.assign(steady, { cpuAtStart: 0, cpuAtEnd: 0, documents: 0 });
  Object.assign(gcPauses, { minor: 0, minorMs: 0, major: 0, majorMs: 0 });
  const before = cpuSnapshot();
  const seconds = await run();
  const after = cpuSnapshot();
  const steadyPerDoc = ((steady.cpuAtEnd - steady.cpuAtStart) * 1e6) / Math.max(1, steady.documents);
  if (session !== undefined && CPU_PROFILE_DIR !== undefined) {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(CPU_PROFILE_DIR, { recursive: true });
    writeFileSync(path.join(CPU_PROFILE_DIR, `${profileName}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
  const cpu: Record<string, number> = {};
  for (const key of Object.keys(after)) cpu[key] = (after[key] ?? 0) - (before[key] ?? 0);
  // GC pauses, as seconds like the rest of the line
  Object.assign(cpu, { 'gc.minor': gcPauses.minorMs / 1000, 'gc.major': gcPauses.majorMs / 1000 });
  return { seconds, cpu, steadyPerDoc };
}

/** The raw load: pre-encoded NDJSON chunks, with the ids the indexer gives the same documents. */
function rawChunks(values: readonly string[], prefix: string): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < values.length; i += BATCH) {
    const docs: BulkDocument[] = values.slice(i, i + BATCH).map((source, j) => ({
      index: indexNameFor(prefix, (JSON.parse(source) as { '@timestamp': string })['@timestamp'], 0, 0),
      id: `${originOf(i + j).topic}-${originOf(i + j).partition}-${originOf(i + j).offset}`,
      source,
    }));
    chunks.push(Buffer.from(encodeBulk(docs)));
  }
  return chunks;
}

async function rawBulk(es: ElasticsearchClient, chunks: readonly Buffer[]): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++];
        if (chunk === undefined) break;
        const result = await es.bulk(chunk);
        if (result.errors) throw new Error('raw bulk: item errors');
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

/** Produces every round's topic up front, so that no measurement overlaps producing. */
async function produceTopics(values: readonly string[], rounds: readonly number[]): Promise<void> {
  const connection = { brokers: BROKERS, logger: logger.child('kafka') };
  const admin = new KafkaAdmin({ ...connection, clientId: 'bench-admin' });
  const producer = new KafkaProducer({ ...connection, clientId: 'bench-producer' });
  await producer.connect();
  try {
    for (const round of rounds) {
      const topic = topicOf(round);
      await admin.ensureTopics([{ topic, partitions: PARTITIONS }, { topic: `${topic}-dlq`, partitions: 1 }]);
      for (let i = 0; i < values.length; i += 2000) {
        await producer.send(values.slice(i, i + 2000).map((value, j) => ({ topic, key: String(i + j), value, headers: originHeaders(originOf(i + j)) })));
      }
    }
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}

async function deleteTopics(rounds: readonly number[]): Promise<void> {
  const admin = new KafkaAdmin({ brokers: BROKERS, logger: logger.child('kafka'), clientId: 'bench-admin' });
  await admin.deleteTopics(rounds.flatMap((round) => [topicOf(round), `${topicOf(round)}-dlq`]));
  await admin.disconnect();
}

async function indexer(prefix: string, round: number): Promise<number> {
  const topic = topicOf(round);
  const connection = { brokers: BROKERS, logger: logger.child('kafka'), client: CLIENT };
  let started = 0;
  let acknowledged = 0;
  // BENCH_MEMBERS: several group members feeding the one pipeline (GroupMembers, bench-only; the
  // service runs one member per process). The clock starts once the group is stable (every member
  // joined, the partitions shared out), and documents acknowledged before that are not counted: a
  // throughput, not a start-up time.
  const assigned = new Map<number, number>();
  let ackedAtStart = 0;
  const members = Array.from(
    { length: MEMBERS },
    (_, member) =>
      new KafkaBatchConsumer({
        ...connection,
        clientId: 'bench-indexer',
        groupId: `${topic}-group`,
        topics: [topic],
        fromBeginning: true,
        partitionsConsumedConcurrently: PARTITIONS,
        maxBytesPerPartition: FETCH_BYTES,
        commitMode: COMMIT_MODE,
        maxWaitTimeMs: 100,
        listeners: {
          onGroupJoin: ({ assignment }) => {
            assigned.set(member, assignment.reduce((sum, { partitions }) => sum + partitions.length, 0));
            const total = [...assigned.values()].reduce((sum, n) => sum + n, 0);
            if (started === 0 && assigned.size === MEMBERS && total === PARTITIONS) {
              started = performance.now();
              ackedAtStart = acknowledged;
              steady.cpuAtStart = processCpuNow();
            }
          },
        },
      }),
  );
  const consumer = new GroupMembers(members);
  const es = new ElasticsearchClient({ url: ES_URL });
  // Counts acknowledged items as they come back, so no polling loop competes for the CPU.
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const counting: BulkIndexer = {
    ensureIndexTemplate: (name, body) => es.ensureIndexTemplate(name, body),
    dataStream: (name) => es.dataStream(name),
    bulk: async (body) => {
      const result = await es.bulk(body);
      // `errors: false`: every item succeeded (what the pipeline reads too); only then is counting free
      if (!result.errors) {
        acknowledged += result.items.length;
      } else {
        for (const item of result.items) {
          const status = (Object.values(item)[0] as { status?: number } | undefined)?.status ?? 0;
          if (status >= 200 && status < 300) acknowledged += 1;
        }
      }
      if (acknowledged >= DOCS && steady.cpuAtEnd === 0) {
        steady.cpuAtEnd = processCpuNow();
        finish();
      }
      return result;
    },
  };
  const producer = new KafkaProducer({ ...connection, clientId: 'bench-dlq' });
  await producer.connect();
  const pipeline = new IndexerPipeline(
    {
      target: { kind: 'daily', prefix },
      deadLetterTopic: `${topic}-dlq`,
      bulkMaxDocuments: BATCH,
      bulkMaxBytes: 50 * 1_048_576,
      bulkLingerMs: 20,
      bulkConcurrency: CONCURRENCY,
      retryInitialMs: 100,
      retryMaxMs: 5000,
      holdMaxMs: 60_000,
      shutdownTimeoutMs: 30_000,
      numberOfReplicas: 0,
    },
    { consumer, deadLetters: producer, elasticsearch: counting, metrics: new IndexerMetrics(new Registry()), logger: logger.child('indexer.pipeline') },
  );
  await pipeline.start();
  await finished;
  // the time the whole set would take at the measured steady rate
  const seconds = ((performance.now() - started) / 1000) * (DOCS / (DOCS - ackedAtStart));
  steady.documents = DOCS - ackedAtStart;
  await pipeline.stop();
  await producer.disconnect();
  await es.close();
  return seconds;
}

/**
 * The consume-only floor: the indexer's consumer settings on the same topic (its own group), a
 * handler that touches every value and returns (so the batch is committed as the indexer's would
 * be once acknowledged). Timed like the indexer: from a stable group until every record was handled.
 */
async function consumeOnly(round: number): Promise<number> {
  const topic = topicOf(round);
  let started = 0;
  let consumed = 0;
  let consumedAtStart = 0;
  let touched = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const consumer = new KafkaBatchConsumer({
    brokers: BROKERS,
    logger: logger.child('kafka'),
    client: CLIENT,
    clientId: 'bench-consume',
    groupId: `${topic}-consume`,
    topics: [topic],
    fromBeginning: true,
    partitionsConsumedConcurrently: PARTITIONS,
    maxBytesPerPartition: FETCH_BYTES,
    commitMode: COMMIT_MODE,
    maxWaitTimeMs: 100,
    listeners: {
      onGroupJoin: () => {
        if (started !== 0) return;
        started = performance.now();
        consumedAtStart = consumed;
        steady.cpuAtStart = processCpuNow();
      },
    },
  });
  await consumer.run(async (batch) => {
    for (const message of batch.messages) touched += message.value === null ? 0 : message.value.length;
    consumed += batch.messages.length;
    if (consumed >= DOCS && steady.cpuAtEnd === 0) {
      steady.cpuAtEnd = processCpuNow();
      finish();
    }
  });
  await finished;
  const seconds = ((performance.now() - started) / 1000) * (DOCS / (DOCS - consumedAtStart));
  steady.documents = DOCS - consumedAtStart;
  await consumer.stop();
  if (touched === 0) throw new Error('consume: no record bytes were read');
  return seconds;
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const rate = (seconds: number): string => `${Math.round(DOCS / seconds).toLocaleString('en')} docs/s`;

async function main(): Promise<void> {
  const values = documents();
  const bytes = values.reduce((sum, v) => sum + Buffer.byteLength(v), 0);
  const rounds = Array.from({ length: ROUNDS }, (_, round) => round);
  print(
    `indexer bench: ${DOCS} documents (${(bytes / DOCS).toFixed(0)} B avg), batch ${BATCH}, concurrency ${CONCURRENCY}, ` +
      `partitions ${PARTITIONS}, ${MEMBERS} group member(s), fetch ${FETCH_BYTES} B/partition, ${ROUNDS} rounds of ${MODES.join(' / ')}`,
  );
  print(`Kafka client: ${CLIENT}`);
  const usesTopics = MODES.includes('indexer') || MODES.includes('consume');
  if (usesTopics) await produceTopics(values, rounds);
  const es = new ElasticsearchClient({ url: ES_URL });
  const results: Record<Mode, RoundResult[]> = { rawbulk: [], indexer: [], consume: [] };
  const gc = (globalThis as { gc?: () => void }).gc;
  try {
    for (const round of rounds) {
      for (const mode of MODES) {
        const prefix = `bench-${mode}-${runId}-${round}`;
        if (mode === 'consume') {
          gc?.();
          const result = await measure(() => consumeOnly(round), `${mode}-${round}`);
          results[mode].push(result);
          print(`round ${round} ${mode} ${result.seconds.toFixed(2)} s  ${rate(result.seconds)}  (cpu s: ${cpuLine(result)}; ${perDoc(result)} µs/doc)`);
          continue;
        }
        await es.ensureIndexTemplate(indexTemplateName(prefix), indexTemplate({ indexPrefix: prefix, numberOfReplicas: 0 }));
        const chunks = mode === 'rawbulk' ? rawChunks(values, prefix) : [];
        gc?.();
        const result = await measure(() => (mode === 'rawbulk' ? rawBulk(es, chunks) : indexer(prefix, round)), `${mode}-${round}`);
        await es.refresh(`${prefix}-*`);
        const count = await es.count(`${prefix}-*`);
        if (count !== DOCS) throw new Error(`${mode}: ${count} documents, expected ${DOCS}`);
        results[mode].push(result);
        print(`round ${round} ${mode} ${result.seconds.toFixed(2)} s  ${rate(result.seconds)}  (cpu s: ${cpuLine(result)}; ${perDoc(result)} µs/doc)`);
        await es.request('DELETE', `/${prefix}-*`);
        await es.request('DELETE', `/_index_template/${indexTemplateName(prefix)}`);
      }
    }
  } finally {
    await es.close();
    if (usesTopics) await deleteTopics(rounds);
  }
  for (const mode of MODES) {
    const seconds = results[mode].map((r) => r.seconds);
    print(`${mode}: median ${rate(median(seconds))}, best ${rate(Math.min(...seconds))}`);
  }
  if (MODES.includes('consume') && MODES.includes('indexer')) {
    const cpuOf = (mode: Mode) => results[mode].map((r) => ((r.cpu['node'] ?? 0) * 1e6) / DOCS);
    const [floor, indexed] = [cpuOf('consume'), cpuOf('indexer')];
    print(
      `process CPU per document: consume-only median ${median(floor).toFixed(2)} µs (min ${Math.min(...floor).toFixed(2)}), ` +
        `indexer median ${median(indexed).toFixed(2)} µs (min ${Math.min(...indexed).toFixed(2)}); ` +
        `indexer − consume-only: ${(median(indexed) - median(floor)).toFixed(2)} µs (medians), ${(Math.min(...indexed) - Math.min(...floor)).toFixed(2)} µs (mins)`,
    );
    const steadyOf = (mode: Mode) => results[mode].map((r) => r.steadyPerDoc);
    const [floorSteady, indexedSteady] = [steadyOf('consume'), steadyOf('indexer')];
    print(
      `timed window only: consume-only median ${median(floorSteady).toFixed(2)} µs (min ${Math.min(...floorSteady).toFixed(2)}), ` +
        `indexer median ${median(indexedSteady).toFixed(2)} µs (min ${Math.min(...indexedSteady).toFixed(2)}); ` +
        `indexer − consume-only: ${(median(indexedSteady) - median(floorSteady)).toFixed(2)} µs (medians), ${(Math.min(...indexedSteady) - Math.min(...floorSteady)).toFixed(2)} µs (mins)`,
    );
  }
  if (MODES.includes('rawbulk') && MODES.includes('indexer')) {
    const ratio = (pick: (xs: number[]) => number) =>
      pick(results.rawbulk.map((r) => r.seconds)) / pick(results.indexer.map((r) => r.seconds));
    print(`indexer / rawbulk: ${ratio(median).toFixed(2)}× (medians), ${ratio((xs) => Math.min(...xs)).toFixed(2)}× (bests)`);
  }
}

function cpuLine(result: RoundResult): string {
  return Object.entries(result.cpu)
    .map(([name, seconds]) => `${name} ${seconds.toFixed(2)}`)
    .join(', ');
}

/** This process's CPU per document in the round, µs. */
const perDoc = (result: RoundResult): string =>
  `${(((result.cpu['node'] ?? 0) * 1e6) / DOCS).toFixed(2)}; timed window ${result.steadyPerDoc.toFixed(2)}`;

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
