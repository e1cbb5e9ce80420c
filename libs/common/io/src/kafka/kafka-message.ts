import type { Batch, IHeaders, KafkaMessage } from 'kafkajs';
import type { KafkaConsumedBatch, KafkaConsumedMessage } from './kafka-types';

/** kafkajs batch → our client-neutral batch (headers flattened to one Buffer per name). */
export function toConsumedBatch(batch: Batch): KafkaConsumedBatch {
  return {
    topic: batch.topic,
    partition: batch.partition,
    highWatermark: batch.highWatermark,
    messages: batch.messages.map(toConsumedMessage),
  };
}

export function toConsumedMessage(message: KafkaMessage): KafkaConsumedMessage {
  return {
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: flattenHeaders(message.headers),
    timestamp: message.timestamp,
  };
}

function flattenHeaders(headers: IHeaders | undefined): Record<string, Buffer> {
  const flat: Record<string, Buffer> = {};
  if (!headers) return flat;
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) flat[name] = Buffer.isBuffer(value) ? value : Buffer.from(value);
  }
  return flat;
}

/** The offset to commit after handling a batch whose last offset is `lastOffset`. */
export function nextOffset(lastOffset: string): string {
  return (BigInt(lastOffset) + 1n).toString();
}
