import type { KafkaConsumedBatch } from '@iocflow/io';

/** A batch waited longer than `holdMaxMs`; it is left uncommitted and will be fetched again. */
export class IndexerHoldTimeoutError extends Error {
  readonly code = 'INDEXER_HOLD_TIMEOUT';
  readonly retriable = true;

  constructor(batch: Pick<KafkaConsumedBatch, 'topic' | 'partition'>, holdMaxMs: number) {
    super(`batch ${batch.topic}[${batch.partition}] not acknowledged within ${holdMaxMs} ms; handed back uncommitted`);
    this.name = 'IndexerHoldTimeoutError';
  }
}
