import type { KafkaConsumedBatch, KafkaConsumedMessage, KafkaTopicPartitions } from '../kafka-types';
import type { ConfluentBatch, ConfluentMessage } from './confluent-kafkajs-api';

/** The client's batch → our client-neutral batch (headers flattened to one Buffer per name, the last wins). */
export function toConfluentConsumedBatch(batch: ConfluentBatch): KafkaConsumedBatch {
  return { topic: batch.topic, partition: batch.partition, highWatermark: batch.highWatermark, messages: batch.messages.map(toConfluentConsumedMessage) };
}

export function toConfluentConsumedMessage(message: ConfluentMessage): KafkaConsumedMessage {
  const headers: Record<string, Buffer> = {};
  for (const [name, raw] of Object.entries(message.headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) headers[name] = Buffer.isBuffer(value) ? value : Buffer.from(value);
  }
  return { offset: message.offset, key: message.key, value: message.value, headers, timestamp: message.timestamp };
}

/** librdkafka's flat topic-partition list → one entry per topic, partitions ascending. */
export function groupByTopic(list: readonly { readonly topic: string; readonly partition: number }[]): KafkaTopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of list) {
    const partitions = byTopic.get(topic);
    if (partitions) partitions.push(partition);
    else byTopic.set(topic, [partition]);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }));
}

/**
 * The member's assignment after one rebalance callback. Eager assignors revoke everything and
 * assign the full new set; cooperative ones revoke and assign only what moved: both come out right
 * by adding or removing the partitions named.
 */
export function applyAssignmentChange(
  current: readonly KafkaTopicPartitions[],
  change: readonly KafkaTopicPartitions[],
  kind: 'assign' | 'revoke',
): KafkaTopicPartitions[] {
  const owned = new Map(current.map(({ topic, partitions }) => [topic, new Set(partitions)]));
  for (const { topic, partitions } of change) {
    const set = owned.get(topic) ?? new Set<number>();
    for (const partition of partitions) {
      if (kind === 'assign') set.add(partition);
      else set.delete(partition);
    }
    owned.set(topic, set);
  }
  return [...owned]
    .filter(([, set]) => set.size > 0)
    .map(([topic, set]) => ({ topic, partitions: [...set].sort((a, b) => a - b) }));
}
