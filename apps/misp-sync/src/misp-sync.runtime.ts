import { FeedClient, KafkaAdmin, KafkaBatchConsumer, KafkaProducer, KafkaTopicReader, MemcachedClient, MispClient } from '@iocflow/io';
import { ConsumerHealth, RateLimitedLog, kafkaConnection, kafkaGroupSettings, kafkaProducerSettings, type JsonLogger, type ServiceContext, type ServiceRuntime } from '@iocflow/nest';
import type { Registry } from 'prom-client';
import { feedSourceName, syncStateTopic, type MispSyncConfig } from './misp-sync.config';
import { buildSelection, type BuiltSelection } from './selection/build-selection';
import { MispSightings } from './sightings/misp-sightings';
import { FeedSource } from './sync/feed.source';
import { IndicatorChangesSink } from './sync/indicator-changes.sink';
import { IndicatorStoreSink } from './sync/indicator-store.sink';
import { MispNotificationsSource } from './sync/misp-notifications.source';
import { MispSource } from './sync/misp.source';
import { MISP_SOURCE, SyncPipeline } from './sync/sync.pipeline';
import type { PipelineLogger } from './sync/sync-ports';
import { SyncMetrics } from './sync/sync.metrics';
import { SyncRunner, type RunnerTask, type SyncJob } from './sync/sync.runner';
import { TtyProgressLine } from './sync/tty-progress-line';
import { SyncStateStore } from './sync/sync-state.store';

/** Every client misp-sync owns, opened by `MispSyncRuntime.start` and closed by its `stop`. */
export interface MispSyncClients {
  readonly memcached: MemcachedClient;
  readonly producer: KafkaProducer;
  readonly admin: KafkaAdmin;
  readonly reader: KafkaTopicReader;
  /** Absent when only a feed is configured. */
  readonly misp?: MispClient;
  /** Absent when no feed is configured. */
  readonly feed?: FeedClient;
}

/**
 * Builds the pipeline from the validated config: one owner per external system, the sinks and
 * sources around them, the runner. Plain constructors, no decorators below this file: the sync
 * code does not depend on NestJS.
 */
export interface MispSync {
  readonly clients: MispSyncClients;
  readonly pipeline: SyncPipeline;
  readonly runner: SyncRunner;
  /** The live-notifications consumer's health, when MISP_NOTIFICATIONS_TOPIC is set. */
  readonly notifications?: ConsumerHealth;
}

