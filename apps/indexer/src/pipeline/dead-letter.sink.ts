import type { BulkDocument, BulkItemVerdict, RecordCoordinates } from '@iocflow/core';
import type { KafkaConsumedMessage } from '@iocflow/io';
import { RateLimitedLog } from '@iocflow/nest';
import type { BatchSettlement } from './batch-settlement';
import { deadLetterRecord, type DeadLetterReason } from './dead-letter-record';
import type { IndexerMetrics } from './indexer.metrics';
import type { DeadLetterProducer, PipelineLogger } from './indexer-ports';

/** One record the indexer gives up on, why, and the batch it must settle. */
export interface DeadLetter {
  readonly reason: DeadLetterReason;
  readonly coordinates: RecordCoordinates;
  readonly message: KafkaConsumedMessage;
  readonly errorType: string;
  readonly errorReason: string;
  readonly verdict?: BulkItemVerdict;
  readonly document?: BulkDocument;
  /** Absent for unindexable records: their batch waits on the dead-letter send directly. */
  readonly settlement?: BatchSettlement;
}

export interface DeadLetterSinkOptions {
  readonly topic: string;
  /** Longest dead-letter value (DEAD_LETTER_MAX_BYTES); a longer one is cut, with headers saying so. */
  readonly maxValueBytes?: number;
}

export interface DeadLetterSinkDependencies {
  readonly producer: DeadLetterProducer;
  readonly metrics: Pick<IndexerMetrics, 'deadLettered'>;
  readonly logger: PipelineLogger;
  readonly now: () => number;
  /** Runs the send until the brokers acknowledge it, backing off between attempts (the pipeline's; only shutdown interrupts it). */
  readonly untilDone: <T>(what: string, action: () => Promise<T>) => Promise<T>;
}

/**
 * Stage 7 of the indexer: records Elasticsearch will never accept go to the dead-letter topic,
 * each with the error and its enriched-logs coordinates, and count as settled only once Kafka
 * acknowledged them — so a batch is committed only when every record of it is either indexed or
 * safely dead-lettered. One warning per 10 s however many (hostile input must not flood the log).
 */
export class DeadLetterSink {
  private readonly log: RateLimitedLog;

  constructor(
    private readonly options: DeadLetterSinkOptions,
    private readonly deps: DeadLetterSinkDependencies,
  ) {
    this.log = new RateLimitedLog(10_000, deps.now);
  }

  async send(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const atMs = this.deps.now();
    const records = letters.map((letter) =>
      deadLetterRecord({
        deadLetterTopic: this.options.topic,
        reason: letter.reason,
        errorType: letter.errorType,
        errorReason: letter.errorReason,
        status: letter.verdict?.status,
        causeType: letter.verdict?.causeType,
        index: letter.document?.index,
        id: letter.document?.id,
        source: letter.coordinates,
        key: letter.message.key,
        value: letter.message.value,
        headers: letter.message.headers,
        atMs,
        ...(this.options.maxValueBytes === undefined ? {} : { maxValueBytes: this.options.maxValueBytes }),
      }),
    );
    await this.deps.untilDone('produce to the dead-letter topic', () => this.deps.producer.send(records));
    for (const letter of letters) {
      this.deps.metrics.deadLettered.inc({ reason: letter.reason });
      letter.settlement?.settle(1);
    }
    const first = letters[0] as DeadLetter;
    this.log.maybe((suppressed) =>
      this.deps.logger.warn('records dead-lettered', { count: letters.length, reason: first.reason, errorType: first.errorType, detail: first.errorReason.slice(0, 200), ...first.coordinates, suppressed }),
    );
  }
}
