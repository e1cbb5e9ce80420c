import { CompressionTypes, type Kafka, type Message, Partitioners, type Producer, type TopicMessages } from 'kafkajs';
import { IoError } from '../io-error';
import { createKafkaClient } from './kafka-config';
import { producerStateErrorType, toKafkaIoError } from './kafka-errors';
import { type IoLogger, stderrIoLogger } from './kafka-logger';
import type { KafkaProducerOptions } from './kafka-producer';
import type { KafkaProducedRecord, KafkaProducerPort } from './kafka-types';

/**
 * The `kafkajs` driver of KafkaProducer: one idempotent kafkajs producer (acks=all). `send` groups the records by topic into one
 * `sendBatch` and resolves only when every record was acknowledged; partitioning is kafkajs'
 * default (murmur2 of the key, Java-compatible), so a key always lands on the same partition.
 *
 * Producer state lost (see PRODUCER_STATE_ERROR_TYPES: e.g. OUT_OF_ORDER_SEQUENCE_NUMBER after a
 * broker restart or an outage mid-produce): the kafkajs producer is unusable for good, so the
 * owner replaces it — the old one is disconnected, a new one connects on the next send and gets a
 * new producer id — and the failed send rejects with KAFKA_UNAVAILABLE. The caller retries its
 * batch (nothing was committed), so delivery stays at-least-once; records the old producer did
 * write are duplicates downstream tolerates.
 */
export class KafkajsProducer implements KafkaProducerPort {
  private readonly kafka: Kafka;
  private readonly logger: IoLogger;
  private producer: Producer;
  private readonly compression: CompressionTypes;
  private readonly sendTimeoutMs: number;
  private readonly ackTimeoutMs: number;
  private connected: Promise<void> | undefined;
  private closed = false;
  private replaced = 0;

  constructor(options: KafkaProducerOptions) {
    this.kafka = createKafkaClient(options);
    this.logger = options.logger ?? stderrIoLogger;
    this.compression = options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 60_000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
    if (options.compression !== undefined && !['none', 'gzip'].includes(options.compression)) {
      throw new IoError('INVALID_CONFIG', `kafka producer: compression ${String(options.compression)} is not offered with KAFKA_CLIENT=kafkajs (none, gzip)`);
    }
    this.producer = this.createProducer();
  }

  /** How many times the kafkajs producer was replaced after its state was lost. */
  get producersReplaced(): number {
    return this.replaced;
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
    const producer = this.producer;
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
        producer.sendBatch({ topicMessages, acks: -1, timeout: this.ackTimeoutMs, compression: this.compression }),
        timeout,
      ]);
    } catch (error) {
      const lostState = producerStateErrorType(error);
      if (lostState === undefined) throw toKafkaIoError(error, 'kafka send');
      this.replace(producer, lostState);
      throw new IoError('KAFKA_UNAVAILABLE', `kafka send: producer state lost (${lostState}); producer replaced, retry the send`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    this.connected = undefined;
    await this.producer.disconnect();
  }

  private createProducer(): Producer {
    // maxInFlightRequests stays at kafkajs' default: with idempotent on, kafkajs serialises
    // produce requests per broker itself (a lock around sequence numbers).
    return this.kafka.producer({
      idempotent: true,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /**
   * Swaps in a fresh producer, once per failed one: concurrent sends that failed on the same
   * producer find it already replaced. The old producer is closed in the background (its own
   * retries, if any, end there).
   */
  private replace(failed: Producer, reason: string): void {
    if (this.closed || failed !== this.producer) return;
    this.producer = this.createProducer();
    this.connected = undefined;
    this.replaced++;
    this.logger.warn('kafka producer state lost: replacing the producer (new producer id)', { reason, replaced: this.replaced });
    failed.disconnect().catch((error: unknown) => this.logger.debug('disconnecting the replaced kafka producer failed', { error: String(error) }));
  }
}