/** `stoppedForGood`: a component that will not recover in this process (the notifications consumer after a non-retriable error); the service then exits to be restarted. */
export function buildMispSync(config: MispSyncConfig, logger: JsonLogger, registry: Registry, stoppedForGood: (component: string, error: unknown) => void = () => undefined): MispSync {
  const log = logger.child('sync');
  const ioLogger = logger.child('io');
  const clients: MispSyncClients = {
    memcached: new MemcachedClient({ servers: config.MEMCACHED_SERVERS, requestTimeoutMs: config.MEMCACHED_TIMEOUT, maxReplyBytes: config.MEMCACHED_MAX_REPLY_BYTES }),
    producer: new KafkaProducer({ ...kafkaConnection(config, 'misp-sync'), ...kafkaProducerSettings(config, { readByKafkajs: 'the indicator topic (IOC_TOPIC)' }), logger: ioLogger }),
    admin: new KafkaAdmin({ ...kafkaConnection(config, 'misp-sync'), logger: ioLogger }),
    reader: new KafkaTopicReader({ ...kafkaConnection(config, 'misp-sync'), logger: ioLogger }),
    ...(config.MISP_URL === undefined || config.MISP_API_KEY === undefined
      ? {}
      : {
          misp: new MispClient({
            url: config.MISP_URL,
            apiKey: config.MISP_API_KEY,
            timeoutMs: config.MISP_TIMEOUT,
            rejectUnauthorized: config.MISP_TLS_REJECT_UNAUTHORIZED,
            ...(config.MISP_CA_FILE === undefined ? {} : { caFile: config.MISP_CA_FILE }),
          }),
        }),
    ...(config.FEED_URL === undefined
      ? {}
      : {
          feed: new FeedClient({
            location: config.FEED_URL,
            timeoutMs: config.FEED_TIMEOUT,
            rejectUnauthorized: config.FEED_TLS_REJECT_UNAUTHORIZED,
            ...(config.FEED_CA_FILE === undefined ? {} : { caFile: config.FEED_CA_FILE }),
          }),
        }),
  };
  const metrics = new SyncMetrics(registry);
  const selection = buildSelection(config);
  if (selection.guard.unusable.length > 0) log.warn('warninglist or allowlist entries that cannot be used; left out', { count: selection.guard.unusable.length, first: selection.guard.unusable[0] });
  const source = clients.misp === undefined ? undefined : mispSource(config, clients.misp, metrics, log, selection);
  const feed = clients.feed === undefined ? undefined : feedSource(config, clients.feed, metrics, logger.child('feed'));
  const pipeline = new SyncPipeline(
    {
      ...(source === undefined ? {} : { source }),
      store: new IndicatorStoreSink(clients.memcached, config.MISP_SEED_COMPAT_KEYS),
      changes: new IndicatorChangesSink(clients.producer, config.IOC_TOPIC),
      syncState: new SyncStateStore(clients.reader, clients.producer, config.IOC_TOPIC, syncStateTopic(config), log),
      metrics,
      logger: log,
      // A live progress line only for a person watching a terminal; logs get the JSON line either way.
      ...(process.stdout.isTTY ? { progress: new TtyProgressLine(process.stdout) } : {}),
      now: Date.now,
    },
    {
      feedRules: { feedTagPattern: config.MISP_FEED_TAG_PATTERN, defaultFeed: config.MISP_DEFAULT_FEED, toIdsOnly: config.MISP_TO_IDS_ONLY },
      lookbackMs: config.MISP_INITIAL_LOOKBACK,
      fullSyncIntervalMs: config.MISP_FULL_SYNC_INTERVAL,
      clockSkewMarginSec: Math.round(config.MISP_CLOCK_SKEW_MARGIN / 1000),
      progressIntervalMs: config.SYNC_PROGRESS_INTERVAL,
      seedCompat: config.MISP_SEED_COMPAT_KEYS,
      maxRecordBytes: config.IOC_MAX_RECORD_BYTES,
      maxStoreValueBytes: config.MEMCACHED_MAX_VALUE_BYTES,
      // Each source's poll interval goes into the sentinel: readers judge it against its own schedule.
      sources: [...(source === undefined ? [] : [{ name: MISP_SOURCE, intervalMs: config.MISP_POLL_INTERVAL }]), ...(feed === undefined ? [] : [{ name: feed.name, intervalMs: config.FEED_POLL_INTERVAL }])],
      heartbeatMs: config.SYNC_HEARTBEAT_INTERVAL,
      filter: selection.filter,
      expiry: selection.expiry,
      expiryCheckIntervalMs: config.IOC_EXPIRY_CHECK_INTERVAL,
      applyBatch: config.SYNC_APPLY_BATCH,
    },
  );
  const jobs: SyncJob[] = [];
  if (source !== undefined) jobs.push({ name: MISP_SOURCE, intervalMs: config.MISP_POLL_INTERVAL, run: () => pipeline.sync() });
  if (feed !== undefined) jobs.push({ name: feed.name, intervalMs: config.FEED_POLL_INTERVAL, run: () => pipeline.syncFeed(feed) });
  const tasks: RunnerTask[] = [];
  let notifications: ConsumerHealth | undefined;
  if (config.MISP_NOTIFICATIONS_TOPIC !== undefined) {
    const health = new ConsumerHealth('misp-notifications');
    notifications = health;
    const consumer = new KafkaBatchConsumer({
      ...kafkaConnection(config, 'misp-sync'),
      ...kafkaGroupSettings(config),
      ...(config.MISP_NOTIFICATIONS_BROKERS === undefined ? {} : { brokers: config.MISP_NOTIFICATIONS_BROKERS }),
      groupId: config.MISP_NOTIFICATIONS_GROUP,
      topics: [config.MISP_NOTIFICATIONS_TOPIC],
      logger: ioLogger,
      listeners: {
        onGroupJoin: () => health.joined(),
        onCrash: (error, restart) => {
          health.crashed(error, restart);
          if (!restart) stoppedForGood('misp-notifications', error);
        },
      },
    });
    tasks.push(new MispNotificationsSource(consumer, (uuids) => pipeline.refresh(uuids), logger.child('notifications')));
  }
  const runner = new SyncRunner(pipeline, jobs, tasks, log);
  return { clients, pipeline, runner, ...(notifications === undefined ? {} : { notifications }) };
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'UNKNOWN';
}

