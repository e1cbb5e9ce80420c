import type { KafkaBatchHandler, KafkaReadOptions, KafkaReadResult, KafkaTopicReaderPort } from '@iocflow/io';
import type { TopicRecord } from '../indicator-records';

/**
 * A topic held in memory for unit specs of the topic followers (the integration tier reads the
 * real Kafka): `read` hands the records to the handler as one batch and resolves, as the real
 * reader does at the high-watermark; `push` delivers more records while it follows; `fail` makes
 * the next read reject.
 */
export class RecordedTopicReader implements KafkaTopicReaderPort {
  private handler: KafkaBatchHandler | undefined;
  private offset = 0;
  failure: Error | undefined;
  stopped = false;

  constructor(private readonly records: TopicRecord[]) {}

  async read(topic: string, handler: KafkaBatchHandler, options: KafkaReadOptions = {}): Promise<KafkaReadResult> {
    if (this.failure !== undefined) throw this.failure;
    if (options.follow) this.handler = handler;
    await this.deliver(topic, handler, this.records);
    return { messages: this.records.length, endOffsets: { 0: String(this.records.length) } };
  }

  /** Records appended while following (tombstones included). */
  async push(records: TopicRecord[]): Promise<void> {
    this.records.push(...records);
    if (this.handler !== undefined && !this.stopped) await this.deliver('topic', this.handler, records);
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  private async deliver(topic: string, handler: KafkaBatchHandler, records: readonly TopicRecord[]): Promise<void> {
    const messages = records.map((record) => ({
      offset: String(this.offset++),
      key: Buffer.from(record.key),
      value: record.value === null ? null : Buffer.from(record.value),
      headers: {},
      timestamp: '0',
    }));
    await handler({ topic, partition: 0, highWatermark: String(this.offset), messages });
  }
}
