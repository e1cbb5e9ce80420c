import { SYNC_SENTINEL_KEY, type IndicatorRecord } from '@iocflow/core';
import type { KafkaAdmin, KafkaProducerPort } from '@iocflow/io';
import type { IndicatorChangesPort } from './sync-ports';

/** Records serialised per producer send: bounds the JSON held at once (~10 MB), not the request size. */
const PUBLISH_SLICE_RECORDS = 20_000;

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

  /**
   * The records serialised and sent PUBLISH_SLICE_RECORDS at a time (so a full sync never holds
   * every record's JSON at once); the producer owner cuts each send into requests under its
   * maxSendBytes and keeps their order.
   */
  async publish(records: readonly { readonly key: string; readonly value: IndicatorRecord | null }[]): Promise<void> {
    for (let from = 0; from < records.length; from += PUBLISH_SLICE_RECORDS) {
      const slice = records.slice(from, from + PUBLISH_SLICE_RECORDS);
      await this.producer.send(slice.map((record) => ({ topic: this.topic, key: record.key, value: record.value === null ? null : JSON.stringify(record.value) })));
    }
  }

  async publishFreshness(sentinel: string): Promise<void> {
    await this.producer.send([{ topic: this.topic, key: SYNC_SENTINEL_KEY, value: sentinel }]);
  }
}
