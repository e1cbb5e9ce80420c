import { Kafka, logLevel, type Admin, type IHeaders, type Producer } from 'kafkajs';
import { DEAD_LETTER_HEADERS } from '@iocflow/core';
import { ElasticsearchClient } from '@iocflow/io';
import { MispStandin } from '@iocflow/misp-standin';
import { MemcachedProcess, ServiceProcess, freePort, pollUntil, requireService, stackEndpoints, uniqueName, type ServiceApp } from '@iocflow/testing';
import { FAULT_ID_HEADER, type KnownIndicator, type PlannedEvent } from './load-generator';
import type { DeadLetter, IndexedBucket } from './reconcile';

const URSNIF_EVENT = '5b646415-7b48-40d5-86b4-c0070acd0835'; // pymisp sighting_1.json
const FEED = 'Feed-RansomwareTracker';
const API_KEY = 'faults0key000000000000000000000000000000';

export interface FaultStackOptions {
  /** Scenario name, part of every topic, index and group name. */
  readonly name: string;
  /** Indicator domains added to the stand-in (default 50). */
  readonly indicators?: number;
  readonly rawPartitions?: number;
  /** Topic-level configs for the raw topic (e.g. a larger max.message.bytes). */
  readonly rawTopicConfig?: Readonly<Record<string, string>>;
  /** More MISP event documents for the stand-in to serve (e.g. hostile content). */
  readonly standinDocuments?: readonly unknown[];
}

/** A service the stack started, with its HTTP port (health, metrics). */
export interface RunningService {
  readonly app: ServiceApp;
  readonly process: ServiceProcess;
  readonly port: number;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * One isolated pipeline on the shared stack for one scenario: unique topics, index prefix and
 * groups, a MISP stand-in serving real MISP data plus `indicators` known domains tagged with a
 * feed, and a test-owned memcached (killable without disturbing anyone). The built services run
 * as child processes; Kafka and Elasticsearch addresses can be overridden per service so a
 * scenario can put a forwarder it owns in between.
 */
export class FaultStack {
  readonly id: string;
  readonly topics: { readonly raw: string; readonly enriched: string; readonly iocs: string; readonly rawDlq: string; readonly enrichedDlq: string; readonly hits: string };
  readonly indexPrefix: string;
  readonly indicators: readonly KnownIndicator[];
  readonly endpoints = stackEndpoints();
  readonly services: RunningService[] = [];
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private admin: Admin | undefined;
  private readonly es: ElasticsearchClient;

