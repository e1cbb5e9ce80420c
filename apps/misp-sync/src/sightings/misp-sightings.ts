import { KafkaBatchConsumer, KafkaTopicReader, type KafkaAdmin, type KafkaProducer, type MispClient } from '@iocflow/io';
import { ConsumerHealth, RateLimitedLog, kafkaConnection, kafkaGroupSettings, type JsonLogger } from '@iocflow/nest';
import type { Registry } from 'prom-client';
import { sightingsStateTopic, type MispSyncConfig } from '../misp-sync.config';
import { SightingsPipeline } from './sightings.pipeline';
import { SightingsMetrics } from './sightings.metrics';
import { SightingsState } from './sightings-state';

/** What the sightings borrow from misp-sync's clients (opened and closed by misp-sync). */
export interface SightingsClients {
  readonly misp: MispClient;
  readonly producer: KafkaProducer;
  readonly admin: KafkaAdmin;
}

/**
 * misp-sync's second consumer (MISP_SIGHTINGS_ENABLED): the hits topic → MISP sightings.
 *
 * start: state topic (compacted, with retention) created when missing → the sightings sent so
 *        far read back from it → the consumer of the hits topic (own group, commits after each
 *        batch's sightings were acknowledged by MISP and recorded);
 * stop:  a held batch is abandoned (uncommitted), the consumer stopped (leaves the group), the
 *        state reader closed. The MISP client and producer are misp-sync's, closed by it after.
 */
export class MispSightings {
  readonly health = new ConsumerHealth('misp-sightings');
  private readonly state: SightingsState;
  private readonly pipeline: SightingsPipeline;
  private readonly consumer: KafkaBatchConsumer;
  private readonly reader: KafkaTopicReader;
  private readonly stateTopic: string;
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: MispSyncConfig,
    private readonly clients: SightingsClients,
    private readonly logger: JsonLogger,
    registry: Registry,
    stoppedForGood: (component: string, error: unknown) => void,
  ) {
    const log = logger.child('sightings');
    const ioLogger = logger.child('io');
    const connection = { ...kafkaConnection(config, 'misp-sync'), logger: ioLogger };
    this.stateTopic = sightingsStateTopic(config);
    this.state = new SightingsState(this.stateTopic, config.MISP_SIGHTINGS_STATE_RETENTION);
    const held = new RateLimitedLog(10_000);
    const skipped = new RateLimitedLog(10_000);
    this.pipeline = new SightingsPipeline(
      {
        source: config.MISP_SIGHTINGS_SOURCE,
        windowMs: config.MISP_SIGHTINGS_WINDOW,
        batchSize: config.MISP_SIGHTINGS_BATCH_SIZE,
        ratePerSecond: config.MISP_SIGHTINGS_RATE,
        retryInitialMs: config.MISP_RETRY_BASE,
        retryMaxMs: config.MISP_RETRY_MAX,
        holdMaxMs: config.MISP_SIGHTINGS_HOLD_MAX,
      },
      clients.misp,
      this.state,
      clients.producer,
      new SightingsMetrics(registry),
      {
        held: (error, attempt) => held.maybe((suppressed) => log.warn('MISP cannot take sightings now; the hits are held and retried', { error, attempt, suppressed })),
        skipped: (reason, detail, values) => skipped.maybe((suppressed) => log.warn('sightings skipped: MISP refused them', { reason, detail, values, suppressed })),
      },
    );
    this.reader = new KafkaTopicReader({ ...connection, groupIdPrefix: 'misp-sync-sightings-state' });
    this.consumer = new KafkaBatchConsumer({
      ...connection,
      ...kafkaGroupSettings(config),
      groupId: config.MISP_SIGHTINGS_GROUP,
      topics: [config.THREAT_HITS_TOPIC],
      fromBeginning: true,
      commitMode: 'after-handler',
      listeners: {
        onGroupJoin: () => this.health.joined(),
        onCrash: (error, restart) => {
          this.health.crashed(error, restart);
          if (!restart) stoppedForGood('misp-sightings', error);
        },
      },
    });
  }

  async start(): Promise<void> {
    const retention = String(this.config.MISP_SIGHTINGS_STATE_RETENTION);
    await this.clients.admin.ensureTopics([{ topic: this.stateTopic, partitions: 1, compacted: true, configEntries: { 'cleanup.policy': 'compact,delete', 'retention.ms': retention } }]);
    const started = performance.now();
    await this.reader.read(this.stateTopic, async (batch) => this.state.restore(batch));
    this.state.prune(Date.now());
    const log = this.logger.child('sightings');
    log.info('sightings state restored', { topic: this.stateTopic, sightings: this.state.size, seconds: Math.round(performance.now() - started) / 1000 });
    this.pruneTimer = setInterval(() => this.state.prune(Date.now()), 600_000);
    this.pruneTimer.unref();
    await this.consumer.run((batch) => this.pipeline.handleBatch(batch));
    log.info('sightings started', { hitsTopic: this.config.THREAT_HITS_TOPIC, group: this.config.MISP_SIGHTINGS_GROUP, windowMs: this.config.MISP_SIGHTINGS_WINDOW, source: this.config.MISP_SIGHTINGS_SOURCE });
  }

  async stop(): Promise<void> {
    if (this.pruneTimer !== undefined) clearInterval(this.pruneTimer);
    this.pipeline.stop();
    await this.consumer.stop().catch(() => undefined);
    await this.reader.stop().catch(() => undefined);
  }
}
