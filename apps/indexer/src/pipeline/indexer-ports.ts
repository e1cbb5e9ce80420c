import type { BulkResponseItem } from '@iocflow/core';
import type { DataStreamState, KafkaBatchConsumerPort, KafkaProducerPort } from '@iocflow/io';

/**
 * What the pipeline needs from the outside, no more. Kafka is io's ports (KafkaConsumedBatch,
 * KafkaConsumedMessage, KafkaProducedRecord), narrowed to the calls the pipeline makes;
 * Elasticsearch and the logger are declared here. The io owners (`KafkaBatchConsumer`,
 * `KafkaProducer`, `ElasticsearchClient`) satisfy them structurally; unit specs drive the
 * pipeline through fakes of them.
 */

/**
 * Hands whole batches to the handler; commits a batch's offsets only after its handler's promise
 * resolved, and never past an earlier batch of the partition that has not. It may hand over the
 * next batches before that promise settled (KafkaBatchConsumer commitMode `on-acknowledge`).
 * `stop` stops fetching, waits for the in-flight handlers (and their commits), leaves the group.
 */
export type IndexerConsumer = Pick<KafkaBatchConsumerPort, 'run' | 'stop'>;

/** `send` resolves once the brokers acknowledged every record. */
export type DeadLetterProducer = Pick<KafkaProducerPort, 'send'>;

export interface BulkIndexer {
  ensureIndexTemplate(name: string, body: Record<string, unknown>): Promise<void>;
  /** Whether the cluster serves data streams and what holds `name` (data-stream mode, at start). */
  dataStream(name: string): Promise<DataStreamState>;
  /** `errors` false means every item succeeded; `items` holds at least status and error per item. */
  bulk(ndjson: Buffer | string): Promise<{ readonly errors: boolean; readonly items: readonly BulkResponseItem[] }>;
}

export interface PipelineLogger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}
