import { CompressionTypes, type Message, Partitioners, type Producer, type TopicMessages } from 'kafkajs';
import { IoError } from '../io-error';
import { createKafkaClient, type KafkaConnectionOptions } from './kafka-config';
import { toKafkaIoError } from './kafka-errors';
import type { KafkaProducedRecord, KafkaProducerPort } from './kafka-types';

export interface KafkaProducerOptions extends KafkaConnectionOptions {
  /** 'none' (default) or 'gzip'; lz4/snappy/zstd need extra codecs in kafkajs and are not offered. */
  readonly compression?: 'none' | 'gzip';
  /**
   * Give up waiting for the acknowledgement after this long (default 60000 ms) and reject with
   * KAFKA_UNAVAILABLE. kafkajs keeps retrying the same records in the background (the idempotent
   * producer retries forever so that sequence numbers stay right), so a timed-out send may still be
   * written: callers that retry get at-least-once, which is why every consumer tolerates replays.
   */
  readonly sendTimeoutMs?: number;
  /** Brokers' wait for in-sync replicas per request (default 30000 ms). */
  readonly ackTimeoutMs?: number;
}

/**
 * Owner of one idempotent kafkajs producer (acks=all). `send` groups the records by topic into one
 * `sendBatch` and resolves only when every record was acknowledged; partitioning is kafkajs'
 * default (murmur2 of the key, Java-compatible), so a key always lands on the same partition.
 */
export class KafkaProducer implements KafkaProducerPort {
  private readonly producer: Producer;
  private readonly compression: CompressionTypes;
  private readonly sendTimeoutMs: number;
  private readonly ackTimeoutMs: number;
  private connected: Promise<void> | undefined;
  private closed = false;

  constructor(options: KafkaProducerOptions) {
    const kafka = createKafkaClient(options);
    this.compression = options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 60_000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
    if (options.compression !== undefined && !['none', 'gzip'].includes(options.compression)) {
      throw new IoError('INVALID_CONFIG', `kafka producer: unsupported compression ${String(options.compression)}`);
    }
    // maxInFlightRequests stays at kafkajs' default: with idempotent on, kafkajs serialises
    // produce requests per broker itself (a lock around sequence numbers).
    this.producer = kafka.producer({
      idempotent: true,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    if (this.closed) throw new IoError('CLOSED', 'kafka producer: closed');
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw toKafkaIoError(error, 'kafka producer connect');
    });
    return this.connected;
  }

  async send(records: readonly KafkaProducedRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.connect();
    const byTopic = new Map<string, Message[]>();
    for (const record of records) {
      const message: Message = { key: record.key, value: record.value };
      if (record.headers) message.headers = { ...record.headers };
      const list = byTopic.get(record.topic);
      if (list) list.push(message);
      else byTopic.set(record.topic, [message]);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new IoError('KAFKA_UNAVAILABLE', `kafka send: no acknowledgement within ${this.sendTimeoutMs} ms`)),
        this.sendTimeoutMs,
      );
    });
    try {
      await Promise.race([
        this.producer.sendBatch({ topicMessages, acks: -1, timeout: this.ackTimeoutMs, compression: this.compression }),
        timeout,
      ]);
    } catch (error) {
      throw toKafkaIoError(error, 'kafka send');
    } finally {
      clearTimeout(timer);
    }
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    this.connected = undefined;
    await this.producer.disconnect();
  }
}
