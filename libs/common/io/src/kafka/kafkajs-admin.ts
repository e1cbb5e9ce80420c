import { type Admin, ConfigResourceTypes } from 'kafkajs';
import { createKafkaClient, type KafkaConnectionOptions } from './kafka-config';
import { toKafkaIoError } from './kafka-errors';
import type { KafkaAdminPort, KafkaPartitionLag, KafkaPartitionOffsets, KafkaTopicSpec } from './kafka-admin';
import { type IoLogger, stderrIoLogger } from './kafka-logger';

/** The `kafkajs` driver of KafkaAdmin. */
export class KafkajsAdmin implements KafkaAdminPort {
  private readonly admin: Admin;
  private readonly logger: IoLogger;
  private connected: Promise<void> | undefined;

  constructor(options: KafkaConnectionOptions) {
    this.admin = createKafkaClient(options).admin();
    this.logger = options.logger ?? stderrIoLogger;
  }

  async connect(): Promise<void> {
    this.connected ??= this.admin.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw toKafkaIoError(error, 'kafka admin connect');
    });
    return this.connected;
  }

  async disconnect(): Promise<void> {
    this.connected = undefined;
    await this.admin.disconnect();
  }

  /**
   * Creates the missing topics and leaves existing ones alone (idempotent; safe when several
   * replicas start at once). Returns the names it created. An existing topic with fewer
   * partitions than asked is logged, not changed: repartitioning moves keys between partitions.
   */
  async ensureTopics(specs: readonly KafkaTopicSpec[]): Promise<string[]> {
    await this.connect();
    try {
      const existing = new Set(await this.admin.listTopics());
      const missing = specs.filter((s) => !existing.has(s.topic));
      if (missing.length > 0) {
        await this.admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((s) => ({
            topic: s.topic,
            numPartitions: s.partitions,
            replicationFactor: s.replicationFactor ?? -1,
            configEntries: Object.entries({
              ...(s.compacted ? { 'cleanup.policy': 'compact' } : {}),
              ...s.configEntries,
            }).map(([name, value]) => ({ name, value })),
          })),
        });
      }
      const present = specs.filter((s) => existing.has(s.topic));
      if (present.length > 0) {
        const metadata = await this.admin.fetchTopicMetadata({ topics: present.map((s) => s.topic) });
        for (const spec of present) {
          const found = metadata.topics.find((t) => t.name === spec.topic);
          if (found && found.partitions.length < spec.partitions) {
            this.logger.warn('kafka topic has fewer partitions than configured', {
              topic: spec.topic,
              partitions: found.partitions.length,
              wanted: spec.partitions,
            });
          }
        }
      }
      return missing.map((s) => s.topic);
    } catch (error) {
      throw toKafkaIoError(error, 'kafka ensureTopics');
    }
  }

  async fetchTopicOffsets(topic: string): Promise<KafkaPartitionOffsets[]> {
    await this.connect();
    try {
      const offsets = await this.admin.fetchTopicOffsets(topic);
      return offsets
        .map(({ partition, low, high }) => ({ partition, low, high }))
        .sort((a, b) => a.partition - b.partition);
    } catch (error) {
      throw toKafkaIoError(error, `kafka fetchTopicOffsets ${topic}`);
    }
  }

  /** Per-partition lag of a consumer group on one topic, for metrics and readiness. */
  async consumerGroupLag(groupId: string, topic: string): Promise<KafkaPartitionLag[]> {
    const ends = await this.fetchTopicOffsets(topic);
    try {
      const [committed] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
      const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, p.offset]));
      return ends.map(({ partition, low, high }) => {
        const offset = byPartition.get(partition);
        const hasCommit = offset !== undefined && BigInt(offset) >= 0n;
        const from = hasCommit ? BigInt(offset) : BigInt(low);
        return { partition, committed: hasCommit ? offset : null, high, lag: Number(BigInt(high) - from) };
      });
    } catch (error) {
      throw toKafkaIoError(error, `kafka consumerGroupLag ${groupId} ${topic}`);
    }
  }

  /** The topic's explicitly set and default configs, name → value (e.g. cleanup.policy). */
  async describeTopicConfig(topic: string): Promise<Record<string, string>> {
    await this.connect();
    try {
      const { resources } = await this.admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      });
      const entries = resources[0]?.configEntries ?? [];
      return Object.fromEntries(entries.map((e) => [e.configName, e.configValue]));
    } catch (error) {
      throw toKafkaIoError(error, `kafka describeTopicConfig ${topic}`);
    }
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    await this.connect();
    try {
      await this.admin.deleteTopics({ topics: [...topics] });
    } catch (error) {
      throw toKafkaIoError(error, 'kafka deleteTopics');
    }
  }
}