function mispSource(config: MispSyncConfig, client: MispClient, metrics: SyncMetrics, log: PipelineLogger, selection: BuiltSelection): MispSource {
  const invalidLog = new RateLimitedLog(10_000);
  return new MispSource(
    client,
    {
      pageSize: config.MISP_PAGE_SIZE,
      enforceWarninglist: config.MISP_ENFORCE_WARNINGLIST,
      includeDecayScore: config.MISP_INCLUDE_DECAY_SCORE || config.MISP_EXCLUDE_DECAYED || config.MISP_DECAY_SCORE_THRESHOLD !== undefined,
      selection: selection.selection.searchFilter(),
      retries: config.MISP_RETRIES,
      retryBaseMs: config.MISP_RETRY_BASE,
      retryMaxMs: config.MISP_RETRY_MAX,
    },
    {
      onError: (error, attempt, willRetry) => {
        metrics.mispError(errorCode(error));
        log.warn(willRetry ? 'MISP request failed; retrying' : 'MISP request failed', { stage: 'fetch', error, attempt });
      },
      onInvalid: (page, invalid) => {
        metrics.attributeSkipped(MISP_SOURCE, 'fetch', 'invalid', invalid.length);
        invalidLog.maybe((suppressed) => log.warn('MISP returned attributes that cannot be used; skipped', { stage: 'fetch', reason: 'invalid', page, count: invalid.length, first: invalid[0], suppressed }));
      },
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
    },
  );
}

function feedSource(config: MispSyncConfig, client: FeedClient, metrics: SyncMetrics, log: PipelineLogger): FeedSource {
  const source = feedSourceName(config) ?? 'feed:unnamed';
  const skippedLog = new RateLimitedLog(10_000);
  return new FeedSource(
    client,
    {
      format: config.FEED_FORMAT,
      rules: { feedTagPattern: config.MISP_FEED_TAG_PATTERN, defaultFeed: config.MISP_DEFAULT_FEED, toIdsOnly: config.MISP_TO_IDS_ONLY, source, ...(config.FEED_NAME === undefined ? {} : { fixedFeed: config.FEED_NAME }) },
      feedName: config.FEED_NAME ?? source,
      csvColumn: config.FEED_CSV_COLUMN,
      valueType: config.FEED_VALUE_TYPE,
      fullReadEvery: config.FEED_FULL_READ_EVERY,
      pageSize: config.MISP_PAGE_SIZE,
      concurrency: config.FEED_CONCURRENCY,
      retries: config.MISP_RETRIES,
      retryBaseMs: config.MISP_RETRY_BASE,
      retryMaxMs: config.MISP_RETRY_MAX,
    },
    {
      onError: (error, attempt, willRetry) => {
        metrics.feedError(errorCode(error));
        log.warn(willRetry ? 'feed read failed; retrying' : 'feed read failed', { stage: 'fetch', feed: source, error, attempt });
      },
      onSkipped: (file, count, first) => {
        metrics.attributeSkipped(source, 'fetch', 'invalid', count);
        skippedLog.maybe((suppressed) => log.warn('feed entries that are no usable indicator; skipped', { stage: 'fetch', reason: 'invalid', feed: source, file, count, first, suppressed }));
      },
      onEventSkipped: (file, error) => {
        metrics.attributeSkipped(source, 'fetch', 'event_file');
        skippedLog.maybe((suppressed) => log.warn('feed event file skipped; its attributes stay as they were and it is read again next poll', { stage: 'fetch', reason: 'event_file', feed: source, file, error, suppressed }));
      },
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
    },
  );
}

