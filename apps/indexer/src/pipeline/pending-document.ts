import type { BulkDocument, RecordCoordinates } from '@iocflow/core';
import type { KafkaConsumedMessage } from '@iocflow/io';
import type { BatchSettlement } from './batch-settlement';

/** The Kafka batch documents came from: their coordinates and the settlement they count down. */
export interface SourceBatch {
  readonly topic: string;
  readonly partition: number;
  readonly settlement: BatchSettlement;
}

/** What a dead letter carries of its record besides the coordinates: the record's own key, value and headers. */
export type RecordContent = Pick<KafkaConsumedMessage, 'key' | 'value' | 'headers'>;

/**
 * One document on its way to Elasticsearch: itself the bulk document `encodeBulk` writes, the
 * batch it must settle, and what a dead letter would need of its record. On-acknowledge, thousands
 * wait for Elasticsearch at once, and every object still alive at a scavenge is copied, then
 * promoted; the consumed message alone is seven objects (itself, its key, value and header
 * Buffers, its headers, its offset and timestamp strings). So the usual record — its value the
 * document's source, its key and one header views of the same fetched bytes, a plain offset — is
 * kept as numbers beside the source (`compact`), and rebuilt only for a dead letter; any other
 * record keeps its message (`message`).
 */
export interface PendingDocument extends BulkDocument {
  readonly bytes: number;
  readonly batch: SourceBatch;
  /** The consumed message when its content could not be kept as numbers; otherwise undefined. */
  readonly message: KafkaConsumedMessage | undefined;
  /** The record's offset (compact only; below 10^15). */
  readonly offset: number;
  /** Where the key lies in the source's memory, or -1 for a null key (compact only). */
  readonly keyAt: number;
  readonly keyLength: number;
  /** The one header's name, or undefined when the record has none (compact only). */
  readonly headerName: string | undefined;
  readonly headerAt: number;
  readonly headerLength: number;
}

/** The pending form of a prepared document and its record (see PendingDocument). */
export function pendingDocument(document: BulkDocument, bytes: number, batch: SourceBatch, message: KafkaConsumedMessage): PendingDocument {
  const { index, id, source, action } = document;
  const value = message.value;
  const key = message.key;
  const memory = value?.buffer;
  let headerName: string | undefined;
  let header: Buffer | undefined;
  let compact =
    value !== null &&
    source === value &&
    plainOffset(message.offset) &&
    (key === null || key.buffer === memory) &&
    Object.getPrototypeOf(message.headers) === Object.prototype;
  if (compact) {
    for (const name in message.headers) {
      const candidate = message.headers[name];
      if (headerName !== undefined || !Buffer.isBuffer(candidate) || candidate.buffer !== memory) {
        compact = false;
        break;
      }
      headerName = name;
      header = candidate;
    }
  }
  if (!compact) {
    return { index, id, source, action, bytes, batch, message, offset: -1, keyAt: -1, keyLength: 0, headerName: undefined, headerAt: 0, headerLength: 0 };
  }
  return {
    index,
    id,
    source,
    action,
    bytes,
    batch,
    message: undefined,
    offset: Number(message.offset),
    keyAt: key === null ? -1 : key.byteOffset,
    keyLength: key === null ? 0 : key.length,
    headerName,
    headerAt: header === undefined ? 0 : header.byteOffset,
    headerLength: header === undefined ? 0 : header.length,
  };
}

/** The record a pending document came from, as a dead letter needs it: the same coordinates and bytes it was consumed with. */
export function recordOf(entry: PendingDocument): { readonly coordinates: RecordCoordinates; readonly content: RecordContent } {
  const { batch, message } = entry;
  if (message !== undefined) return { coordinates: { topic: batch.topic, partition: batch.partition, offset: message.offset }, content: message };
  const value = entry.source as Buffer;
  const headers: Record<string, Buffer> = {};
  if (entry.headerName !== undefined) headers[entry.headerName] = Buffer.from(value.buffer, entry.headerAt, entry.headerLength);
  return {
    coordinates: { topic: batch.topic, partition: batch.partition, offset: String(entry.offset) },
    content: { key: entry.keyAt < 0 ? null : Buffer.from(value.buffer, entry.keyAt, entry.keyLength), value, headers },
  };
}

/** A decimal offset that reads back as the same text through a number: no sign, no leading zero, at most 15 digits. */
function plainOffset(offset: string): boolean {
  const length = offset.length;
  if (length === 0 || length > 15 || (length > 1 && offset.charCodeAt(0) === 0x30)) return false;
  for (let i = 0; i < length; i++) {
    const c = offset.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
