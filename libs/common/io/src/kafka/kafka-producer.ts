import { DEFAULT_KAFKA_CLIENT, type KafkaCompression } from './kafka-client';
import type { KafkaConnectionOptions } from './kafka-config';
import { KafkajsProducer } from './kafkajs-producer';
import { DEFAULT_MAX_SEND_BYTES, sendChunks } from './kafka-send-size';
import type { KafkaProducedRecord, KafkaProducerPort } from './kafka-types';
import { PlatformaticProducer } from './platformatic/platformatic-producer';

/** Produce requests in flight with the idempotent producer: Kafka keeps each partition's order up to 5. */
export const DEFAULT_MAX_INFLIGHTS = 5;

export interface KafkaProducerOptions extends KafkaConnectionOptions {
  /**
   * 'none' (default), 'gzip', or with the platformatic client also 'snappy', 'lz4' and 'zstd'
   * (docs/benchmarks.md, "Kafka client settings").
   */
  readonly compression?: KafkaCompression;
  /**
   * Give up waiting for the acknowledgement after this long (default 60000 ms) and reject with
   * KAFKA_UNAVAILABLE. Both clients keep retrying the same records in the background (the
   * idempotent producer retries so that sequence numbers stay right), so a timed-out send may still
   * be written: callers that retry get at-least-once, which is why every consumer tolerates replays.
   */
  readonly sendTimeoutMs?: number;
  /** Brokers' wait for in-sync replicas per request (default 30000 ms; kafkajs only). */
  readonly ackTimeoutMs?: number;
  /**
   * Most record bytes per produce request (default DEFAULT_MAX_SEND_BYTES, 896 KiB): every `send`
   * is cut into requests of at most this many bytes, sent one after another (order kept), so a
   * batch never exceeds the broker's `max.message.bytes` because of its size alone. The one send
   * limit of every service, dead letters included.
   */
  readonly maxSendBytes?: number;
  /** platformatic: pause between retries of a failed request (default 500 ms; the client retries without limit). */
  readonly retryDelayMs?: number;
  /** platformatic: produce requests in flight per broker connection, and requests of one send pipelined (default 5, the idempotence limit). */
  readonly maxInflights?: number;
}

/**
 * Owner of one idempotent producer (acks=all) on the client `options.client` picks (KAFKA_CLIENT:
 * platformatic by default, or kafkajs). `send` resolves only when every record was acknowledged;
 * keyed records land on the partition murmur2 picks (Java-compatible) with either client. Sends
 * larger than `maxSendBytes` go out as several requests in order.
 */
export class KafkaProducer implements KafkaProducerPort {
  private readonly driver: KafkajsProducer | PlatformaticProducer;
  private readonly maxSendBytes: number;
  /** Requests of one send in flight at once. */
  private readonly inFlight: number;

  constructor(options: KafkaProducerOptions) {
    const kafkajs = (options.client ?? DEFAULT_KAFKA_CLIENT) === 'kafkajs';
    this.driver = kafkajs ? new KafkajsProducer(options) : new PlatformaticProducer(options);
    this.maxSendBytes = options.maxSendBytes ?? DEFAULT_MAX_SEND_BYTES;
    this.inFlight = kafkajs ? 1 : (options.maxInflights ?? DEFAULT_MAX_INFLIGHTS);
  }

  /** How many times the client's producer was replaced after its state was lost. */
  get producersReplaced(): number {
    return this.driver.producersReplaced;
  }

  connect(): Promise<void> {
    return this.driver.connect();
  }

  /**
   * Cuts the records into requests of at most `maxSendBytes`. kafkajs sends them one after another;
   * platformatic pipelines up to `maxInflights` of them (its idempotent producer keeps each
   * partition's order with up to 5 requests in flight per connection). Resolves when every record
   * was acknowledged; the first failure rejects (other requests may have been written: the
   * caller's retry of the whole send gives duplicates, never loss).
   */
  async send(records: readonly KafkaProducedRecord[]): Promise<void> {
    if (records.length === 0) return;
    const chunks = sendChunks(records, this.maxSendBytes);
    if (chunks.length === 1 || this.inFlight <= 1) {
      for (const chunk of chunks) await this.driver.send(chunk);
      return;
    }
    let next = 0;
    let failed = false;
    const lane = async (): Promise<void> => {
      while (!failed && next < chunks.length) {
        const chunk = chunks[next++] as KafkaProducedRecord[];
        try {
          await this.driver.send(chunk);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    const lanes = Array.from({ length: Math.min(this.inFlight, chunks.length) }, lane);
    const results = await Promise.allSettled(lanes);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
  }

  disconnect(): Promise<void> {
    return this.driver.disconnect();
  }
}
