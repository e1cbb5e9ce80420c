/**
 * What to do with one item of a `_bulk` response.
 *
 * - `ok`: Elasticsearch holds the document.
 * - `duplicate`: a `create` action answered 409 `version_conflict_engine_exception`: a document
 *   with this deterministic id already exists, i.e. this event from an earlier delivery (the
 *   data-stream mode sends `create`, the only action data streams take). Done, like `ok`, but
 *   counted apart. The same conflict on any other action (never sent: `index` without version
 *   conditions overwrites) stays `ok`, as before.
 * - `retry`: the cluster could not take the document now; the same request can succeed later.
 *   429 (queue full `es_rejected_execution_exception`, `circuit_breaking_exception`, the
 *   flood-stage disk block), every 5xx (`unavailable_shards_exception`…), and two operator
 *   states that are lifted rather than fixed in the data: a write block (403
 *   `cluster_block_exception`) and a closed index (400 `index_closed_exception`). Retrying these
 *   stalls the partition until the operator acts, which is the point: dead-lettering them would
 *   empty the topic into the DLQ during a maintenance window.
 * - `dead-letter`: the document itself is refused and will be refused again: mapping and parse
 *   errors (400 `document_parsing_exception`, `strict_dynamic_mapping_exception`,
 *   `illegal_argument_exception`…), 404 `index_not_found_exception` (auto-create is off and no
 *   index exists: retrying forever would stall the pipeline), and any other 4xx.
 * An item with no status at all is retried: never drop what we cannot explain.
 */
export type BulkItemOutcome = 'ok' | 'duplicate' | 'retry' | 'dead-letter';

export interface BulkItemVerdict {
  readonly outcome: BulkItemOutcome;
  readonly status: number;
  /** Elasticsearch's error type, e.g. `document_parsing_exception`; absent when ok. */
  readonly errorType?: string;
  /** Elasticsearch's reason, truncated to `MAX_REASON_LENGTH` (it can quote the whole value). */
  readonly errorReason?: string;
  /** The innermost cause's type, e.g. `illegal_argument_exception` under a parsing error. */
  readonly causeType?: string;
}

/** One entry of `items` in a `_bulk` response: `{ "<action>": { status, error?, … } }`. */
export type BulkResponseItem = Readonly<Record<string, unknown>>;

export const MAX_REASON_LENGTH = 1000;

const RETRY_TYPES_WHATEVER_STATUS = new Set([
  'es_rejected_execution_exception',
  'circuit_breaking_exception',
  'unavailable_shards_exception',
  'cluster_block_exception',
  'index_closed_exception',
  'node_not_connected_exception',
  'no_shard_available_action_exception',
]);

export function classifyBulkItem(item: BulkResponseItem): BulkItemVerdict {
  const [action, result] = Object.entries(item)[0] ?? [];
  const body = typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : {};
  const status = typeof body['status'] === 'number' ? body['status'] : 0;
  const error = describeError(body['error']);
  if (status >= 200 && status < 300 && error === undefined) return { outcome: 'ok', status };
  const verdict = { status, ...error };
  if (status === 409 && error?.errorType === 'version_conflict_engine_exception') return { outcome: action === 'create' ? 'duplicate' : 'ok', ...verdict };
  if (status === 0 || status === 429 || status >= 500) return { outcome: 'retry', ...verdict };
  if (error !== undefined && RETRY_TYPES_WHATEVER_STATUS.has(error.errorType)) return { outcome: 'retry', ...verdict };
  return { outcome: 'dead-letter', ...verdict };
}

function describeError(error: unknown): { errorType: string; errorReason: string; causeType?: string } | undefined {
  if (error === undefined || error === null) return undefined;
  if (typeof error !== 'object') return { errorType: 'unknown', errorReason: truncate(String(error)) };
  const fields = error as Record<string, unknown>;
  const errorType = typeof fields['type'] === 'string' ? fields['type'] : 'unknown';
  const errorReason = truncate(typeof fields['reason'] === 'string' ? fields['reason'] : JSON.stringify(error));
  const causeType = innermostCauseType(fields['caused_by']);
  return causeType === undefined ? { errorType, errorReason } : { errorType, errorReason, causeType };
}

function innermostCauseType(cause: unknown): string | undefined {
  let type: string | undefined;
  for (let node = cause, depth = 0; typeof node === 'object' && node !== null && depth < 10; depth += 1) {
    const fields = node as Record<string, unknown>;
    if (typeof fields['type'] === 'string') type = fields['type'];
    node = fields['caused_by'];
  }
  return type;
}

function truncate(text: string): string {
  return text.length <= MAX_REASON_LENGTH ? text : `${text.slice(0, MAX_REASON_LENGTH - 1)}…`;
}