  private constructor(
    readonly options: FaultStackOptions,
    readonly standin: MispStandin,
    readonly memcached: MemcachedProcess,
  ) {
    this.id = uniqueName(`faults-${options.name}`);
    this.topics = { raw: `${this.id}-raw`, enriched: `${this.id}-enriched`, iocs: `${this.id}-iocs`, rawDlq: `${this.id}-raw-dlq`, enrichedDlq: `${this.id}-enriched-dlq`, hits: `${this.id}-hits` };
    this.indexPrefix = this.id.toLowerCase();
    this.indicators = Array.from({ length: options.indicators ?? 50 }, (_, i) => ({ domain: `ioc-${i}.${this.id}.test`, feed: FEED }));
    this.kafka = new Kafka({ clientId: this.id, brokers: this.endpoints.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
    this.es = new ElasticsearchClient({ url: this.endpoints.elasticsearchUrl });
  }

  static async create(options: FaultStackOptions): Promise<FaultStack> {
    await requireService('kafka');
    await requireService('elasticsearch');
    const standin = new MispStandin({ apiKey: API_KEY, fixtures: ['pymisp/tests/reportlab_testfiles/sighting_1.json'], ...(options.standinDocuments === undefined ? {} : { documents: options.standinDocuments }) });
    await standin.start();
    standin.setEventTags(URSNIF_EVENT, [FEED, 'tlp:white']);
    const memcached = await MemcachedProcess.start();
    const stack = new FaultStack(options, standin, memcached);
    for (const indicator of stack.indicators) standin.addAttribute(URSNIF_EVENT, { type: 'domain', value: indicator.domain, toIds: true });
    stack.admin = stack.kafka.admin();
    await stack.admin.connect();
    // Users create the log topic (docs/operations.md); the services create the topics they own.
    await stack.admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: stack.topics.raw,
          numPartitions: options.rawPartitions ?? 4,
          replicationFactor: 1,
          configEntries: Object.entries(options.rawTopicConfig ?? {}).map(([name, value]) => ({ name, value })),
        },
      ],
    });
    stack.producer = stack.kafka.producer({ allowAutoTopicCreation: false });
    await stack.producer.connect();
    return stack;
  }

  /** The environment every service of this run shares (overridable per service). */
  baseEnv(): NodeJS.ProcessEnv {
    return {
      KAFKA_BROKERS: this.endpoints.kafkaBrokers,
      MEMCACHED_SERVERS: this.memcached.server,
      ELASTICSEARCH_URL: this.endpoints.elasticsearchUrl,
      MISP_URL: this.standin.url,
      MISP_API_KEY: API_KEY,
      MISP_INITIAL_LOOKBACK: '36500d',
      // The fixture events are from 2016–2018: no expiry by age (issue 15).
      IOC_EXPIRY: 'false',
      MISP_PUBLISHED_ONLY: 'false',
      RAW_LOGS_TOPIC: this.topics.raw,
      ENRICHED_LOGS_TOPIC: this.topics.enriched,
      IOC_TOPIC: this.topics.iocs,
      THREAT_HITS_TOPIC: this.topics.hits,
      ENRICHER_GROUP_ID: `${this.id}-enricher`,
      INDEXER_GROUP_ID: `${this.id}-indexer`,
      ELASTICSEARCH_INDEX: this.indexPrefix,
      ELASTICSEARCH_REPLICAS: '0',
      // Default document ids (no ELASTICSEARCH_ID_FIELD): the indexer names each document after
      // the enricher's iocflow.origin header (raw-logs coordinates), so an enricher replay
      // overwrites its own document. The reconciliation counts documents per event.id: a replay
      // that duplicated would show up.
      LOG_LEVEL: 'warn',
    };
  }

  /** `misp-sync --once`: MISP → memcached + the indicator topic, before any event flows. */
  async syncOnce(extraEnv: NodeJS.ProcessEnv = {}): Promise<void> {
    const sync = ServiceProcess.start('misp-sync', { ...this.baseEnv(), ...extraEnv }, ['--once']);
    const code = await sync.finished(120_000);
    if (code !== 0) throw new Error(`misp-sync --once exited with ${code}:\n${sync.logs()}`);
  }

  /** Starts a service and waits until it is ready. */
  async start(app: ServiceApp, extraEnv: NodeJS.ProcessEnv = {}, options: { args?: readonly string[]; name?: string; waitReady?: boolean } = {}): Promise<RunningService> {
    const port = await freePort();
    const name = options.name ?? app;
    const env = { ...this.baseEnv(), HTTP_PORT: String(port), ...this.podIdentity(name), ...extraEnv };
    const process = ServiceProcess.start(app, env, options.args ?? [], name);
    const service = { app, process, port, env };
    this.services.push(service);
    if (options.waitReady ?? true) await process.waitReady(port, 90_000);
    return service;
  }

  /**
   * What a Kubernetes pod gives its container (deploy/k8s sets KAFKA_GROUP_INSTANCE_ID from the pod
   * name): one static group member id per service name of this run, kept across crashAndRestart
   * (a container restarted inside its pod). FAULTS_STATIC_MEMBERSHIP=false leaves it out, to
   * measure recovery without static membership.
   */
  podIdentity(name: string): NodeJS.ProcessEnv {
    if (process.env['FAULTS_STATIC_MEMBERSHIP'] === 'false') return {};
    return { KAFKA_GROUP_INSTANCE_ID: `${this.id}-${name}`.replace(/[^A-Za-z0-9._-]/g, '-') };
  }

  /** SIGKILL, then the same service again (same env, a new port), ready. */
  async crashAndRestart(service: RunningService): Promise<RunningService> {
    service.process.peakRss();
    await service.process.kill();
    const { HTTP_PORT: _port, ...env } = service.env;
    return this.start(service.app, env, { name: service.process.name });
  }

  async metrics(service: RunningService): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${service.port}/metrics`);
    return response.text();
  }

  /** Produces records with the id as key and `fault-id` header, in chunks, acks from all replicas. */
  async produce(events: readonly PlannedEvent[], chunk = 250): Promise<void> {
    for (let at = 0; at < events.length; at += chunk) {
      await this.producer!.send({
        topic: this.topics.raw,
        acks: -1,
        messages: events.slice(at, at + chunk).map((event) => ({ key: event.id, value: event.value, headers: { [FAULT_ID_HEADER]: event.id } })),
      });
    }
  }

  /** Produces records one per send to any topic of the run (e.g. hostile records where another producer could write them), acks from all replicas. */
  async produceTo(topic: string, records: readonly { readonly key: string; readonly value: string | Buffer | null; readonly id?: string }[]): Promise<void> {
    for (const record of records) {
      await this.producer!.send({ topic, acks: -1, messages: [{ key: record.key, value: record.value, ...(record.id === undefined ? {} : { headers: { [FAULT_ID_HEADER]: record.id } }) }] });
    }
  }

  /** The `_source` of the run's documents whose event.id is `id`. */
  async documents(id: string): Promise<Record<string, unknown>[]> {
    await this.es.refresh(`${this.indexPrefix}-*`).catch(() => undefined);
    const result = await this.es.request<{ hits: { hits: { _source: Record<string, unknown> }[] } }>('POST', `/${this.indexPrefix}-*/_search?ignore_unavailable=true&allow_no_indices=true`, { query: { term: { 'event.id': id } } });
    return result.hits.hits.map((hit) => hit._source);
  }

  /**
   * Produces `events` spread over `durationMs` (load, not a wait: chunks are paced so faults land
   * mid-run). `onProgress` sees how many were produced so far.
   */
  async produceOverTime(events: readonly PlannedEvent[], durationMs: number, onProgress?: (produced: number) => void): Promise<void> {
    const chunk = 50;
    const chunks = Math.ceil(events.length / chunk);
    const started = Date.now();
    for (let i = 0; i < chunks; i++) {
      await this.produce(events.slice(i * chunk, (i + 1) * chunk), chunk);
      onProgress?.(Math.min(events.length, (i + 1) * chunk));
      const due = started + ((i + 1) * durationMs) / chunks;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** Records in a topic (sum of high watermarks; the topics are fresh, so nothing was deleted). Missing topic = 0. */
  async topicSize(topic: string): Promise<number> {
    try {
      const offsets = await this.admin!.fetchTopicOffsets(topic);
      return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    } catch {
      return 0;
    }
  }

  /** Unconsumed records of a group on a topic; a group that never committed counts everything. */
  async lag(groupId: string, topic: string): Promise<number> {
    const high = await this.admin!.fetchTopicOffsets(topic);
    const committed = await this.admin!.fetchOffsets({ groupId, topics: [topic] });
    const byPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return high.reduce((sum, p) => {
      const at = byPartition.get(p.partition) ?? -1;
      return sum + Number(p.high) - (at < 0 ? Number(p.low) : at);
    }, 0);
  }

  async indexedCount(): Promise<number> {
    await this.es.refresh(`${this.indexPrefix}-*`).catch(() => undefined);
    const result = await this.es.request<{ count: number }>('POST', `/${this.indexPrefix}-*/_count?ignore_unavailable=true&allow_no_indices=true`, { query: { match_all: {} } });
    return result.count;
  }

  /**
   * Waits until every one of `expected` inputs is accounted for (documents + dead letters) and
   * both consumer groups have nothing left to read, so no replay is still in flight.
   */
  async waitSettled(expected: number, timeoutMs: number): Promise<number> {
    const start = Date.now();
    await pollUntil(
      async () => {
        const [docs, rawDlq, enrichedDlq] = await Promise.all([this.indexedCount(), this.topicSize(this.topics.rawDlq), this.topicSize(this.topics.enrichedDlq)]);
        if (docs + rawDlq + enrichedDlq < expected) return false;
        const lags = (await this.lag(`${this.id}-enricher`, this.topics.raw)) + (await this.lag(`${this.id}-indexer`, this.topics.enriched));
        return lags === 0 ? true : false;
      },
      { timeoutMs, intervalMs: 1000, description: `${expected} events indexed or dead-lettered and no consumer lag (${this.id})` },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${this.serviceLogs()}`);
    });
    return (Date.now() - start) / 1000;
  }

  /** Every (event.id, misp_src) pair in the run's indices, with document counts. */
  async indexedBuckets(): Promise<IndexedBucket[]> {
    await this.es.refresh(`${this.indexPrefix}-*`).catch(() => undefined);
    const buckets: IndexedBucket[] = [];
    let after: Record<string, unknown> | undefined;
    for (;;) {
      type Page = { aggregations?: { ids: { after_key?: Record<string, unknown>; buckets: { key: { id: string; src: string | null }; doc_count: number }[] } } };
      const page = await this.es.request<Page>('POST', `/${this.indexPrefix}-*/_search?ignore_unavailable=true&allow_no_indices=true`, {
        size: 0,
        aggs: {
          ids: {
            composite: {
              size: 5000,
              sources: [{ id: { terms: { field: 'event.id' } } }, { src: { terms: { field: 'misp_src', missing_bucket: true } } }],
              ...(after ? { after } : {}),
            },
          },
        },
      });
      const aggregation = page.aggregations?.ids;
      if (!aggregation || aggregation.buckets.length === 0) break;
      for (const bucket of aggregation.buckets) buckets.push({ id: bucket.key.id, mispSrc: bucket.key.src ?? '(missing)', count: bucket.doc_count });
      after = aggregation.after_key;
      if (!after) break;
    }
    return buckets;
  }

  /** Documents without an event.id (a hostile input indexed whole): they cannot be traced, so they are counted. */
  async untraceableDocuments(): Promise<number> {
    const result = await this.es.request<{ count: number }>('POST', `/${this.indexPrefix}-*/_count?ignore_unavailable=true&allow_no_indices=true`, {
      query: { bool: { must_not: { exists: { field: 'event.id' } } } },
    });
    return result.count;
  }

  /** Every record of both dead-letter topics, with the input id (key/header) and the reason header. */
  async deadLetters(): Promise<DeadLetter[]> {
    const letters: DeadLetter[] = [];
    for (const topic of [this.topics.rawDlq, this.topics.enrichedDlq]) {
      const size = await this.topicSize(topic);
      if (size === 0) continue;
      const consumer = this.kafka.consumer({ groupId: uniqueName(`${this.id}-reader`), maxBytesPerPartition: 16 * 1_048_576 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let seen = 0;
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            const truncated = header(message.headers, DEAD_LETTER_HEADERS.truncated);
            const sha256 = header(message.headers, DEAD_LETTER_HEADERS.sha256);
            letters.push({
              topic,
              id: header(message.headers, FAULT_ID_HEADER) ?? message.key?.toString('utf8'),
              reason: header(message.headers, DEAD_LETTER_HEADERS.reason),
              valueBytes: message.value?.length ?? 0,
              ...(truncated === undefined ? {} : { truncated: Number(truncated) }),
              ...(sha256 === undefined ? {} : { sha256 }),
            });
            if (++seen >= size) resolve();
          },
        });
      });
      await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`read ${seen}/${size} dead letters of ${topic}`)), 60_000).unref())]);
      await consumer.disconnect();
    }
    return letters;
  }

  /**
   * How many raw-logs records carry each input id. More than one means the load's own producer
   * wrote the event twice (a broker lost before it acknowledged): each copy is a distinct record
   * that iocflow must index once, so the reconciliation allows that many documents.
   */
  async rawCopies(): Promise<Map<string, number>> {
    const copies = new Map<string, number>();
    const size = await this.topicSize(this.topics.raw);
    if (size === 0) return copies;
    const consumer = this.kafka.consumer({ groupId: uniqueName(`${this.id}-raw-reader`), maxBytesPerPartition: 16 * 1_048_576 });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topics.raw, fromBeginning: true });
    let seen = 0;
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const id = header(message.headers, FAULT_ID_HEADER) ?? message.key?.toString('utf8');
          if (id !== undefined) copies.set(id, (copies.get(id) ?? 0) + 1);
          if (++seen >= size) resolve();
        },
      });
    });
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`read ${seen}/${size} records of ${this.topics.raw}`)), 120_000).unref())]);
    await consumer.disconnect();
    return copies;
  }

  /** Peak RSS of every service started under each name, in kB (the largest, across restarts). */
  peakRss(): Record<string, number> {
    const peaks: Record<string, number> = {};
    for (const service of this.services) peaks[service.process.name] = Math.max(peaks[service.process.name] ?? 0, service.process.peakRss());
    return peaks;
  }

  /** Lines of every started service's log (across restarts) containing `text`. */
  logCount(app: ServiceApp, text: string): number {
    return this.services.filter((s) => s.app === app).reduce((sum, s) => sum + s.process.logs().split('\n').filter((line) => line.includes(text)).length, 0);
  }

  /** What the Kafka owners logged about recovering (bug 1): producers replaced, consumer crashes. */
  kafkaRecoveryNotes(): string {
    return (['enricher', 'indexer'] as const)
      .map((app) => `${app}: producer replaced ${this.logCount(app, 'kafka producer state lost')}, consumer restarts ${this.logCount(app, 'kafka consumer crashed: restarting')}, crashed for good ${this.logCount(app, 'kafka consumer crashed for good')}`)
      .join('; ');
  }

  serviceLogs(): string {
    return this.services.map((s) => `--- ${s.process.name} (pid ${s.process.pid}) ---\n${s.process.logs().slice(-4000)}`).join('\n');
  }

  /**
   * Every topic of this run: its own and those the services created from its names (misp-sync's
   * `<iocs>-sync-state`, the sightings state, the hits topic…), all prefixed with the run id.
   * Listed rather than named, so that a topic a service adds later is not left behind either.
   */
  private async deleteRunTopics(): Promise<void> {
    if (this.admin === undefined) return;
    const topics = await this.admin.listTopics().catch(() => Object.values(this.topics));
    const ours = topics.filter((topic) => topic.startsWith(`${this.id}-`));
    if (ours.length > 0) await this.admin.deleteTopics({ topics: ours }).catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const service of this.services) if (service.process.running) await service.process.stop(30_000).catch(() => service.process.kill());
    await this.producer?.disconnect().catch(() => undefined);
    await this.deleteRunTopics();
    await this.admin?.disconnect().catch(() => undefined);
    await this.es.request('DELETE', `/${this.indexPrefix}-*`).catch(() => undefined);
    await this.es.close();
    await this.memcached.stop();
    await this.standin.stop();
  }
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
