import { capDeadLetterEnvelope, capDeadLetterValue, DEFAULT_DEAD_LETTER_MAX_BYTES } from './dead-letter-value';
import { DEAD_LETTER_HEADERS, sourceHeaders, type RecordOrigin } from './record-headers';

export interface DeadLetterInput {
  /** The dead-letter topic. */
  readonly topic: string;
  /** Where the rejected record was read: raw-logs for the enricher, enriched-logs for the indexer. */
  readonly source: RecordOrigin;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer | string>>;
  /** A code from the service's closed set (the enricher's DEAD_LETTER_REASONS, the indexer's). */
  readonly reason: string;
  /** The pipeline stage that rejected the record, from the service's closed set of stage names (ENRICHER_STAGES, INDEXER_STAGES). */
  readonly stage: string;
  /** A short human-readable detail; never the record's content. */
  readonly message: string;
  /** The stage's own headers (the indexer's `iocflow.dlq.error.*`, index and id; the enricher's origin). */
  readonly details?: Readonly<Record<string, string>>;
  /** When the record was dead-lettered, milliseconds since the epoch. */
  readonly atMs: number;
  /** Longest value kept (DEAD_LETTER_MAX_BYTES); default 900 KiB, below the broker's 1 MiB default. */
  readonly maxValueBytes?: number;
}

export interface DeadLetterRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer | string>>;
}

/**
 * The dead letter of one record a stage refuses, the same envelope for every stage: the original
 * key, value and headers (so the record can be fixed and produced back to its source topic), cut
 * only where the dead-letter topic would refuse them (capDeadLetterEnvelope, capDeadLetterValue),
 * plus the envelope headers (names: DEAD_LETTER_HEADERS, SOURCE_HEADERS):
 *
 *   iocflow.dlq.reason                     the reason code
 *   iocflow.dlq.stage                      the stage that rejected it (parse, prepare, bulk…)
 *   iocflow.dlq.message                    the human-readable detail
 *   iocflow.source.topic/.partition/.offset where the record was read
 *   iocflow.dlq.at                         ISO-8601 time it was dead-lettered
 *   iocflow.dlq.truncated / .sha256        only when the value was cut: original length, SHA-256
 *   iocflow.dlq.key.truncated / .headers.dropped   only when the key or the headers were too large
 *
 * and the stage's `details`. iocflow's own headers win over an original header of the same name
 * (a producer cannot forge the reason).
 */
export function deadLetterRecord(input: DeadLetterInput): DeadLetterRecord {
  const envelope = capDeadLetterEnvelope(input.key, input.headers);
  const capped = capDeadLetterValue(input.value, input.maxValueBytes ?? DEFAULT_DEAD_LETTER_MAX_BYTES);
  return {
    topic: input.topic,
    key: envelope.key,
    value: capped.value,
    headers: {
      ...envelope.headers,
      ...envelope.notes,
      [DEAD_LETTER_HEADERS.reason]: input.reason,
      [DEAD_LETTER_HEADERS.stage]: input.stage,
      [DEAD_LETTER_HEADERS.message]: input.message,
      ...input.details,
      ...sourceHeaders(input.source),
      [DEAD_LETTER_HEADERS.at]: new Date(input.atMs).toISOString(),
      ...capped.headers,
    },
  };
}
