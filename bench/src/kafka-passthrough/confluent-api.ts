import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The parts of @confluentinc/kafka-javascript the bench uses, typed here: the package is built
 * beside the repository by scripts/bench-install-confluent.sh (a native addon on librdkafka), not
 * installed as a dependency, so its own typings are not visible to the typecheck.
 */
export type RdKafkaConfig = Readonly<Record<string, unknown>>;

export interface ConfluentMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly offset: string;
  readonly headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export interface ConfluentEachBatchPayload {
  readonly batch: { readonly topic: string; readonly partition: number; readonly messages: ConfluentMessage[]; lastOffset(): string };
  isRunning(): boolean;
  isStale(): boolean;
}

export interface KafkaJsApi {
  Kafka: new (config: { kafkaJS: { brokers: string[]; clientId: string; logLevel?: number } }) => {
    producer(config: RdKafkaConfig & { kafkaJS?: Record<string, unknown> }): {
      connect(): Promise<void>;
      send(record: { topic: string; messages: { key: Buffer | null; value: Buffer | null; partition: number; headers?: ConfluentMessage['headers'] }[] }): Promise<unknown>;
      disconnect(): Promise<void>;
    };
    consumer(config: RdKafkaConfig & { kafkaJS: Record<string, unknown> }): {
      connect(): Promise<void>;
      subscribe(subscription: { topics: string[] }): Promise<void>;
      run(config: { eachBatchAutoResolve: boolean; partitionsConsumedConcurrently: number; eachBatch: (payload: ConfluentEachBatchPayload) => Promise<void> }): Promise<void>;
      commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
      pause(topics: { topic: string }[]): void;
      disconnect(): Promise<void>;
    };
  };
}

/** The node-rdkafka style API underneath (the KafkaJS layer is built on it). */
export interface RdKafkaMessage {
  readonly key?: Buffer | null;
  readonly value: Buffer | null;
  readonly offset: number;
  readonly partition: number;
  readonly headers?: Record<string, Buffer>[];
}

export interface RdKafkaClient {
  connect(options: object, callback: (error: Error | null) => void): void;
  disconnect(callback: (error?: Error | null) => void): void;
  on(event: string, listener: (...args: never[]) => void): void;
}

export interface RdKafkaApi {
  librdkafkaVersion: string;
  features: string[];
  KafkaConsumer: new (config: RdKafkaConfig, topicConfig: RdKafkaConfig) => RdKafkaClient & {
    subscribe(topics: string[]): void;
    consume(count: number, callback: (error: Error | null, messages: RdKafkaMessage[]) => void): void;
    setDefaultConsumeTimeout(ms: number): void;
    setDefaultIsTimeoutOnlyForFirstMessage(only: boolean): void;
    commitCb(offsets: { topic: string; partition: number; offset: number }[], callback: (error: Error | null) => void): void;
    pause(partitions: { topic: string; partition: number }[]): void;
    assignments(): { topic: string; partition: number }[];
  };
  Producer: new (config: RdKafkaConfig) => RdKafkaClient & {
    produce(topic: string, partition: number, value: Buffer | null, key: Buffer | null | undefined, timestamp: number | null, opaque: unknown, headers?: Record<string, Buffer>[]): void;
    setPollInBackground(set: boolean): void;
    flush(timeout: number, callback: (error?: Error | null) => void): void;
  };
  KafkaJS: KafkaJsApi;
}

/**
 * Loads the package: Node's resolution first (NODE_PATH works), then the bench-only folder that
 * scripts/bench-install-confluent.sh fills (BENCH_CLIENTS_DIR, default /var/tmp/iocflow-bench-clients).
 */
export function loadConfluent(): RdKafkaApi {
  const name = '@confluentinc/kafka-javascript';
  try {
    return createRequire(__filename)(name) as RdKafkaApi;
  } catch {
    const dir = process.env['BENCH_CLIENTS_DIR'] || '/var/tmp/iocflow-bench-clients';
    return createRequire(path.join(dir, 'package.json'))(name) as RdKafkaApi;
  }
}

/** The package's version, for the report. */
export function confluentVersion(): string {
  const dir = process.env['BENCH_CLIENTS_DIR'] || '/var/tmp/iocflow-bench-clients';
  try {
    return (createRequire(path.join(dir, 'package.json'))('@confluentinc/kafka-javascript/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Whether the package can be loaded (it is built beside the repo, not by npm ci). */
export function confluentInstalled(): boolean {
  try {
    loadConfluent();
    return true;
  } catch {
    return false;
  }
}

/**
 * The variants to run: an explicit list as given (a confluent variant without the package then
 * fails loudly), or the defaults, without the confluent ones when the package is not built, said
 * in the output.
 */
export function selectVariants(explicit: string | undefined, defaults: readonly string[]): string[] {
  if (explicit) return explicit.split(',').filter(Boolean);
  if (confluentInstalled()) return [...defaults];
  const kept = defaults.filter((v) => !/^(confluent|rdkafka)\b/.test(v));
  console.log(
    `NOTE: @confluentinc/kafka-javascript is not built beside the repo, so ${defaults.length - kept.length} confluent variants are left out ` +
      '(bash scripts/bench-install-confluent.sh builds it, ~3 min).',
  );
  return kept;
}
