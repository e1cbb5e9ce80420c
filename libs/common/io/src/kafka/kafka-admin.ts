import { DEFAULT_KAFKA_CLIENT } from './kafka-client';
import type { KafkaConnectionOptions } from './kafka-config';
import { KafkajsAdmin } from './kafkajs-admin';
import { PlatformaticAdmin } from './platformatic/platformatic-admin';

export interface KafkaTopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** Default: the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  /** Sets cleanup.policy=compact (a key's latest record is kept; null values are tombstones). */
  readonly compacted?: boolean;
  /** Extra topic configs, e.g. { 'retention.ms': '604800000' }. */
  readonly configEntries?: Readonly<Record<string, string>>;
}

export interface KafkaPartitionOffsets {
  readonly partition: number;
  /** First offset still in the log. */
  readonly low: string;
  /** High-watermark: the offset the next record will get. */
  readonly high: string;
}

export interface KafkaPartitionLag {
  readonly partition: number;
  /** Next offset the group will read; null when the group never committed on this partition. */
  readonly committed: string | null;
  readonly high: string;
  /** high − committed (or high − low when nothing is committed). */
  readonly lag: number;
}
/** What the services need of Kafka administration; both clients implement it. */
export interface KafkaAdminPort {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /**
   * Creates the missing topics and leaves existing ones alone (idempotent; safe when several
   * replicas start at once). Returns the names it created. An existing topic with fewer
   * partitions than asked is logged, not changed: repartitioning moves keys between partitions.
   */
  ensureTopics(specs: readonly KafkaTopicSpec[]): Promise<string[]>;
  fetchTopicOffsets(topic: string): Promise<KafkaPartitionOffsets[]>;
  /** Per-partition lag of a consumer group on one topic, for metrics and readiness. */
  consumerGroupLag(groupId: string, topic: string): Promise<KafkaPartitionLag[]>;
  /** The topic's explicitly set and default configs, name → value (e.g. cleanup.policy). */
  describeTopicConfig(topic: string): Promise<Record<string, string>>;
  deleteTopics(topics: readonly string[]): Promise<void>;
}

/** Owner of Kafka administration (topics, offsets, consumer-group lag) on the client `options.client` picks. */
export class KafkaAdmin implements KafkaAdminPort {
  private readonly driver: KafkaAdminPort;

  constructor(options: KafkaConnectionOptions) {
    this.driver = (options.client ?? DEFAULT_KAFKA_CLIENT) === 'kafkajs' ? new KafkajsAdmin(options) : new PlatformaticAdmin(options);
  }

  connect(): Promise<void> {
    return this.driver.connect();
  }

  disconnect(): Promise<void> {
    return this.driver.disconnect();
  }

  ensureTopics(specs: readonly KafkaTopicSpec[]): Promise<string[]> {
    return this.driver.ensureTopics(specs);
  }

  fetchTopicOffsets(topic: string): Promise<KafkaPartitionOffsets[]> {
    return this.driver.fetchTopicOffsets(topic);
  }

  consumerGroupLag(groupId: string, topic: string): Promise<KafkaPartitionLag[]> {
    return this.driver.consumerGroupLag(groupId, topic);
  }

  describeTopicConfig(topic: string): Promise<Record<string, string>> {
    return this.driver.describeTopicConfig(topic);
  }

  deleteTopics(topics: readonly string[]): Promise<void> {
    return this.driver.deleteTopics(topics);
  }
}
