import type { Message } from '@platformatic/kafka';
import type { KafkaConsumedBatch, KafkaConsumedMessage } from '../kafka-types';

export type PlatformaticMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/** The headers of every record that has none (most raw events): one shared object instead of one per record. */
const NO_HEADERS: Readonly<Record<string, Buffer>> = Object.freeze({});

/**
 * The client's message in our form, made by the driver as it arrives. Records wait after this —
 * read ahead in the driver while the handler's window is full, then in the handler (on-acknowledge:
 * the indexer holds them until Elasticsearch acknowledged) — and every object that survives a
 * scavenge is copied, then promoted. So nothing of the client's message is kept but its key, value
 * and header value Buffers: not the message itself, its header Map and entry arrays, its bound
 * commit function or its BigInts.
 */
export function toConsumedMessage(m: PlatformaticMessage): KafkaConsumedMessage {
  const entries = m.headerEntries;
  let headers = NO_HEADERS;
  if (entries.length > 0) {
    const named: Record<string, Buffer> = {};
    // last wins when a name repeats, as with kafkajs
    for (const [name, value] of entries) named[name.toString()] = value;
    headers = named;
  }
  return { offset: m.offset.toString(), key: m.key ?? null, value: m.value ?? null, headers, timestamp: m.timestamp.toString() };
}

/**
 * One partition's run of records (at least one, in offset order) as the handler's batch.
 * `highWatermark`: the partition's last fetched high-watermark; the batch's is never below its last
 * offset + 1.
 */
export function toConsumedBatch(topic: string, partition: number, messages: readonly KafkaConsumedMessage[], highWatermark: bigint | undefined): KafkaConsumedBatch {
  const next = afterLast(messages);
  return { topic, partition, highWatermark: String(highWatermark !== undefined && highWatermark > next ? highWatermark : next), messages };
}

/** The offset to commit once the whole batch is acknowledged: its last offset + 1. */
export function nextOffsetOf(batch: KafkaConsumedBatch): string {
  return String(afterLast(batch.messages));
}

/** The offset after a run's last record. */
function afterLast(messages: readonly KafkaConsumedMessage[]): bigint {
  return BigInt((messages[messages.length - 1] as KafkaConsumedMessage).offset) + 1n;
}
