import { ElasticsearchClient, KafkaAdmin, KafkaBatchConsumer, KafkaProducer } from '@iocflow/io';
import { ConsumerHealth, kafkaConnection, kafkaGroupSettings, kafkaProducerSettings, type ServiceContext, type ServiceRuntime } from '@iocflow/nest';
import type { IndexerConfig } from './indexer.config';
import { IndexerMetrics } from './pipeline/indexer.metrics';
import { IndexerPipeline, type IndexerPipelineOptions } from './pipeline/indexer.pipeline';

/**
 * The indexer's composition root, framework-free (bootService in @iocflow/nest runs it). Builds
 * one owner per external system and the pipeline around them, then:
 * start: topics (enriched-logs and its dead-letter topic, created when missing) → dead-letter
 *        producer → pipeline (target check, index template — waiting for Elasticsearch — then the
 *        consumer group);
 * stop:  pipeline (flush partial chunks, finish in-flight bulks, commit, leave the group) →
 *        producer, admin, Elasticsearch closed.
 * Health: live while the consumer has not stopped for good; ready while the pipeline runs and the
 * consumer is in its group.
 */
export class IndexerRuntime implements ServiceRuntime {
  readonly pipeline: IndexerPipeline;
  private readonly elasticsearch: ElasticsearchClient;
  private readonly admin: KafkaAdmin;
  private readonly producer: KafkaProducer;
  private readonly consumerHealth = new ConsumerHealth('kafka-consumer');

  constructor(
    private readonly config: IndexerConfig,
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
    this.admin = new KafkaAdmin(kafkaConnection(config, 'iocflow-indexer-admin', kafkaLog));
    this.producer = new KafkaProducer({ ...kafkaConnection(config, 'iocflow-indexer-dlq', kafkaLog), ...kafkaProducerSettings(config) });
    const consumer = new KafkaBatchConsumer({
      ...kafkaConnection(config, 'iocflow-indexer', kafkaLog),
      ...kafkaGroupSettings(config),
      groupId: config.INDEXER_GROUP_ID,
      topics: [config.ENRICHED_LOGS_TOPIC],
      fromBeginning: true,
      partitionsConsumedConcurrently: config.INDEXER_PARTITIONS_CONCURRENTLY,
      maxBytesPerPartition: config.INDEXER_MAX_BYTES_PER_PARTITION,
      commitMode: config.INDEXER_COMMIT_MODE,
      maxInFlightBatches: config.INDEXER_MAX_IN_FLIGHT_BATCHES,
      // the pipeline abandons unsettled work after INDEXER_SHUTDOWN_TIMEOUT (acknowledgements
      // then fail): the consumer waits a little longer so that decision is the pipeline's
      stopTimeoutMs: config.INDEXER_SHUTDOWN_TIMEOUT + 5000,
      listeners: {
        onGroupJoin: () => this.consumerHealth.joined(),
        onCrash: (error, restart) => {
          this.consumerHealth.crashed(error, restart);
          // A consumer stopped for good ends the process (exit 1, restarted), never a zombie.
          if (!restart) context.stoppedForGood('kafka-consumer', error);
        },
      },
    });
    this.pipeline = new IndexerPipeline(indexerPipelineOptions(config), {
      consumer,
      deadLetters: this.producer,
      elasticsearch: this.elasticsearch,
      metrics: new IndexerMetrics(context.registry),
      logger: context.logger.child('indexer.pipeline'),
    });
    this.consumerHealth.register(context.liveness, context.readiness);
    context.readiness.register({ name: 'indexer-pipeline', check: () => ({ ready: this.pipeline.ready, detail: this.pipeline.ready ? 'consuming' : 'not started' }) });
  }

  async start(): Promise<void> {
    await this.admin.ensureTopics([
      { topic: this.config.ENRICHED_LOGS_TOPIC, partitions: this.config.ENRICHED_LOGS_PARTITIONS },
      { topic: this.config.deadLetterTopic, partitions: this.config.DEAD_LETTER_PARTITIONS },
    ]);
    await this.producer.connect();
    await this.pipeline.start();
  }

  async stop(): Promise<void> {
    await this.pipeline.stop();
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect(), this.elasticsearch.close()]);
  }
}

export function indexerPipelineOptions(config: IndexerConfig): IndexerPipelineOptions {
  return {
    target: config.indexTarget,
    idField: config.ELASTICSEARCH_ID_FIELD || undefined,
    maxDepth: config.INDEXER_MAX_DEPTH,
    deadLetterTopic: config.deadLetterTopic,
    deadLetterMaxBytes: config.DEAD_LETTER_MAX_BYTES,
    bulkMaxDocuments: config.INDEXER_BULK_MAX_DOCS,
    bulkMaxBytes: config.INDEXER_BULK_MAX_BYTES,
    bulkLingerMs: config.INDEXER_BULK_LINGER,
    bulkConcurrency: config.INDEXER_BULK_CONCURRENCY,
    retryInitialMs: config.INDEXER_RETRY_INITIAL,
    retryMaxMs: config.INDEXER_RETRY_MAX,
    holdMaxMs: config.INDEXER_HOLD_MAX,
    shutdownTimeoutMs: config.INDEXER_SHUTDOWN_TIMEOUT,
    numberOfShards: config.ELASTICSEARCH_SHARDS,
    numberOfReplicas: config.ELASTICSEARCH_REPLICAS,
  };
}
