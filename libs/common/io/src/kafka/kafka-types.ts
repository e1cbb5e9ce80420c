/**
 * Client-neutral shapes and ports for Kafka. The kafkajs owners implement them; a second client
 * (e.g. @confluentinc/kafka-javascript, for a benchmark) can implement the same ports and be
 * swapped in without touching the apps.
 */

export interface KafkaProducedRecord {
  readonly topic: string;
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: Readonly<Record<string, Buffer | string>>;
}

export interface KafkaConsumedMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  /** null = tombstone. */
  readonly value: Buffer | null;
  /** Header values as received; when a header name repeats, the last value wins. */
  readonly headers: Readonly<Record<string, Buffer>>;
  /** Record timestamp, milliseconds since the epoch, as a decimal string. */
  readonly timestamp: string;
}

export interface KafkaConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  /** The partition's high-watermark when the batch was fetched (next offset to be written). */
  readonly highWatermark: string;
  readonly messages: readonly KafkaConsumedMessage[];
}

export type KafkaBatchHandler = (batch: KafkaConsumedBatch) => Promise<void>;

export interface KafkaTopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

export interface KafkaProducerPort {
  connect(): Promise<void>;
  /** Resolves when the brokers acknowledged every record (acks=all). */
  send(records: readonly KafkaProducedRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface KafkaBatchConsumerPort {
  /** Joins the group and starts handing whole batches to `handler`; resolves once started. */
  run(handler: KafkaBatchHandler): Promise<void>;
  pause(topics?: readonly string[]): void;
  resume(topics?: readonly string[]): void;
  /** Stops fetching, lets the in-flight handler finish and commit, leaves the group. */
  stop(): Promise<void>;
}

export interface KafkaTopicReaderPort {
  /** Reads `topic` from the start up to its end at call time; with follow, keeps reading after. */
  read(topic: string, handler: KafkaBatchHandler, options?: KafkaReadOptions): Promise<KafkaReadResult>;
  stop(): Promise<void>;
}

export interface KafkaReadOptions {
  /** Keep handing new batches to the handler after the end was reached, until stop(). */
  readonly follow?: boolean;
  /**
   * While following: the reader hit an error. With `restarting` it re-reads the topic from the
   * beginning by itself (nothing is committed), so the handler must be idempotent; without, it has
   * stopped and the caller should read again. Before the end is reached, errors reject `read`.
   */
  readonly onError?: (error: Error, restarting: boolean) => void;
}

export interface KafkaReadResult {
  /** Messages handed to the handler until the end (as of the start) was reached. */
  readonly messages: number;
  /** The high-watermarks the read ran up to, by partition. */
  readonly endOffsets: Readonly<Record<number, string>>;
}
