import { SYNC_SENTINEL_KEY, type IndicatorRecord } from '@iocflow/core';
import type { KafkaAdmin, KafkaProducerPort } from '@iocflow/io';
import type { IndicatorChangesPort } from './sync-ports';

/**
 * Bytes of record values per produce call. The broker refuses a record batch over
 * `message.max.bytes` (1 MiB by default), and kafkajs sends one batch per partition per call.
 */
const MAX_SEND_BYTES = 512 * 1024;

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

  async publish(records: readonly { readonly key: string; readonly value: IndicatorRecord | null }[]): Promise<void> {
    let chunk: { topic: string; key: string; value: string | null }[] = [];
    let bytes = 0;
    for (const record of records) {
      const value = record.value === null ? null : JSON.stringify(record.value);
      chunk.push({ topic: this.topic, key: record.key, value });
      bytes += record.key.length + (value?.length ?? 0);
      if (bytes >= MAX_SEND_BYTES) {
        await this.producer.send(chunk);
        chunk = [];
        bytes = 0;
      }
    }
    if (chunk.length > 0) await this.producer.send(chunk);
  }

  async publishFreshness(sentinel: string): Promise<void> {
    await this.producer.send([{ topic: this.topic, key: SYNC_SENTINEL_KEY, value: sentinel }]);
  }
}
