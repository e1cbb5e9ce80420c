import { type Consumer, consumerFetchesChannel } from '@platformatic/kafka';

interface FetchedPartition {
  readonly partitionIndex: number;
  readonly errorCode: number;
  readonly highWatermark: bigint;
}

interface FetchedTopic {
  /** The topic's id (fetch ≥ v13) or its name (older versions). */
  readonly topicId: string;
  readonly partitions: readonly FetchedPartition[];
}

interface FetchContext {
  readonly client?: unknown;
  readonly result?: { readonly responses?: readonly FetchedTopic[] };
}

/**
 * The high-watermark of every partition one consumer fetches, as the brokers reported it in their
 * fetch responses. @platformatic/kafka's MessagesStream hands out records without it, so the
 * driver reads it from the client's `plt:kafka:consumer:fetches` diagnostics channel (published
 * before the stream sees the response, hence before the records it carries): the consumer-lag
 * gauges then read `highWatermark - (last offset + 1)` as they do with kafkajs' `batch.highWatermark`.
 * Fetch responses name topics by id (fetch v13+); ids are mapped to names from the client's
 * metadata, asked again when an id is not known yet (a topic created meanwhile).
 */
export class PlatformaticHighWatermarks {
  private readonly marks = new Map<string, bigint>();
  private readonly names = new Map<string, string>();
  private resolving = false;
  private readonly subscribers: Parameters<typeof consumerFetchesChannel.subscribe>[0];

  constructor(
    private readonly consumer: Consumer<Buffer, Buffer, Buffer, Buffer>,
    private readonly topics: readonly string[],
  ) {
    const ignore = (): void => undefined;
    this.subscribers = { start: ignore, end: ignore, asyncStart: (context) => this.fetched(context as FetchContext), asyncEnd: ignore, error: ignore };
    consumerFetchesChannel.subscribe(this.subscribers);
  }

  /** The partition's last reported high-watermark, or undefined before its first fetch response. */
  get(topic: string, partition: number): bigint | undefined {
    return this.marks.get(`${topic}:${partition}`);
  }

  close(): void {
    consumerFetchesChannel.unsubscribe(this.subscribers);
  }

  private fetched(context: FetchContext): void {
    if (context.client !== this.consumer) return;
    for (const topic of context.result?.responses ?? []) {
      const name = this.topics.includes(topic.topicId) ? topic.topicId : this.names.get(topic.topicId);
      if (name === undefined) {
        this.resolveNames();
        continue;
      }
      for (const p of topic.partitions) if (p.errorCode === 0 && p.highWatermark >= 0n) this.marks.set(`${name}:${p.partitionIndex}`, p.highWatermark);
    }
  }

  /** Maps the topics' ids to their names now, before the first fetch response (also done when an unknown id arrives). */
  resolveTopicIds(): void {
    this.resolveNames();
  }

  private resolveNames(): void {
    if (this.resolving) return;
    this.resolving = true;
    this.consumer
      .metadata({ topics: [...this.topics] })
      .then((metadata) => {
        for (const [name, topic] of metadata.topics) this.names.set(topic.id, name);
      })
      .catch(() => undefined)
      .finally(() => {
        this.resolving = false;
      });
  }
}
