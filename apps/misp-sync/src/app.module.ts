import { Inject, Injectable, Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { KafkaAdmin, KafkaBatchConsumer, KafkaProducer, KafkaTopicReader, MemcachedClient, MispClient } from '@iocflow/io';
import { JsonLogger, ReadinessRegistry, ServiceCoreModule } from '@iocflow/nest';
import { Registry } from 'prom-client';
import { kafkaConnection, syncStateTopic, type MispSyncConfig } from './misp-sync.config';
import { IndicatorChangesSink } from './sync/indicator-changes.sink';
import { IndicatorStoreSink } from './sync/indicator-store.sink';
import { MispNotificationsSource } from './sync/misp-notifications.source';
import { MispSource } from './sync/misp.source';
import { SyncPipeline } from './sync/sync.pipeline';
import { SyncMetrics } from './sync/sync.metrics';
import { SyncRunner, type RunnerTask } from './sync/sync.runner';
import { SyncStateStore } from './sync/sync-state.store';

export const MISP_SYNC_CONFIG = Symbol('MISP_SYNC_CONFIG');
export const RUN_ONCE = Symbol('RUN_ONCE');

/** Every client misp-sync owns, opened at boot and closed at shutdown by `MispSyncLifecycle`. */
export interface MispSyncClients {
  readonly memcached: MemcachedClient;
  readonly producer: KafkaProducer;
  readonly admin: KafkaAdmin;
  readonly reader: KafkaTopicReader;
  readonly misp: MispClient;
}

export const MISP_SYNC_CLIENTS = Symbol('MISP_SYNC_CLIENTS');

/**
 * Builds the pipeline from the validated config: one owner per external system, the sinks and
 * sources around them, the runner. Plain constructors, no decorators below this file: the sync
 * code does not depend on NestJS.
 */
export interface MispSync {
  readonly clients: MispSyncClients;
  readonly pipeline: SyncPipeline;
  readonly runner: SyncRunner;
}

export function buildMispSync(config: MispSyncConfig, logger: JsonLogger, registry: Registry): MispSync {
  if (config.MISP_URL === undefined || config.MISP_API_KEY === undefined) throw new Error('misp-sync: only the MISP server source is wired in this build; set MISP_URL and MISP_API_KEY');
  const log = logger.child('sync');
  const ioLogger = logger.child('io');
  const clients: MispSyncClients = {
    memcached: new MemcachedClient({ servers: config.MEMCACHED_SERVERS, requestTimeoutMs: config.MEMCACHED_TIMEOUT }),
    producer: new KafkaProducer({ ...kafkaConnection(config, 'misp-sync'), logger: ioLogger }),
    admin: new KafkaAdmin({ ...kafkaConnection(config, 'misp-sync'), logger: ioLogger }),
    reader: new KafkaTopicReader({ ...kafkaConnection(config, 'misp-sync'), logger: ioLogger }),
    misp: new MispClient({
      url: config.MISP_URL,
      apiKey: config.MISP_API_KEY,
      timeoutMs: config.MISP_TIMEOUT,
      rejectUnauthorized: config.MISP_TLS_REJECT_UNAUTHORIZED,
      ...(config.MISP_CA_FILE === undefined ? {} : { caFile: config.MISP_CA_FILE }),
    }),
  };
  const metrics = new SyncMetrics(registry);
  const source = new MispSource(
    clients.misp,
    { pageSize: config.MISP_PAGE_SIZE, enforceWarninglist: config.MISP_ENFORCE_WARNINGLIST, retries: config.MISP_RETRIES, retryBaseMs: config.MISP_RETRY_BASE, retryMaxMs: config.MISP_RETRY_MAX },
    {
      onError: (error, attempt, willRetry) => {
        metrics.mispError(typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'UNKNOWN');
        log.warn(willRetry ? 'MISP request failed; retrying' : 'MISP request failed', { error, attempt });
      },
      onInvalid: (page, invalid) => log.warn('MISP returned attributes that cannot be used; skipped', { page, count: invalid.length, first: invalid[0] }),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
    },
  );
  const pipeline = new SyncPipeline(
    {
      source,
      store: new IndicatorStoreSink(clients.memcached, config.MISP_SEED_COMPAT_KEYS),
      changes: new IndicatorChangesSink(clients.producer, config.IOC_TOPIC),
      syncState: new SyncStateStore(clients.reader, clients.producer, config.IOC_TOPIC, syncStateTopic(config), log),
      metrics,
      logger: log,
      now: Date.now,
    },
    {
      feedRules: { feedTagPattern: config.MISP_FEED_TAG_PATTERN, defaultFeed: config.MISP_DEFAULT_FEED },
      lookbackMs: config.MISP_INITIAL_LOOKBACK,
      fullSyncIntervalMs: config.MISP_FULL_SYNC_INTERVAL,
      clockSkewMarginSec: Math.round(config.MISP_CLOCK_SKEW_MARGIN / 1000),
      progressIntervalMs: config.SYNC_PROGRESS_INTERVAL,
      seedCompat: config.MISP_SEED_COMPAT_KEYS,
    },
  );
  const tasks: RunnerTask[] = [];
  if (config.MISP_NOTIFICATIONS_TOPIC !== undefined) {
    const consumer = new KafkaBatchConsumer({
      ...kafkaConnection(config, 'misp-sync'),
      ...(config.MISP_NOTIFICATIONS_BROKERS === undefined ? {} : { brokers: config.MISP_NOTIFICATIONS_BROKERS }),
      groupId: config.MISP_NOTIFICATIONS_GROUP,
      topics: [config.MISP_NOTIFICATIONS_TOPIC],
      logger: ioLogger,
    });
    tasks.push(new MispNotificationsSource(consumer, (uuids) => pipeline.refresh(uuids), logger.child('notifications')));
  }
  const runner = new SyncRunner(pipeline, tasks, { pollIntervalMs: config.MISP_POLL_INTERVAL }, log);
  return { clients, pipeline, runner };
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
  clients.misp.close();
  await clients.producer.disconnect().catch(() => undefined);
  await clients.admin.disconnect().catch(() => undefined);
  await clients.reader.stop().catch(() => undefined);
  await clients.memcached.close();
}

/** Opens the clients and starts the daemon loop (unless `--once`); reverses it all on shutdown. */
@Injectable()
export class MispSyncLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(MISP_SYNC_CONFIG) private readonly config: MispSyncConfig,
    @Inject(MISP_SYNC_CLIENTS) private readonly clients: MispSyncClients,
    @Inject(SyncRunner) private readonly runner: SyncRunner,
    @Inject(RUN_ONCE) private readonly once: boolean,
    @Inject(ReadinessRegistry) readiness: ReadinessRegistry,
  ) {
    readiness.register({ name: 'misp-sync', check: () => ({ ready: this.runner.isRestored, detail: this.runner.isRestored ? 'state restored' : 'restoring state from Kafka' }) });
  }

  async open(): Promise<void> {
    await openMispSync(this.config, this.clients);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.once) return;
    await this.open();
    await this.runner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    await closeMispSync(this.clients);
  }
}

@Module({})
export class AppModule {
  static forRoot(config: MispSyncConfig, once: boolean): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceCoreModule.forRoot({ service: 'misp-sync', logLevel: config.LOG_LEVEL, httpHost: config.HTTP_HOST, httpPort: config.HTTP_PORT })],
      providers: [
        { provide: MISP_SYNC_CONFIG, useValue: config },
        { provide: RUN_ONCE, useValue: once },
        {
          provide: 'MISP_SYNC_BUILD',
          inject: [JsonLogger, Registry],
          useFactory: (logger: JsonLogger, registry: Registry) => buildMispSync(config, logger, registry),
        },
        { provide: MISP_SYNC_CLIENTS, inject: ['MISP_SYNC_BUILD'], useFactory: (built: ReturnType<typeof buildMispSync>) => built.clients },
        { provide: SyncRunner, inject: ['MISP_SYNC_BUILD'], useFactory: (built: ReturnType<typeof buildMispSync>) => built.runner },
        MispSyncLifecycle,
      ],
    };
  }
}
