import { ElasticsearchClient, KafkaAdmin, KafkaBatchConsumer, KafkaProducer } from '@iocflow/io';
import { ConsumerHealth, kafkaConnection, kafkaGroupSettings, kafkaProducerSettings, type ServiceContext, type ServiceRuntime } from '@iocflow/nest';
import type { HunterConfig } from './hunter.config';
import { HunterMetrics } from './pipeline/hunter.metrics';
import { HunterPipeline, type HunterPipelineOptions } from './pipeline/hunter.pipeline';

/**
 * The hunter's composition root, framework-free (bootService in @iocflow/nest runs it). One owner
 * per external system and the pipeline around them:
 * start: hits topic (created when missing) → producer → pipeline (alerts template — waiting for
 *        Elasticsearch — then the consumer group on the indicator topic);
 * stop:  pipeline (the batch in hand finishes or is abandoned uncommitted, commit, leave the
 *        group) → producer, admin, Elasticsearch closed.
 * Health: live while the consumer has not stopped for good; ready while the pipeline runs and the
 * consumer is in its group.
 */
export class HunterRuntime implements ServiceRuntime {
  readonly pipeline: HunterPipeline;
  private readonly elasticsearch: ElasticsearchClient;
  private readonly admin: KafkaAdmin;
  private readonly producer: KafkaProducer;
  private readonly consumerHealth = new ConsumerHealth('kafka-consumer');

  constructor(
    private readonly config: HunterConfig,
    context: ServiceContext,
  ) {
    const kafkaLog = context.logger.child('kafka');
    this.elasticsearch = new ElasticsearchClient({
      url: config.ELASTICSEARCH_URL,
      apiKey: config.ELASTICSEARCH_API_KEY,
      username: config.ELASTICSEARCH_USERNAME,
      password: config.ELASTICSEARCH_PASSWORD,
      caFile: config.ELASTICSEARCH_CA_FILE,
      rejectUnauthorized: config.ELASTICSEARCH_TLS_REJECT_UNAUTHORIZED,
      requestTimeoutMs: config.ELASTICSEARCH_REQUEST_TIMEOUT,
    });
    this.admin = new KafkaAdmin(kafkaConnection(config, 'iocflow-hunter-admin', kafkaLog));
    this.producer = new KafkaProducer({ ...kafkaConnection(config, 'iocflow-hunter-hits', kafkaLog), ...kafkaProducerSettings(config) });
    const consumer = new KafkaBatchConsumer({
      ...kafkaConnection(config, 'iocflow-hunter', kafkaLog),
      ...kafkaGroupSettings(config),
      groupId: config.HUNTER_GROUP_ID,
      topics: [config.IOC_TOPIC],
      fromBeginning: config.RETRO_HUNT_START === 'earliest',
      // one batch at a time, committed after its searches (resumable: a restart hunts it again)
      partitionsConsumedConcurrently: 1,
      commitMode: 'after-handler',
      maxBytesPerPartition: config.RETRO_HUNT_FETCH_MAX_BYTES,
      stopTimeoutMs: config.HUNTER_SHUTDOWN_TIMEOUT + 5000,
      listeners: {
        onGroupJoin: () => this.consumerHealth.joined(),
        onCrash: (error, restart) => {
          this.consumerHealth.crashed(error, restart);
          if (!restart) context.stoppedForGood('kafka-consumer', error);
        },
      },
    });
    this.pipeline = new HunterPipeline(hunterPipelineOptions(config), {
      consumer,
      producer: this.producer,
      elasticsearch: this.elasticsearch,
      metrics: new HunterMetrics(context.registry),
      logger: context.logger.child('hunter.pipeline'),
    });
    this.consumerHealth.register(context.liveness, context.readiness);
    context.readiness.register({ name: 'hunter-pipeline', check: () => ({ ready: this.pipeline.ready, detail: this.pipeline.ready ? 'consuming' : 'not started' }) });
  }

  async start(): Promise<void> {
    await this.admin.ensureTopics([{ topic: this.config.THREAT_HITS_TOPIC, partitions: this.config.THREAT_HITS_PARTITIONS }]);
    await this.producer.connect();
    await this.pipeline.start();
  }

  async stop(): Promise<void> {
    await this.pipeline.stop();
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect(), this.elasticsearch.close()]);
  }
}

export function hunterPipelineOptions(config: HunterConfig): HunterPipelineOptions {
  return {
    logsPattern: config.logsPattern,
    alertsTarget: config.alertsTarget,
    hitsTopic: config.THREAT_HITS_TOPIC,
    rules: config.lookupRules,
    parentDomains: config.ENRICHER_PARENT_DOMAINS,
    windowMs: config.RETRO_HUNT_WINDOW,
    queriesPerSecond: config.RETRO_HUNT_QUERIES_PER_SECOND,
    maxHitsPerIndicator: config.RETRO_HUNT_MAX_HITS_PER_INDICATOR,
    searchDeadlineMs: config.RETRO_HUNT_SEARCH_DEADLINE,
    skipLiveMatched: config.RETRO_HUNT_SKIP_LIVE_MATCHED,
    retryInitialMs: config.HUNTER_RETRY_INITIAL,
    retryMaxMs: config.HUNTER_RETRY_MAX,
    shutdownTimeoutMs: config.HUNTER_SHUTDOWN_TIMEOUT,
    numberOfShards: config.ELASTICSEARCH_SHARDS,
    numberOfReplicas: config.ELASTICSEARCH_REPLICAS,
  };
}
