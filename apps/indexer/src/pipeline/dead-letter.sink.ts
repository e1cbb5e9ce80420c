import { DEAD_LETTER_HEADERS, deadLetterRecord, type BulkDocument, type BulkItemVerdict, type RecordCoordinates } from '@iocflow/core';
import type { KafkaConsumedMessage } from '@iocflow/io';
import { RateLimitedLog } from '@iocflow/nest';
import type { BatchSettlement } from './batch-settlement';
import type { DeadLetterStage, IndexerStage } from './indexer-stage';
import type { IndexerMetrics } from './indexer.metrics';
import type { DeadLetterProducer, PipelineLogger } from './indexer-ports';

/**
 * Why the indexer dead-letters a record (`iocflow.dlq.reason`, the `reason` label of the counter):
 * not indexable at all (not a JSON object, too deep, no usable `@timestamp` for a data stream;
 * stage `prepare`), refused by Elasticsearch item by item (`classify`), or refused as a whole
 * request down to this one document (`bulk`).
 */
export type DeadLetterReason = 'unindexable' | 'rejected' | 'request_rejected';

/** One record the indexer gives up on, why, and the batch it must settle. */
export interface DeadLetter {
  /** The stage that gave the record up (`iocflow.dlq.stage`, the counter's `stage` label, the warning's `stage`). */
  readonly stage: DeadLetterStage;
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
  readonly untilDone: <T>(stage: IndexerStage, what: string, action: () => Promise<T>) => Promise<T>;
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
        topic: this.options.topic,
        source: letter.coordinates,
        key: letter.message.key,
        value: letter.message.value,
        headers: letter.message.headers,
        reason: letter.reason,
        stage: letter.stage,
        message: letter.errorReason.slice(0, MESSAGE_MAX_CHARS),
        details: errorDetails(letter),
        atMs,
        ...(this.options.maxValueBytes === undefined ? {} : { maxValueBytes: this.options.maxValueBytes }),
      }),
    );
    await this.deps.untilDone('dead_letter', 'produce to the dead-letter topic', () => this.deps.producer.send(records));
    for (const letter of letters) {
      this.deps.metrics.deadLettered.inc({ stage: letter.stage, reason: letter.reason });
      letter.settlement?.settle(1);
    }
    const first = letters[0] as DeadLetter;
    this.log.maybe((suppressed) =>
      this.deps.logger.warn('records dead-lettered', { count: letters.length, stage: first.stage, reason: first.reason, errorType: first.errorType, detail: first.errorReason.slice(0, 200), ...first.coordinates, suppressed }),
    );
  }
}

/** `iocflow.dlq.message` is the detail cut short; `iocflow.dlq.error.reason` keeps Elasticsearch's reason whole (it bounds it itself). */
const MESSAGE_MAX_CHARS = 200;

/**
 * The indexer's own dead-letter headers: Elasticsearch's error (type, reason, HTTP status,
 * innermost `caused_by` type) and where the document would have gone (index, id).
 */
function errorDetails(letter: DeadLetter): Record<string, string> {
  const details: Record<string, string> = {
    [DEAD_LETTER_HEADERS.errorType]: letter.errorType,
    [DEAD_LETTER_HEADERS.errorReason]: letter.errorReason,
  };
  if (letter.verdict?.status !== undefined) details[DEAD_LETTER_HEADERS.errorStatus] = String(letter.verdict.status);
  if (letter.verdict?.causeType !== undefined) details[DEAD_LETTER_HEADERS.errorCause] = letter.verdict.causeType;
  if (letter.document?.index !== undefined) details[DEAD_LETTER_HEADERS.index] = letter.document.index;
  if (letter.document?.id !== undefined) details[DEAD_LETTER_HEADERS.id] = letter.document.id;
  return details;
}
