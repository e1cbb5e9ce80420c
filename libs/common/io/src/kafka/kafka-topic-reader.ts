import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { IoError } from '../io-error';
import { createKafkaClient, type KafkaConnectionOptions } from './kafka-config';
import { toKafkaIoError } from './kafka-errors';
import { type IoLogger, stderrIoLogger } from './kafka-logger';
import { nextOffset, toConsumedBatch } from './kafka-message';
import type { KafkaBatchHandler, KafkaReadOptions, KafkaReadResult, KafkaTopicReaderPort } from './kafka-types';

export interface KafkaTopicReaderOptions extends KafkaConnectionOptions {
  /** Prefix of the throw-away group id (`<prefix>-<uuid>`); default `<clientId>-reader`. */
  readonly groupIdPrefix?: string;
  /** Default 500 ms. */
  readonly maxWaitTimeMs?: number;
  /** Default 1 MiB. */
  readonly maxBytesPerPartition?: number;
}

/**
 * Reads a whole topic (typically compacted: the indicator topic) from the beginning, without
 * committing anything: how the enricher's table mode materialises the indicators and how
 * misp-sync restores its state.
 *
 * `read` resolves once every partition was read up to the high-watermark it had when `read`
 * started (tombstones included: a null value). With `follow`, the reader keeps handing new batches
 * to the handler afterwards until `stop()`; a failing handler gets the batch again (kafkajs
 * retries), and if the reader crashes it restarts from the beginning and calls `onError`.
 *
 * kafkajs cannot assign partitions by hand, so the reader joins a fresh, unique consumer group
 * and is its only member; the group never commits and the broker forgets it once it is empty.
 * Known limit: if compaction removed the very last records of a partition after `read` began
 * (so nothing at or past high-watermark − 1 is ever fetched), `read` waits for newer records.
 */
export class KafkaTopicReader implements KafkaTopicReaderPort {
  private readonly kafka: Kafka;
  private readonly logger: IoLogger;
  private consumer: Consumer | undefined;

  constructor(private readonly options: KafkaTopicReaderOptions) {
    this.kafka = createKafkaClient(options);
    this.logger = options.logger ?? stderrIoLogger;
  }

  async read(topic: string, handler: KafkaBatchHandler, options: KafkaReadOptions = {}): Promise<KafkaReadResult> {
    if (this.consumer) throw new IoError('CLOSED', 'kafka topic reader: already reading');
    const ends = await this.endOffsets(topic);
    const endOffsets = Object.fromEntries([...ends].map(([p, e]) => [p, e.high.toString()]));
    const remaining = new Set([...ends].filter(([, e]) => e.high > e.low).map(([p]) => p));
    let messages = 0;
    let isCaughtUp = false;
    let caughtUp: () => void = () => undefined;
    let failed: (error: IoError) => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => {
      caughtUp = () => {
        isCaughtUp = true;
        resolve();
      };
      failed = reject;
    });
    const advance = (partition: number, lastOffset: string) => {
      const end = ends.get(partition);
      if (end && BigInt(nextOffset(lastOffset)) >= end.high && remaining.delete(partition) && remaining.size === 0) {
        caughtUp();
      }
    };

    const groupId = `${this.options.groupIdPrefix ?? `${this.options.clientId}-reader`}-${randomUUID()}`;
    const consumer = this.kafka.consumer({
      groupId,
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 500,
      maxBytesPerPartition: this.options.maxBytesPerPartition ?? 1024 * 1024,
      allowAutoTopicCreation: false,
      // Before the end: fail `read`. While following: restart (re-reading from the beginning).
      retry: { restartOnFailure: async () => isCaughtUp && options.follow === true },
    });
    this.consumer = consumer;
    // Batches that compaction or control records emptied never reach eachBatch, but still move
    // the position: END_BATCH_PROCESS reports them.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => advance(payload.partition, payload.lastOffset));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      const error = toKafkaIoError(payload.error, `kafka topic reader ${topic}`);
      if (!isCaughtUp) {
        failed(error);
        return;
      }
      this.logger.error('kafka topic reader failed while following', { topic, restart: payload.restart, error: error.message });
      options.onError?.(error, payload.restart);
    });

    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (batch.messages.length > 0) {
            await handler(toConsumedBatch(batch));
            messages += batch.messages.length;
          }
          advance(batch.partition, batch.lastOffset());
        },
      });
      if (remaining.size === 0) caughtUp();
      await done;
    } catch (error) {
      await this.stop();
      throw toKafkaIoError(error, `kafka topic reader ${topic}`);
    }
    this.logger.debug('kafka topic read to end', { topic, messages, endOffsets });
    if (!options.follow) await this.stop();
    return { messages, endOffsets };
  }

  /** Stops reading and leaves the throw-away group. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  private async endOffsets(topic: string): Promise<Map<number, { low: bigint; high: bigint }>> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(topic);
      return new Map(offsets.map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }]));
    } catch (error) {
      throw toKafkaIoError(error, `kafka topic reader ${topic}: end offsets`);
    } finally {
      await admin.disconnect();
    }
  }
}
