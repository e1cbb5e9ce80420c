import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Why documents were sent again. */
export type RetryCause = 'item_throttled' | 'item_unavailable' | 'item_blocked' | 'request_failed';

/**
 * The indexer's metrics. Label sets are fixed and bounded: stages and causes are closed sets,
 * partitions are bounded by the topic's partition count.
 */
export class IndexerMetrics {
  readonly received: Counter<'topic'>;
  readonly indexed: Counter;
  readonly duplicates: Counter;
  readonly retried: Counter<'cause'>;
  readonly deadLettered: Counter<'stage' | 'reason'>;
  readonly bulkLatency: Histogram<'outcome'>;
  readonly bulkDocuments: Histogram;
  readonly bulkBytes: Histogram;
  readonly consumerLag: Gauge<'topic' | 'partition'>;
  readonly inFlightBulks: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.received = new Counter({ name: 'iocflow_indexer_received_events_total', help: 'Records read from the enriched-logs topic.', labelNames: ['topic'], registers });
    this.indexed = new Counter({ name: 'iocflow_indexer_indexed_documents_total', help: 'Documents Elasticsearch acknowledged (created or updated).', registers });
    this.duplicates = new Counter({
      name: 'iocflow_indexer_duplicate_documents_total',
      help: 'Documents already indexed: a create answered 409 for their deterministic _id (a replay into a data stream). Done, like indexed.',
      registers,
    });
    this.retried = new Counter({
      name: 'iocflow_indexer_retried_documents_total',
      help: 'Documents sent again after a retriable failure (item 429/5xx/block, or the whole request failed).',
      labelNames: ['cause'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'iocflow_indexer_dead_lettered_documents_total',
      help: 'Records written to the dead-letter topic, by the stage that gave them up and reason (prepare: unindexable, bulk: request_rejected, classify: rejected).',
      labelNames: ['stage', 'reason'],
      registers,
    });
    this.bulkLatency = new Histogram({
      name: 'iocflow_indexer_bulk_duration_seconds',
      help: 'Time of one _bulk request, by outcome (ok: the request returned, failed: it did not).',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.bulkDocuments = new Histogram({ name: 'iocflow_indexer_bulk_documents', help: 'Documents per _bulk request.', buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000], registers });
    this.bulkBytes = new Histogram({
      name: 'iocflow_indexer_bulk_bytes',
      help: 'Body size of one _bulk request.',
      buckets: [1024, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'iocflow_indexer_consumer_lag',
      help: 'Records behind the high-watermark after the last batch handled, per partition.',
      labelNames: ['topic', 'partition'],
      registers,
    });
    this.inFlightBulks = new Gauge({ name: 'iocflow_indexer_in_flight_bulks', help: '_bulk requests in flight (retries included).', registers });
  }
}
