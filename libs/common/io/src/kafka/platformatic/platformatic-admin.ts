import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import type { KafkaAdminPort, KafkaPartitionLag, KafkaPartitionOffsets, KafkaTopicSpec } from '../kafka-admin';
import type { KafkaConnectionOptions } from '../kafka-config';
import { type IoLogger, stderrIoLogger } from '../kafka-logger';
import { type PlatformaticConnection, platformaticConnection, toPlatformaticIoError } from './platformatic-kafka';

/** How long ensureTopics waits for the leaders of topics it created. */
const LEADER_WAIT_MS = 10_000;
/** ListOffsets timestamps: the log start and the high-watermark. */
const EARLIEST = -2n;
const LATEST = -1n;

/** The `platformatic` driver of KafkaAdmin (@platformatic/kafka's Admin; 3 retries per request). */
export class PlatformaticAdmin implements KafkaAdminPort {
  private readonly connection: PlatformaticConnection;
  private readonly logger: IoLogger;
  private admin: Promise<Admin> | undefined;

  constructor(options: KafkaConnectionOptions) {
    this.connection = platformaticConnection(options);
    this.logger = options.logger ?? stderrIoLogger;
  }

  async connect(): Promise<void> {
    await this.run('kafka admin connect', (admin) => admin.metadata({ topics: [] }));
  }

  async disconnect(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await (await admin.catch(() => undefined))?.close();
  }

  async ensureTopics(specs: readonly KafkaTopicSpec[]): Promise<string[]> {
    return this.run('kafka ensureTopics', async (admin) => {
      const existing = new Set(await admin.listTopics());
      const created: string[] = [];
      for (const spec of specs.filter((s) => !existing.has(s.topic))) {
        const configs = Object.entries({ ...(spec.compacted ? { 'cleanup.policy': 'compact' } : {}), ...spec.configEntries }).map(([name, value]) => ({ name, value }));
        try {
          await admin.createTopics({ topics: [spec.topic], partitions: spec.partitions, replicas: spec.replicationFactor ?? -1, configs });
          created.push(spec.topic);
        } catch (error) {
          // another replica created it meanwhile
          if (!toPlatformaticIoError(error, 'create').message.includes('TOPIC_ALREADY_EXISTS')) throw error;
        }
      }
      if (created.length > 0) await this.waitForLeaders(admin, created);
      const present = specs.filter((s) => existing.has(s.topic));
      if (present.length > 0) {
        const metadata = await admin.metadata({ topics: present.map((s) => s.topic) });
        for (const spec of present) {
          const count = metadata.topics.get(spec.topic)?.partitionsCount ?? 0;
          if (count < spec.partitions) {
            this.logger.warn('kafka topic has fewer partitions than configured', { topic: spec.topic, partitions: count, wanted: spec.partitions });
          }
        }
      }
      return created;
    });
  }

  async fetchTopicOffsets(topic: string): Promise<KafkaPartitionOffsets[]> {
    return this.run(`kafka fetchTopicOffsets ${topic}`, async (admin) => {
      const metadata = await admin.metadata({ topics: [topic] });
      const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
      const partitions = Array.from({ length: count }, (_, i) => i);
      const [low, high] = await Promise.all(
        [EARLIEST, LATEST].map((timestamp) =>
          admin.listOffsets({ topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }] }),
        ),
      );
      const offsetOf = (listed: typeof low, partition: number): string =>
        String(listed?.find((t) => t.name === topic)?.partitions.find((p) => p.partitionIndex === partition)?.offset ?? 0n);
      return partitions.map((partition) => ({ partition, low: offsetOf(low, partition), high: offsetOf(high, partition) }));
    });
  }

  async consumerGroupLag(groupId: string, topic: string): Promise<KafkaPartitionLag[]> {
    const ends = await this.fetchTopicOffsets(topic);
    return this.run(`kafka consumerGroupLag ${groupId} ${topic}`, async (admin) => {
      const [group] = await admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: [{ name: topic, partitionIndexes: ends.map((e) => e.partition) }] }] });
      const byPartition = new Map((group?.topics.find((t) => t.name === topic)?.partitions ?? []).map((p) => [p.partitionIndex, p.committedOffset]));
      return ends.map(({ partition, low, high }) => {
        const offset = byPartition.get(partition);
        const hasCommit = offset !== undefined && offset >= 0n;
        const from = hasCommit ? offset : BigInt(low);
        return { partition, committed: hasCommit ? offset.toString() : null, high, lag: Number(BigInt(high) - from) };
      });
    });
  }

  async describeTopicConfig(topic: string): Promise<Record<string, string>> {
    return this.run(`kafka describeTopicConfig ${topic}`, async (admin) => {
      const [description] = await admin.describeConfigs({ resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: null }], includeSynonyms: false });
      return Object.fromEntries((description?.configs ?? []).filter((c) => c.value !== null).map((c) => [c.name, c.value as string]));
    });
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    await this.run('kafka deleteTopics', (admin) => admin.deleteTopics({ topics: [...topics] }));
  }

  private async run<T>(action: string, work: (admin: Admin) => Promise<T>): Promise<T> {
    try {
      return await work(await this.client());
    } catch (error) {
      throw toPlatformaticIoError(error, action);
    }
  }

  private client(): Promise<Admin> {
    if (this.admin === undefined) {
      const admin = new Admin({ ...this.connection, retries: 3, retryDelay: 500 });
      admin.on('error', (error: unknown) => this.logger.warn('kafka admin client error', { error: String(error) }));
      this.admin = Promise.resolve(admin);
    }
    return this.admin;
  }

  /** Waits until every partition of the new topics has a leader that answers ListOffsets (at most LEADER_WAIT_MS). */
  private async waitForLeaders(admin: Admin, topics: readonly string[]): Promise<void> {
    const deadline = Date.now() + LEADER_WAIT_MS;
    for (;;) {
      const ready = await this.leadersAnswer(admin, topics).catch(() => false);
      if (ready || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async leadersAnswer(admin: Admin, topics: readonly string[]): Promise<boolean> {
    const metadata = await admin.metadata({ topics: [...topics], forceUpdate: true });
    const request = topics.map((name) => {
      const found = metadata.topics.get(name);
      const partitions = found?.partitions ?? [];
      return { name, ok: found !== undefined && partitions.length > 0 && partitions.every((p) => p.leader >= 0), count: found?.partitionsCount ?? 0 };
    });
    if (!request.every((t) => t.ok)) return false;
    await admin.listOffsets({
      topics: request.map(({ name, count }) => ({ name, partitions: Array.from({ length: count }, (_, partitionIndex) => ({ partitionIndex, timestamp: LATEST })) })),
    });
    return true;
  }
}
