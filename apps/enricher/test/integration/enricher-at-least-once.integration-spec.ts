import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { readOrigin } from '@iocflow/core';
import { MemcachedClient, type KafkaCommitMode } from '@iocflow/io';
import { MemcachedProcess, pollUntil, requireService } from '@iocflow/testing';
import { createTopics, deleteTopics, kafkaBrokers, produce, record, runNames, seedMemcached, TopicCollector } from './enricher-harness';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const BUNDLE = path.join(REPO, 'dist', 'apps', 'enricher', 'main.js');
const EVENTS = 30_000;

/** Every 20th event hits; the answer for each id is known in advance. */
const isHit = (i: number): boolean => i % 20 === 0;
const domainOf = (i: number): string => (isHit(i) ? `host${i}.bad-alo.example` : `host${i}.fine-alo.example`);

describe.each<KafkaCommitMode>(['after-handler', 'on-acknowledge'])('enricher (ENRICHER_COMMIT_MODE=%s), at least once across SIGTERM and SIGKILL of the real process (real Kafka, real memcached)', (commitMode) => {
  const names = runNames('enr-alo');
  let memcached: MemcachedProcess;
  let client: MemcachedClient;
  let collector: TopicCollector;
  let child: ChildProcess | undefined;

  /** The child, its stdout (JSON log lines) and how it ended. */
  function startChild(): { process: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; log: () => string } {
    const processHandle = spawn(process.execPath, [BUNDLE], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        KAFKA_BROKERS: kafkaBrokers(),
        MEMCACHED_SERVERS: memcached.server,
        RAW_LOGS_TOPIC: names.raw,
        ENRICHED_LOGS_TOPIC: names.enriched,
        // The run's own (empty) indicator topic: the IP ranges are followed from it.
        IOC_TOPIC: names.ioc,
        // The run's own hits topic: by default the hits of every 20th event went to the shared `threat-hits`.
        THREAT_HITS_TOPIC: names.hits,
        ENRICHER_GROUP_ID: names.group,
        // Small fetches: many batches, so that a signal lands mid-run.
        ENRICHER_MAX_BYTES_PER_PARTITION: '16384',
        ENRICHER_COMMIT_MODE: commitMode,
        LOG_LEVEL: 'info',
        HTTP_PORT: '0',
        HTTP_HOST: '127.0.0.1',
      },
    });
    child = processHandle;
    let log = '';
    processHandle.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => processHandle.once('exit', (code, signal) => resolve({ code, signal })));
    return { process: processHandle, exited, log: () => log };
  }

  const outputIds = (): string[] => collector.of(names.enriched).map((m) => String(m.key));

  beforeAll(async () => {
    await requireService('kafka');
    await requireService('memcached');
    // The test runs the production bundle, so build it from the current sources.
    const build = spawnSync(path.join(REPO, 'node_modules', '.bin', 'webpack'), ['--config', 'apps/enricher/webpack.config.js'], { cwd: REPO, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`enricher build failed: ${build.stderr}${build.stdout}`);
    memcached = await MemcachedProcess.start();
    client = new MemcachedClient({ servers: memcached.server });
    await seedMemcached(client, { 'domain-bad-alo.example': 'Feed-Alo' });
    await createTopics(names);
    collector = new TopicCollector([names.enriched]);
    await collector.start();
    const records = Array.from({ length: EVENTS }, (_, i) =>
      record(names.raw, `id-${i}`, JSON.stringify({ '@timestamp': '2025-01-01T00:00:00Z', event: { id: `id-${i}` }, destination: { domain: domainOf(i), ip: '192.0.2.1' }, message: 'x'.repeat(200) })),
    );
    for (let i = 0; i < records.length; i += 5000) await produce(records.slice(i, i + 5000));
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await collector?.stop();
    await client?.close();
    await memcached?.stop();
    await deleteTopics(names);
  });

  it('SIGTERM drains, commits and leaves (no duplicate after restart); SIGKILL loses nothing; every event comes out with the right answer', async () => {
    // Phase 1: graceful stop mid-run.
    const first = startChild();
    await pollUntil(() => outputIds().length >= 2000, { timeoutMs: 90_000, description: 'first output' });
    first.process.kill('SIGTERM');
    // NestJS re-raises the signal once its shutdown hooks are done; the log proves the drain ran.
    await first.exited;
    expect(first.log()).toContain('"message":"enricher stopped"');
    const afterTerm = outputIds().length;
    expect(afterTerm).toBeLessThan(EVENTS);
    expect(new Set(outputIds()).size).toBe(afterTerm);
    // Without a failure, each partition's output is in input order, however much batches overlapped.
    expect(outOfOrder(collector.of(names.enriched).slice(0, afterTerm))).toEqual([]);

    // Phase 2: crash mid-run.
    const second = startChild();
    await pollUntil(() => outputIds().length >= afterTerm + 2000, { timeoutMs: 90_000, description: 'output after restart' });
    second.process.kill('SIGKILL');
    await second.exited;
    // Nothing after phase 1's last commit was duplicated by the graceful restart.
    expect(new Set(outputIds().slice(0, afterTerm + 2000)).size).toBe(afterTerm + 2000);
    expect(new Set(outputIds()).size).toBeLessThan(EVENTS);

    // Phase 3: run to the end.
    const third = startChild();
    await pollUntil(() => new Set(outputIds()).size >= EVENTS, { timeoutMs: 120_000, description: `all ${EVENTS} ids out (have ${new Set(outputIds()).size})` });
    third.process.kill('SIGTERM');
    await third.exited;
    expect(third.log()).toContain('"message":"enricher stopped"');

    const answers = new Map<string, string>();
    for (const message of collector.of(names.enriched)) answers.set(String(message.key), JSON.parse(String(message.value)).misp_src);
    const wrong = [...answers].filter(([id, src]) => src !== (isHit(Number(id.slice(3))) ? 'Feed-Alo' : 'none'));
    expect(wrong).toEqual([]);
    expect(answers.size).toBe(EVENTS);
    console.log(`at-least-once (${commitMode}): ${EVENTS} events, ${collector.of(names.enriched).length} records out, ${collector.of(names.enriched).length - EVENTS} duplicates (from the SIGKILL)`);
  });
});

/**
 * Records whose source offset is not above the previous record's from the same source partition in
 * the same output partition (the origin header says `topic/partition/offset`).
 */
function outOfOrder(messages: readonly { partition: number; headers: Readonly<Record<string, Buffer>> }[]): string[] {
  const last = new Map<string, bigint>();
  const wrong: string[] = [];
  for (const message of messages) {
    const origin = readOrigin(message.headers);
    if (origin === undefined) {
      wrong.push(`output partition ${message.partition}: a record without origin header`);
      continue;
    }
    const lane = `source ${origin.partition} → output ${message.partition}`;
    const offset = BigInt(origin.offset);
    const previous = last.get(lane);
    if (previous !== undefined && offset <= previous) wrong.push(`${lane}: offset ${offset} after ${previous}`);
    last.set(lane, offset);
  }
  return wrong;
}
