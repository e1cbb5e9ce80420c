import type { BulkResponseItem } from '@iocflow/core';
import type { DataStreamState } from '@iocflow/io';

/**
 * What the pipeline needs from the outside, no more. The io owners (`KafkaBatchConsumer`,
 * `KafkaProducer`, `ElasticsearchClient`) satisfy these structurally; unit specs drive the
 * pipeline through them.
 */
export interface IndexerMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer>>;
  readonly timestamp: string;
}

export interface IndexerBatch {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: string;
  readonly messages: readonly IndexerMessage[];
}

export interface IndexerConsumer {
  /**
   * Hands whole batches to `handler`; commits a batch's offsets only after its handler's promise
   * resolved, and never past an earlier batch of the partition that has not. It may hand over the
   * next batches before that promise settled (KafkaBatchConsumer commitMode `on-acknowledge`).
   */
  run(handler: (batch: IndexerBatch) => Promise<void>): Promise<void>;
  /** Stops fetching, waits for the in-flight handlers (and their commits), leaves the group. */
  stop(): Promise<void>;
}

export interface IndexerProducedRecord {
  readonly topic: string;
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: Readonly<Record<string, Buffer | string>>;
}

export interface DeadLetterProducer {
  /** Resolves once the brokers acknowledged every record. */
  send(records: readonly IndexerProducedRecord[]): Promise<void>;
}

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
