import { type MessageToProduce, ProduceAcks, Producer } from '@platformatic/kafka';
import { IoError } from '../../io-error';
import { producerStateErrorType } from '../kafka-errors';
import { type IoLogger, stderrIoLogger } from '../kafka-logger';
import { DEFAULT_MAX_INFLIGHTS, type KafkaProducerOptions } from '../kafka-producer';
import type { KafkaProducedRecord } from '../kafka-types';
import { murmur2Partition } from './murmur2-partition';
import { type PlatformaticConnection, platformaticConnection, toPlatformaticIoError } from './platformatic-kafka';

/** How many distinct header names keep their encoded bytes (headerName). */
const HEADER_NAMES_CACHED = 256;

/**
 * One idempotent @platformatic/kafka producer (acks=all), the `platformatic` driver of
 * KafkaProducer (which cuts sends by size; each call here is one request's worth). Keyed records
 * go to the partition the client's `compatibilityPartitioner` picks (murmur2, as kafkajs and Java
 * do), computed by `murmur2Partition` in 32-bit arithmetic instead of the client's BigInt; records without a key go round-robin. The client retries without limit (`retries: true`, `retryDelayMs`), so a broker outage
 * is waited out; the owner's own deadline (`sendTimeoutMs`) turns a long wait into a retriable
 * KAFKA_UNAVAILABLE, and the records may still be written later (at-least-once, as with kafkajs).
 * A record the broker refuses (MESSAGE_TOO_LARGE…) fails the send as KAFKA_REJECTED; the client
 * may have written the other partitions of that send. Producer state lost (OUT_OF_ORDER_SEQUENCE…):
 * the producer is replaced (a new producer id) and the send rejects retriable.
 */
export class PlatformaticProducer {
  private readonly connection: PlatformaticConnection;
  private readonly logger: IoLogger;
  private producer: Promise<Producer<Buffer, Buffer, string, Buffer>> | undefined;
  private closed = false;
  private replaced = 0;
  private readonly roundRobin = new Map<string, number>();
  private readonly headerNames = new Map<string, Buffer>();

  constructor(private readonly options: KafkaProducerOptions) {
    this.connection = platformaticConnection(options);
    this.logger = options.logger ?? stderrIoLogger;
  }

  get producersReplaced(): number {
    return this.replaced;
  }

  async connect(): Promise<void> {
    if (this.closed) throw new IoError('CLOSED', 'kafka producer: closed');
    const producer = await this.current();
    try {
      await producer.metadata({ topics: [] });
    } catch (error) {
      throw toPlatformaticIoError(error, 'kafka producer connect');
    }
  }

  async send(records: readonly KafkaProducedRecord[]): Promise<void> {
    if (this.closed) throw new IoError('CLOSED', 'kafka producer: closed');
    const producer = await this.current();
    const messages: MessageToProduce<Buffer, Buffer, string, Buffer>[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as KafkaProducedRecord;
      const message: MessageToProduce<Buffer, Buffer, string, Buffer> = { topic: record.topic };
      if (record.key !== null) message.key = typeof record.key === 'string' ? Buffer.from(record.key) : record.key;
      if (record.value !== null) message.value = typeof record.value === 'string' ? Buffer.from(record.value) : record.value;
      if (record.headers !== undefined) {
        // a plain object (header names serialised by headerKey below), not a Map: the client
        // tells a Map with instanceof, which fails across realms (Jest's sandbox)
        const headers: Record<string, Buffer> = {};
        for (const name in record.headers) {
          const value = record.headers[name] as Buffer | string;
          headers[name] = typeof value === 'string' ? Buffer.from(value) : value;
        }
        message.headers = headers;
      }
      messages[i] = message;
    }
    const timeoutMs = this.options.sendTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new IoError('KAFKA_UNAVAILABLE', `kafka send: no acknowledgement within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([producer.send({ messages }), timeout]);
    } catch (error) {
      const failure = toPlatformaticIoError(error, 'kafka send');
      const lostState = producerStateErrorType(failure);
      if (lostState === undefined) throw failure;
      this.replace(producer, lostState);
      throw new IoError('KAFKA_UNAVAILABLE', `kafka send: producer state lost (${lostState}); producer replaced, retry the send`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await (await producer).close();
  }

  private current(): Promise<Producer<Buffer, Buffer, string, Buffer>> {
    this.producer ??= Promise.resolve(this.create());
    return this.producer;
  }

  private create(): Producer<Buffer, Buffer, string, Buffer> {
    const producer = new Producer<Buffer, Buffer, string, Buffer>({
      ...this.connection,
      idempotent: true,
      acks: ProduceAcks.ALL,
      autocreateTopics: false,
      partitioner: (message, key) => (key === undefined ? this.nextRoundRobin(message.topic) : murmur2Partition(key)),
      serializers: { headerKey: (name?: string) => (name === undefined ? undefined : this.headerName(name)) },
      retries: true,
      retryDelay: this.options.retryDelayMs ?? 500,
      maxInflights: this.options.maxInflights ?? DEFAULT_MAX_INFLIGHTS,
      ...(this.options.compression === undefined || this.options.compression === 'none' ? {} : { compression: this.options.compression }),
    });
    // An 'error' nobody listens to ends the process (seen when a connection closes during shutdown).
    producer.on('error', (error: unknown) => this.logger.warn('kafka producer client error', { error: String(error) }));
    return producer;
  }

  /**
   * A header name's bytes, encoded once: the same few names (the enricher's `iocflow.origin` on
   * every record) repeat on every record. Bounded: names beyond HEADER_NAMES_CACHED are encoded
   * per record, as before. The client only reads the Buffer (it copies it into the request).
   */
  private headerName(name: string): Buffer {
    let bytes = this.headerNames.get(name);
    if (bytes === undefined) {
      bytes = Buffer.from(name);
      if (this.headerNames.size < HEADER_NAMES_CACHED) this.headerNames.set(name, bytes);
    }
    return bytes;
  }

  /** Records without a key spread over the partitions in turn, as kafkajs' default partitioner does. */
  private nextRoundRobin(topic: string): number {
    const next = this.roundRobin.get(topic) ?? 0;
    this.roundRobin.set(topic, (next + 1) & 0x7fffffff);
    return next;
  }

  private replace(failed: Producer<Buffer, Buffer, string, Buffer>, reason: string): void {
    if (this.closed) return;
    void this.producer?.then((current) => {
      if (current !== failed) return;
      this.producer = undefined;
      this.replaced++;
      this.logger.warn('kafka producer state lost: replacing the producer (new producer id)', { reason, replaced: this.replaced });
      failed.close().catch((error: unknown) => this.logger.debug('closing the replaced kafka producer failed', { error: String(error) }));
    });
  }
}
