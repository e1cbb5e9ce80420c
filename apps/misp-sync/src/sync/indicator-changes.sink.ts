import { SYNC_SENTINEL_KEY, type IndicatorRecord } from '@iocflow/core';
import type { KafkaAdmin, KafkaProducerPort } from '@iocflow/io';
import type { IndicatorChangesPort } from './sync.pipeline';

/**
 * The compacted indicator topic (`IOC_TOPIC`): key = lookup key, value = the full IndicatorRecord
 * JSON (every contributing attribute), null = tombstone. Compaction keeps each key's last record,
 * so reading the topic from the start yields exactly the current set — for the enricher's local
 * table, and for misp-sync's own state after a restart.
 *
 * One reserved key is not an indicator: `SYNC_SENTINEL_KEY` (`iocflow-sync-state`, never a lookup
 * key) holds the sync sentinel's JSON, the freshness record. Compaction keeps its latest value;
 * readers of the topic recognise the key and judge the indicators' freshness by it.
 */
export class IndicatorChangesSink implements IndicatorChangesPort {
  constructor(
    private readonly producer: KafkaProducerPort,
    private readonly topic: string,
  ) {}

  /** Create the topic compacted when absent (an existing topic is left as it is). */
  static async ensureTopic(admin: KafkaAdmin, topic: string, partitions: number): Promise<void> {
    await admin.ensureTopics([{ topic, partitions, compacted: true }]);
  }

  /** One send: the producer owner cuts it into requests under its maxSendBytes, in order. */
  async publish(records: readonly { readonly key: string; readonly value: IndicatorRecord | null }[]): Promise<void> {
    if (records.length === 0) return;
    await this.producer.send(records.map((record) => ({ topic: this.topic, key: record.key, value: record.value === null ? null : JSON.stringify(record.value) })));
  }

  async publishFreshness(sentinel: string): Promise<void> {
    await this.producer.send([{ topic: this.topic, key: SYNC_SENTINEL_KEY, value: sentinel }]);
  }
}
