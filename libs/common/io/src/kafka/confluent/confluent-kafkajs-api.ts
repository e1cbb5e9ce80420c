import { createRequire } from 'node:module';
import { IoError } from '../../io-error';

/**
 * The part of @confluentinc/kafka-javascript's KafkaJS-compatible API (`require(pkg).KafkaJS`) that
 * the confluent owners use, written out here so that the repository typechecks and installs without
 * the package: it builds librdkafka from source at install time (no prebuilt binary can be fetched
 * here), so it is not a dependency of the workspace. See ../README.md, "kafkajs vs
 * @confluentinc/kafka-javascript", for how to install it beside the repository.
 */
export const CONFLUENT_PACKAGE = '@confluentinc/kafka-javascript';

/** librdkafka properties (outer config, dotted names) next to the `kafkaJS` block. */
export type ConfluentRdKafkaConfig = { readonly [property: `${string}.${string}`]: string | number | boolean | undefined };

export interface ConfluentCommonConfig {
  readonly brokers: string[];
  readonly clientId: string;
  readonly ssl?: boolean;
  readonly sasl?: { readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; readonly username: string; readonly password: string };
  readonly connectionTimeout?: number;
  readonly requestTimeout?: number;
  /** 0 nothing … 4 debug, as kafkajs' logLevel enum. */
  readonly logLevel?: number;
  readonly logger?: ConfluentLogger;
}

export interface ConfluentLogger {
  info(message: string, extra?: object): void;
  error(message: string, extra?: object): void;
  warn(message: string, extra?: object): void;
  debug(message: string, extra?: object): void;
  namespace(namespace: string, logLevel?: number): ConfluentLogger;
  setLogLevel(logLevel: number): void;
}

export interface ConfluentProducerConfig {
  readonly idempotent?: boolean;
  readonly acks?: number;
  readonly compression?: 'none' | 'gzip';
  /** Brokers' ack timeout (request.timeout.ms). */
  readonly timeout?: number;
  readonly allowAutoTopicCreation?: boolean;
}

export interface ConfluentConsumerConfig {
  readonly groupId: string;
  readonly fromBeginning?: boolean;
  readonly autoCommit?: boolean;
  readonly sessionTimeout?: number;
  readonly rebalanceTimeout?: number;
  readonly heartbeatInterval?: number;
  readonly maxBytesPerPartition?: number;
  readonly maxWaitTimeInMs?: number;
  readonly allowAutoTopicCreation?: boolean;
  readonly partitionAssigners?: ('roundrobin' | 'range' | 'cooperative-sticky')[];
}

export interface ConfluentMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: string;
  readonly offset: string;
  readonly headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export interface ConfluentBatch {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: string;
  readonly messages: ConfluentMessage[];
  lastOffset(): string;
}

export interface ConfluentEachBatchPayload {
  readonly batch: ConfluentBatch;
  resolveOffset(offset: string): void;
  isRunning(): boolean;
  isStale(): boolean;
}

export interface ConfluentTopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** librdkafka's rebalance_cb as the KafkaJS layer calls it (err.code -175 assign, -174 revoke). */
export type ConfluentRebalanceCallback = (
  error: { readonly code: number },
  assignment: readonly { readonly topic: string; readonly partition: number }[],
) => void;

export const CONFLUENT_ERR_ASSIGN_PARTITIONS = -175;
export const CONFLUENT_ERR_REVOKE_PARTITIONS = -174;

export interface ConfluentProducer {
  connect(): Promise<void>;
  sendBatch(batch: {
    topicMessages: { topic: string; messages: { key: Buffer | string | null; value: Buffer | string | null; headers?: Record<string, Buffer | string> }[] }[];
  }): Promise<unknown[]>;
  disconnect(): Promise<void>;
}

export interface ConfluentConsumer {
  connect(): Promise<void>;
  subscribe(subscription: { topics: string[] }): Promise<void>;
  run(config: {
    eachBatchAutoResolve: boolean;
    partitionsConsumedConcurrently: number;
    eachBatch: (payload: ConfluentEachBatchPayload) => Promise<void>;
  }): Promise<void>;
  commitOffsets(offsets: ConfluentTopicPartitionOffset[]): Promise<void>;
  pause(topics: { topic: string }[]): void;
  resume(topics: { topic: string }[]): void;
  disconnect(): Promise<void>;
}

export interface ConfluentKafka {
  producer(config: ConfluentRdKafkaConfig & { kafkaJS: ConfluentProducerConfig }): ConfluentProducer;
  consumer(config: ConfluentRdKafkaConfig & { kafkaJS: ConfluentConsumerConfig; rebalance_cb?: ConfluentRebalanceCallback }): ConfluentConsumer;
}

export interface ConfluentKafkaJs {
  Kafka: new (config: ConfluentRdKafkaConfig & { kafkaJS: ConfluentCommonConfig }) => ConfluentKafka;
}

/** How the package is found: Node's resolution from this file (node_modules, then NODE_PATH). */
export type ModuleLoader = (name: string) => unknown;

const defaultLoader: ModuleLoader = (name) => createRequire(__filename)(name);

/**
 * Loads the package on first use only, so that the kafkajs path never needs it. A missing or
 * unbuilt package is a configuration error (KAFKA_CLIENT=confluent without the client installed).
 */
export function loadConfluentKafkaJs(load: ModuleLoader = defaultLoader): ConfluentKafkaJs {
  let loaded: unknown;
  try {
    loaded = load(CONFLUENT_PACKAGE);
  } catch (error) {
    throw new IoError('INVALID_CONFIG', `kafka client "confluent" needs ${CONFLUENT_PACKAGE} (not installed or not built): ${String(error)}`, {
      cause: error,
    });
  }
  const api = (loaded as { KafkaJS?: Partial<ConfluentKafkaJs> } | null)?.KafkaJS;
  if (typeof api?.Kafka !== 'function') {
    throw new IoError('INVALID_CONFIG', `kafka client "confluent": ${CONFLUENT_PACKAGE} has no KafkaJS.Kafka export`);
  }
  return api as ConfluentKafkaJs;
}
