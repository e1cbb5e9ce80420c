/**
 * The dead-letter record for one event Elasticsearch will never accept: the original key and
 * value bytes unchanged (so the record can be fixed and replayed to the source topic), the
 * original headers, and `iocflow.dlq.*` headers saying why and where it came from:
 *
 *   iocflow.dlq.reason          unindexable | rejected | request_rejected
 *   iocflow.dlq.error.type      e.g. document_parsing_exception, not_json
 *   iocflow.dlq.error.reason    Elasticsearch's reason (truncated) or the parse error
 *   iocflow.dlq.error.status    the item's HTTP status (absent for unindexable records)
 *   iocflow.dlq.error.cause     the innermost caused_by type, when Elasticsearch gave one
 *   iocflow.dlq.index / .id     where the document would have gone
 *   iocflow.source.topic / .partition / .offset   the enriched-logs coordinates
 *   iocflow.dlq.at              ISO-8601 time the record was dead-lettered
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
}

export interface DeadLetterRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer | string>>;
}

export function deadLetterRecord(input: DeadLetterInput): DeadLetterRecord {
  const headers: Record<string, Buffer | string> = { ...input.headers };
  headers['iocflow.dlq.reason'] = input.reason;
  headers['iocflow.dlq.error.type'] = input.errorType;
  headers['iocflow.dlq.error.reason'] = input.errorReason;
  if (input.status !== undefined) headers['iocflow.dlq.error.status'] = String(input.status);
  if (input.causeType !== undefined) headers['iocflow.dlq.error.cause'] = input.causeType;
  if (input.index !== undefined) headers['iocflow.dlq.index'] = input.index;
  if (input.id !== undefined) headers['iocflow.dlq.id'] = input.id;
  headers['iocflow.source.topic'] = input.source.topic;
  headers['iocflow.source.partition'] = String(input.source.partition);
  headers['iocflow.source.offset'] = input.source.offset;
  headers['iocflow.dlq.at'] = new Date(input.atMs).toISOString();
  return { topic: input.deadLetterTopic, key: input.key, value: input.value, headers };
}