/** Topics exist (compacted) and every client answers, before the first run. */
export async function openMispSync(config: MispSyncConfig, clients: MispSyncClients): Promise<void> {
  await clients.memcached.connect();
  await IndicatorChangesSink.ensureTopic(clients.admin, config.IOC_TOPIC, config.IOC_TOPIC_PARTITIONS);
  await SyncStateStore.ensureTopic(clients.admin, syncStateTopic(config));
  await clients.producer.connect();
}

/** Closes what `openMispSync` opened, after the runner stopped. */
export async function closeMispSync(clients: MispSyncClients): Promise<void> {
  clients.misp?.close();
  clients.feed?.close();
  await clients.producer.disconnect().catch(() => undefined);
  await clients.admin.disconnect().catch(() => undefined);
  await clients.reader.stop().catch(() => undefined);
  await clients.memcached.close();
}

/**
 * misp-sync's composition root, framework-free (bootService in @iocflow/nest runs it):
 * start: memcached connection → topics (IOC topic and sync-state, compacted, created when missing)
 *        → producer → (daemon) state restored from the topics, then one loop per source (MISP,
 *        feed) and, after the first run, the live-notifications consumer; `--once` stops after
 *        the opening and `runOnce` restores and runs every source once; then, with
 *        MISP_SIGHTINGS_ENABLED, the hits → sightings consumer (sightings/misp-sightings.ts);
 * stop:  sightings consumer stopped, loops end after their current run, notifications consumer stopped (commit, leave the
 *        group) → MISP/feed clients, producer, admin, reader, memcached closed.
 * Health: ready once the state is restored; live while the notifications consumer (if any) has
 * not stopped for good. A sync loop that throws is a bug: the unhandled rejection ends the process.
 */
export class MispSyncRuntime implements ServiceRuntime {
  readonly built: MispSync;
  /** The hits → MISP sightings consumer (MISP_SIGHTINGS_ENABLED). */
  private readonly sightings: MispSightings | undefined;

  constructor(
    private readonly config: MispSyncConfig,
    context: ServiceContext,
    private readonly once = false,
  ) {
    this.built = buildMispSync(config, context.logger, context.registry, context.stoppedForGood);
    const runner = this.built.runner;
    context.readiness.register({ name: 'misp-sync', check: () => ({ ready: runner.isRestored, detail: runner.isRestored ? 'state restored' : 'restoring state from Kafka' }) });
    // Liveness only: the consumer starts after the first run, which may take minutes.
    this.built.notifications?.register(context.liveness);
    const { misp, producer, admin } = this.built.clients;
    if (config.MISP_SIGHTINGS_ENABLED && misp !== undefined) {
      this.sightings = new MispSightings(config, { misp, producer, admin }, context.logger, context.registry, context.stoppedForGood);
      this.sightings.health.register(context.liveness);
    }
  }

  async start(): Promise<void> {
    await openMispSync(this.config, this.built.clients);
    if (!this.once) await this.built.runner.start();
    if (!this.once) await this.sightings?.start();
  }

  runOnce(): Promise<boolean> {
    return this.built.runner.runOnce();
  }

  async stop(): Promise<void> {
    await this.sightings?.stop();
    await this.built.runner.stop();
    await closeMispSync(this.built.clients);
  }
}
