import type { KafkaProducedRecord } from './kafka-types';

/**
 * Most record bytes one produce request carries (`maxSendBytes` of the producer owners; the one
 * named send limit of every service). The broker refuses a record batch over the topic's
 * `max.message.bytes` (1 MiB by default) for good, and a consumed batch can come out larger than it
 * came in (enrichment, dead-letter headers) when its records share an output partition. 7/8 of the
 * broker default leaves room for record and batch framing while a typical batch (~1,250 events of
 * ~700 bytes) still goes in one request.
 */
export const DEFAULT_MAX_SEND_BYTES = 896 * 1024;

/**
 * What a record costs in a record batch beyond its key, value and header bytes, at most: the
 * record's own framing (length, attributes, timestamp and offset deltas, key and value lengths,
 * header count: ≤ 36 bytes) plus the batch header (61 bytes) when it is sent alone, rounded up;
 * and per header its two length varints.
 */
export const RECORD_OVERHEAD_BYTES = 128;
const HEADER_OVERHEAD_BYTES = 10;

/** A record's size on the wire, at most: key + value + headers + their framing (RECORD_OVERHEAD_BYTES). */
export function recordBytes(record: KafkaProducedRecord): number {
  let size = RECORD_OVERHEAD_BYTES + byteLength(record.key) + byteLength(record.value);
  if (record.headers !== undefined) for (const name in record.headers) size += HEADER_OVERHEAD_BYTES + Buffer.byteLength(name, 'utf8') + byteLength(record.headers[name]);
  return size;
}

/**
 * Records in order, cut into runs of at most `maxBytes` (recordBytes each; a bigger record goes
 * alone). Order within each run and across runs is the input's, so per-partition order holds when
 * the runs are sent one after another.
 */
export function sendChunks(records: readonly KafkaProducedRecord[], maxBytes: number): KafkaProducedRecord[][] {
  const chunks: KafkaProducedRecord[][] = [];
  let chunk: KafkaProducedRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = recordBytes(record);
    if (chunk.length > 0 && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(record);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

function byteLength(data: Buffer | string | null | undefined): number {
  if (data === null || data === undefined) return 0;
  return typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.length;
}
