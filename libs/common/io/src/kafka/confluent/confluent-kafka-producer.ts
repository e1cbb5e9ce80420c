import { IoError } from '../../io-error';
import { toConfluentIoError } from './confluent-errors';
import type { KafkaProducerOptions } from '../kafka-producer';
import type { KafkaProducedRecord, KafkaProducerPort } from '../kafka-types';
import type { ModuleLoader, ConfluentProducer } from './confluent-kafkajs-api';
import { createConfluentKafka } from './confluent-kafka-config';

export interface ConfluentKafkaProducerOptions extends KafkaProducerOptions {
  /** librdkafka's linger.ms: how long records wait to fill a batch (default 5 ms, librdkafka's). */
  readonly lingerMs?: number;
}

/**
 * The KafkaProducerPort on @confluentinc/kafka-javascript (librdkafka): idempotent, acks=all,
 * murmur2 partitioning (the client's KafkaJS default, same partitions as kafkajs and Java for
 * non-null keys). Differences from KafkaProducer: acks, compression and the ack timeout are
 * per-producer settings, not per send; librdkafka batches records itself (linger.ms) and pipelines
 * up to 5 requests per broker even when idempotent; a record that cannot be delivered within
 * `sendTimeoutMs` (librdkafka's message.timeout.ms) fails in the client instead of being retried
 * forever in the background.
 */
export class ConfluentKafkaProducer implements KafkaProducerPort {
  private readonly producer: ConfluentProducer;
  private connected: Promise<void> | undefined;
  private closed = false;

  constructor(options: ConfluentKafkaProducerOptions, load?: ModuleLoader) {
    if (options.compression !== undefined && !['none', 'gzip'].includes(options.compression)) {
      throw new IoError('INVALID_CONFIG', `kafka producer: unsupported compression ${String(options.compression)}`);
    }
    const kafka = createConfluentKafka(options, load);
    this.producer = kafka.producer({
      'message.timeout.ms': options.sendTimeoutMs ?? 60_000,
      'linger.ms': options.lingerMs ?? 5,
      kafkaJS: {
        idempotent: true,
        acks: -1,
        compression: options.compression ?? 'none',
        timeout: options.ackTimeoutMs ?? 30_000,
        allowAutoTopicCreation: false,
      },
    });
  }

  async connect(): Promise<void> {
    if (this.closed) throw new IoError('CLOSED', 'kafka producer: closed');
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw toConfluentIoError(error, 'kafka producer connect');
    });
    return this.connected;
  }

  async send(records: readonly KafkaProducedRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.connect();
    const byTopic = new Map<string, { key: Buffer | string | null; value: Buffer | string | null; headers?: Record<string, Buffer | string> }[]>();
    for (const record of records) {
      const message = record.headers ? { key: record.key, value: record.value, headers: { ...record.headers } } : { key: record.key, value: record.value };
      const list = byTopic.get(record.topic);
      if (list) list.push(message);
      else byTopic.set(record.topic, [message]);
    }
    try {
      await this.producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    } catch (error) {
      throw toConfluentIoError(error, 'kafka send');
    }
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    this.connected = undefined;
    await this.producer.disconnect();
  }
}
