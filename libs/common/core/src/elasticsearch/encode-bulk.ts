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
  return plain(text) ? `"${text}"` : JSON.stringify(text);
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
  let size = 0;
  for (const document of documents) size += bulkEntryBytes(document);
  const body = Buffer.allocUnsafe(size);
  let at = 0;
  for (const document of documents) {
    at = writeAction(body, at, document);
    body[at++] = NEWLINE;
    const source = document.source;
    if (typeof source === 'string') {
      at += body.write(source, at, 'utf8');
    } else {
      body.set(source, at);
      at += source.length;
    }
    body[at++] = NEWLINE;
  }
  return body;
}

/**
 * The action line written into `body` at `at`, returning the end. The usual index name and id
 * (printable ASCII without `"` or `\`) are written byte by byte here: a call into the runtime per
 * short string (`Buffer#write`) costs more than the copy. Others go through `encodeBulkAction`.
 */
function writeAction(body: Buffer, at: number, document: BulkDocument): number {
  const { index, id } = document;
  if (!plainIndex(index) || !plain(id)) return at + body.write(encodeBulkAction(document), at, 'utf8');
  at = writeAscii(body, at, document.action === 'create' ? CREATE_OPEN : INDEX_OPEN);
  at = writeAscii(body, at, index);
  at = writeAscii(body, at, ID_KEY);
  at = writeAscii(body, at, id);
  return writeAscii(body, at, CLOSE);
}

const INDEX_OPEN = '{"index":{"_index":"';
const CREATE_OPEN = '{"create":{"_index":"';
const ID_KEY = '","_id":"';
const CLOSE = '"}}';

/** The last index name found plain: a chunk's documents share a few names (the same string), checked once each. */
let lastPlainIndex: string | undefined;

function plainIndex(index: string): boolean {
  if (index === lastPlainIndex) return true;
  if (!plain(index)) return false;
  lastPlainIndex = index;
  return true;
}

/** Printable ASCII without `"` or `\`: JSON writes it as it is. */
function plain(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return false;
  }
  return true;
}

function writeAscii(body: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) body[at + i] = text.charCodeAt(i);
  return at + text.length;
}

/**
 * UTF-8 size of one document's two lines and their newlines, for batches bounded in bytes.
 * Counted without writing the action line (encodeBulk writes it once, later): the usual index
 * name and id are printable ASCII, one byte per character plus their quotes.
 */
export function bulkEntryBytes(document: BulkDocument): number {
  const action = document.action ?? 'index';
  // `{"<action>":{"_index":` `,"_id":` `}}` around the quoted index and id: 23 bytes and the action's name
  const index = document.index;
  return 23 + action.length + (plainIndex(index) ? index.length + 2 : quotedBytes(index)) + quotedBytes(document.id) + sourceBytes(document.source) + 2;
}

/** UTF-8 size of `quoted(text)`. */
function quotedBytes(text: string): number {
  return plain(text) ? text.length + 2 : Buffer.byteLength(JSON.stringify(text), 'utf8');
}

function sourceBytes(source: Buffer | string): number {
  return typeof source === 'string' ? Buffer.byteLength(source, 'utf8') : source.length;
}
