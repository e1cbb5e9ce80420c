import type { BulkDocument } from './prepare-bulk-document';

const NEWLINE = 0x0a;

/**
 * The action line of one document at its deterministic id: `index` (create or overwrite, daily
 * indices) or `create` (data streams, which accept nothing else).
 */
export function encodeBulkAction(document: BulkDocument): string {
  return `{"${document.action ?? 'index'}":{"_index":${quoted(document.index)},"_id":${quoted(document.id)}}}`;
}

/**
 * `JSON.stringify` of a string, without its call for the usual index name and id (printable
 * ASCII without `"` or `\`, which JSON writes as they are).
 */
function quoted(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/**
 * The NDJSON body of a `_bulk` request, as bytes: for each document an action line, then its
 * source line, each ending in `\n` (Elasticsearch requires the final newline).
 *
 * Built straight into one Buffer: a source that is already bytes (the Kafka record, see
 * `prepareBulkDocument`) is copied as it is, never decoded to a string and encoded back; the HTTP
 * client then sends the Buffer without serialising anything.
 *
 * Daily indices get `index` rather than `create`: with deterministic ids a replay overwrites the
 * same document with the same content, which is idempotent and needs no version-conflict
 * handling. Data streams refuse `index`; their `create` answers a replayed document with 409,
 * which `classifyBulkItem` reads as already indexed.
 */
export function encodeBulk(documents: readonly BulkDocument[]): Buffer {
  const actions = documents.map(encodeBulkAction);
  let size = 0;
  for (let i = 0; i < documents.length; i += 1) {
    size += Buffer.byteLength(actions[i] as string, 'utf8') + sourceBytes((documents[i] as BulkDocument).source) + 2;
  }
  const body = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = 0; i < documents.length; i += 1) {
    at += body.write(actions[i] as string, at, 'utf8');
    body[at++] = NEWLINE;
    const source = (documents[i] as BulkDocument).source;
    at += typeof source === 'string' ? body.write(source, at, 'utf8') : source.copy(body, at);
    body[at++] = NEWLINE;
  }
  return body;
}

/**
 * UTF-8 size of one document's two lines and their newlines, for batches bounded in bytes.
 * Counted without writing the action line (encodeBulk writes it once, later): the usual index
 * name and id are printable ASCII, one byte per character plus their quotes.
 */
export function bulkEntryBytes(document: BulkDocument): number {
  const action = document.action ?? 'index';
  // `{"<action>":{"_index":` `,"_id":` `}}` around the quoted index and id: 23 bytes and the action's name
  return 23 + action.length + quotedBytes(document.index) + quotedBytes(document.id) + sourceBytes(document.source) + 2;
}

/** UTF-8 size of `quoted(text)`. */
function quotedBytes(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return Buffer.byteLength(JSON.stringify(text), 'utf8');
  }
  return text.length + 2;
}

function sourceBytes(source: Buffer | string): number {
  return typeof source === 'string' ? Buffer.byteLength(source, 'utf8') : source.length;
}
