import { formatSyncSentinel, lookupKey, SYNC_SENTINEL_KEY, type IndicatorRecord, type ObservableKind, type SourceSchedule } from '@iocflow/core';
import type { KafkaBatchHandler, KafkaReadOptions, KafkaReadResult, KafkaTopicReaderPort } from '@iocflow/io';

/** One record of a recorded topic: a key and a JSON value, or null (a tombstone). */
export interface RecordedRecord {
  readonly key: string;
  readonly value: string | null;
}

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

  constructor(private readonly records: RecordedRecord[]) {}

  async read(topic: string, handler: KafkaBatchHandler, options: KafkaReadOptions = {}): Promise<KafkaReadResult> {
    if (this.failure !== undefined) throw this.failure;
    if (options.follow) this.handler = handler;
    await this.deliver(topic, handler, this.records);
    return { messages: this.records.length, endOffsets: { 0: String(this.records.length) } };
  }

  /** Records appended while following (tombstones included). */
  async push(records: RecordedRecord[]): Promise<void> {
    this.records.push(...records);
    if (this.handler !== undefined && !this.stopped) await this.deliver('topic', this.handler, records);
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  private async deliver(topic: string, handler: KafkaBatchHandler, records: readonly RecordedRecord[]): Promise<void> {
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

/** An indicator as misp-sync publishes it. */
export function indicatorRecord(kind: ObservableKind, value: string, feeds: string[]): RecordedRecord {
  const key = lookupKey(kind, value);
  const record: IndicatorRecord = {
    key,
    kind,
    value,
    feeds,
    updatedAt: '2025-05-01T00:00:00.000Z',
    attributes: [{ attributeUuid: `attr-${value}`, mispType: kind === 'ip' ? 'ip-dst' : kind, eventUuid: 'event-1', eventInfo: 'Test event', feeds, tags: feeds, toIds: true, timestamp: 1_700_000_000 }],
  };
  return { key, value: JSON.stringify(record) };
}

/** The freshness record misp-sync publishes: the sync sentinel with these sources. */
export function freshnessRecord(sources: Record<string, SourceSchedule>): RecordedRecord {
  const oldest = Object.values(sources).map((source) => source.lastSuccessAt).sort()[0] ?? new Date(0).toISOString();
  return { key: SYNC_SENTINEL_KEY, value: formatSyncSentinel({ lastSuccessAt: oldest, indicatorCount: 1, sources }) };
}
