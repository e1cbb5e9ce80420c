import { parseSyncSentinel, SYNC_SENTINEL_KEY, type SyncSentinel } from '@iocflow/core';
import type { KafkaAdmin, KafkaProducerPort, KafkaTopicReaderPort } from '@iocflow/io';
import type { IndicatorState } from './indicator-state';
import { parseIndicatorRecord } from './parse-indicator-record';
import type { PipelineLogger, RestoredSync, SyncStatePort } from './sync-ports';
import { formatSyncCursor, parseSyncCursor, type SyncCursor } from './sync-cursor';

/** The one key of the state topic. */
export const CURSOR_KEY = 'cursor';

/**
 * misp-sync's durable state lives in Kafka, nowhere else: the compacted indicator topic holds every
 * key's full contributions (reading it from the start rebuilds the state), and a small compacted
 * state topic (`<IOC_TOPIC>-sync-state`) holds the cursor. The cursor is written only after the
 * records it covers were acknowledged, so a restart resumes from it without skipping anything.
 */
export class SyncStateStore implements SyncStatePort {
  constructor(
    private readonly reader: KafkaTopicReaderPort,
    private readonly producer: KafkaProducerPort,
    private readonly iocTopic: string,
    private readonly stateTopic: string,
    private readonly logger: PipelineLogger,
  ) {}

  static async ensureTopic(admin: KafkaAdmin, stateTopic: string): Promise<void> {
    await admin.ensureTopics([{ topic: stateTopic, partitions: 1, compacted: true }]);
  }

  /** The indicators into `state`, and the cursor and the last freshness record (the sync sentinel under its reserved key). */
  async restore(state: IndicatorState): Promise<RestoredSync> {
    let rejected = 0;
    let freshness: SyncSentinel | undefined;
    await this.reader.read(this.iocTopic, async (batch) => {
      for (const message of batch.messages) {
        if (message.key === null) continue;
        const key = message.key.toString('utf8');
        if (key === SYNC_SENTINEL_KEY) {
          freshness = parseSyncSentinel(message.value) ?? freshness;
          continue;
        }
        if (message.value === null) {
          state.restore(key, undefined);
          continue;
        }
        const record = parseIndicatorRecord(key, message.value.toString('utf8'));
        if (record === undefined) rejected++;
        else state.restore(key, record);
      }
    });
    if (rejected > 0) this.logger.warn('indicator topic records not written by misp-sync were ignored', { topic: this.iocTopic, rejected });
    let cursor: SyncCursor | undefined;
    await this.reader.read(this.stateTopic, async (batch) => {
      for (const message of batch.messages) {
        if (message.key?.toString('utf8') !== CURSOR_KEY) continue;
        cursor = parseSyncCursor(message.value?.toString('utf8'));
      }
    });
    return { ...(cursor === undefined ? {} : { cursor }), ...(freshness === undefined ? {} : { freshness }) };
  }

  async saveCursor(cursor: SyncCursor): Promise<void> {
    await this.producer.send([{ topic: this.stateTopic, key: CURSOR_KEY, value: formatSyncCursor(cursor) }]);
  }
}
