import type { BulkResponseItem } from '@iocflow/core';
import type { KafkaBatchConsumerPort, KafkaProducerPort } from '@iocflow/io';

/**
 * What the hunter pipeline needs from the outside, no more; the io owners (`KafkaBatchConsumer`,
 * `KafkaProducer`, `ElasticsearchClient`) satisfy these structurally, unit specs drive the
 * pipeline through fakes.
 */

/** Commits a batch's offsets only after its handler resolved (commit mode after-handler). */
export type HunterConsumer = Pick<KafkaBatchConsumerPort, 'run' | 'stop'>;

/** `send` resolves once the brokers acknowledged every record. */
export type HitProducer = Pick<KafkaProducerPort, 'send'>;

export interface HuntElasticsearch {
  ensureIndexTemplate(name: string, body: Record<string, unknown>): Promise<void>;
  search<T>(index: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<T>;
  bulk(ndjson: Buffer | string): Promise<{ readonly errors: boolean; readonly items: readonly BulkResponseItem[] }>;
}

export interface PipelineLogger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}
