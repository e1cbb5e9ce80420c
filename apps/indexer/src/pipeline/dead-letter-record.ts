import { DEAD_LETTER_HEADERS, DEFAULT_DEAD_LETTER_MAX_BYTES, capDeadLetterEnvelope, capDeadLetterValue, sourceHeaders } from '@iocflow/core';

/**
 * The dead-letter record for one event Elasticsearch will never accept: the original key and
 * value bytes unchanged (so the record can be fixed and replayed to the source topic) unless the
 * value is longer than `maxValueBytes` (then cut, see capDeadLetterValue), the original headers,
 * and `iocflow.dlq.*` headers saying why and where it came from (names: DEAD_LETTER_HEADERS):
 *
 *   iocflow.dlq.reason          unindexable | rejected | request_rejected
 *   iocflow.dlq.error.type      e.g. document_parsing_exception, not_json
 *   iocflow.dlq.error.reason    Elasticsearch's reason (truncated) or the parse error
 *   iocflow.dlq.error.status    the item's HTTP status (absent for unindexable records)
 *   iocflow.dlq.error.cause     the innermost caused_by type, when Elasticsearch gave one
 *   iocflow.dlq.index / .id     where the document would have gone
 *   iocflow.source.topic / .partition / .offset   the enriched-logs coordinates
 *   iocflow.dlq.at              ISO-8601 time the record was dead-lettered
 *   iocflow.dlq.truncated / .sha256   original length and hash, only when the value was cut
 *   iocflow.dlq.key.truncated / .headers.dropped   only when the key or the headers were too large to keep
 */
export type DeadLetterReason = 'unindexable' | 'rejected' | 'request_rejected';

export interface DeadLetterInput {
  readonly deadLetterTopic: string;
  readonly reason: DeadLetterReason;
  readonly errorType: string;
  readonly errorReason: string;
  readonly status?: number;
  readonly causeType?: string;
  readonly index?: string;
  readonly id?: string;
  readonly source: { readonly topic: string; readonly partition: number; readonly offset: string };
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer>>;
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

export function deadLetterRecord(input: DeadLetterInput): DeadLetterRecord {
  // A huge key or headers are cut too (capDeadLetterEnvelope): the dead letter must fit its topic.
  const envelope = capDeadLetterEnvelope(input.key, input.headers);
  const headers: Record<string, Buffer | string> = { ...envelope.headers, ...envelope.notes };
  headers[DEAD_LETTER_HEADERS.reason] = input.reason;
  headers[DEAD_LETTER_HEADERS.errorType] = input.errorType;
  headers[DEAD_LETTER_HEADERS.errorReason] = input.errorReason;
  if (input.status !== undefined) headers[DEAD_LETTER_HEADERS.errorStatus] = String(input.status);
  if (input.causeType !== undefined) headers[DEAD_LETTER_HEADERS.errorCause] = input.causeType;
  if (input.index !== undefined) headers[DEAD_LETTER_HEADERS.index] = input.index;
  if (input.id !== undefined) headers[DEAD_LETTER_HEADERS.id] = input.id;
  Object.assign(headers, sourceHeaders(input.source));
  headers[DEAD_LETTER_HEADERS.at] = new Date(input.atMs).toISOString();
  const capped = capDeadLetterValue(input.value, input.maxValueBytes ?? DEFAULT_DEAD_LETTER_MAX_BYTES);
  Object.assign(headers, capped.headers);
  return { topic: input.deadLetterTopic, key: envelope.key, value: capped.value, headers };
}
