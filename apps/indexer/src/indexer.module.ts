import { Inject, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ElasticsearchClient, KafkaAdmin, KafkaBatchConsumer, KafkaProducer } from '@iocflow/io';
import { JsonLogger, LivenessRegistry, ReadinessRegistry, ServiceExit, kafkaConnection } from '@iocflow/nest';
import { Registry } from 'prom-client';
import { INDEXER_CONFIG } from './indexer.tokens';
import type { IndexerConfig } from './indexer.config';
import { IndexerMetrics } from './pipeline/indexer.metrics';
import { IndexerPipeline } from './pipeline/indexer.pipeline';

/**
 * Adapts the plain IndexerPipeline to Nest: builds the owners from the config, starts after the
 * application is bootstrapped and stops (drain, commit, leave the group) before shutdown.
 */
class IndexerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(IndexerPipeline) private readonly pipeline: IndexerPipeline,
    @Inject(KafkaAdmin) private readonly admin: KafkaAdmin,
    @Inject(KafkaProducer) private readonly producer: KafkaProducer,
    @Inject(ElasticsearchClient) private readonly elasticsearch: ElasticsearchClient,
    @Inject(INDEXER_CONFIG) private readonly config: IndexerConfig,
    @Inject(ReadinessRegistry) readiness: ReadinessRegistry,
  ) {
    readiness.register({ name: 'indexer-pipeline', check: () => ({ ready: this.pipeline.ready, detail: this.pipeline.ready ? 'consuming' : 'not started' }) });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.admin.ensureTopics([
      { topic: this.config.ENRICHED_LOGS_TOPIC, partitions: this.config.ENRICHED_LOGS_PARTITIONS },
      { topic: this.config.deadLetterTopic, partitions: this.config.DEAD_LETTER_PARTITIONS },
    ]);
    await this.producer.connect();
    await this.pipeline.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.pipeline.stop();
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect(), this.elasticsearch.close()]);
  }
}

@Module({
  providers: [
    {
      provide: ElasticsearchClient,
      inject: [INDEXER_CONFIG],
      useFactory: (config: IndexerConfig) =>
        new ElasticsearchClient({
          url: config.ELASTICSEARCH_URL,
          apiKey: config.ELASTICSEARCH_API_KEY,
          username: config.ELASTICSEARCH_USERNAME,
          password: config.ELASTICSEARCH_PASSWORD,
          caFile: config.ELASTICSEARCH_CA_FILE,
          rejectUnauthorized: config.ELASTICSEARCH_TLS_REJECT_UNAUTHORIZED,
          requestTimeoutMs: config.ELASTICSEARCH_REQUEST_TIMEOUT,
        }),
    },
    {
      provide: KafkaAdmin,
      inject: [INDEXER_CONFIG, JsonLogger],
      useFactory: (config: IndexerConfig, logger: JsonLogger) => new KafkaAdmin(kafkaConnection(config, 'iocflow-indexer-admin', logger.child('kafka'))),
    },
    {
      provide: KafkaProducer,
      inject: [INDEXER_CONFIG, JsonLogger],
      useFactory: (config: IndexerConfig, logger: JsonLogger) => new KafkaProducer(kafkaConnection(config, 'iocflow-indexer-dlq', logger.child('kafka'))),
    },
    {
      provide: KafkaBatchConsumer,
      inject: [INDEXER_CONFIG, JsonLogger, LivenessRegistry, ServiceExit],
      useFactory: (config: IndexerConfig, logger: JsonLogger, liveness: LivenessRegistry, exit: ServiceExit) => {
        const consumer = new KafkaBatchConsumer({
          ...kafkaConnection(config, 'iocflow-indexer', logger.child('kafka')),
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
          // A consumer stopped for good ends the process (exit 1, restarted), never a zombie.
          listeners: { onCrash: (error, restart) => (restart ? undefined : exit.fail('kafka-consumer', error)) },
        });
        // Until the process has exited, a consumer stopped for good (non-retriable error) fails liveness.
        liveness.register({ name: 'kafka-consumer', check: () => (consumer.crashed === undefined ? { live: true } : { live: false, detail: consumer.crashed.message }) });
        return consumer;
      },
    },
    {
      provide: IndexerPipeline,
      inject: [INDEXER_CONFIG, KafkaBatchConsumer, KafkaProducer, ElasticsearchClient, Registry, JsonLogger],
      useFactory: (
        config: IndexerConfig,
        consumer: KafkaBatchConsumer,
        deadLetters: KafkaProducer,
        elasticsearch: ElasticsearchClient,
        registry: Registry,
        logger: JsonLogger,
      ) => new IndexerPipeline(indexerPipelineOptions(config), { consumer, deadLetters, elasticsearch, metrics: new IndexerMetrics(registry), logger: logger.child('indexer.pipeline') }),
    },
    IndexerLifecycle,
  ],
})
export class IndexerModule {}

export function indexerPipelineOptions(config: IndexerConfig) {
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
