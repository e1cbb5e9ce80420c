import type { BulkDocument } from './prepare-bulk-document';

/** The action line of one document: `index` (create or overwrite) at a deterministic id. */
export function encodeBulkAction(document: BulkDocument): string {
  return `{"index":{"_index":${JSON.stringify(document.index)},"_id":${JSON.stringify(document.id)}}}`;
}

/**
 * The NDJSON body of a `_bulk` request: for each document an action line, then its source line,
 * each ending in `\n` (Elasticsearch requires the final newline).
 *
 * `index` rather than `create`: with deterministic ids a replay overwrites the same document with
 * the same content, which is idempotent and needs no version-conflict handling; `create` would
 * answer 409 for every replayed document.
 */
export function encodeBulk(documents: readonly BulkDocument[]): string {
  let body = '';
  for (const document of documents) body += `${encodeBulkAction(document)}\n${document.source}\n`;
  return body;
}

/** UTF-8 size of one document's two lines, for batches bounded in bytes. */
export function bulkEntryBytes(document: BulkDocument): number {
  return Buffer.byteLength(encodeBulkAction(document), 'utf8') + Buffer.byteLength(document.source, 'utf8') + 2;
}
