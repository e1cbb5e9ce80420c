import { IoError } from '../io-error';

/**
 * Which client implements the Kafka owners (KAFKA_CLIENT). `platformatic` (@platformatic/kafka,
 * pure TypeScript, KIP-848 groups) is the default, chosen by measurement (docs/benchmarks.md,
 * "Kafka client decision"); `kafkajs` (the design's client, patched) stays selectable while shipped.
 */
export type KafkaClientKind = 'platformatic' | 'kafkajs';

export const KAFKA_CLIENT_KINDS = ['platformatic', 'kafkajs'] as const satisfies readonly KafkaClientKind[];

export const DEFAULT_KAFKA_CLIENT: KafkaClientKind = 'platformatic';

/** KAFKA_CLIENT's value (unset or empty = the default). */
export function parseKafkaClientKind(value: string | undefined): KafkaClientKind {
  const kind = (value ?? '').trim().toLowerCase() || DEFAULT_KAFKA_CLIENT;
  if ((KAFKA_CLIENT_KINDS as readonly string[]).includes(kind)) return kind as KafkaClientKind;
  throw new IoError('INVALID_CONFIG', `KAFKA_CLIENT must be one of ${KAFKA_CLIENT_KINDS.join(', ')}, not ${JSON.stringify(value)}`);
}

/**
 * The consumer-group protocol of the platformatic driver (KAFKA_GROUP_PROTOCOL). `classic` is the
 * default: with static membership (KAFKA_GROUP_INSTANCE_ID) a replica restarted after a SIGKILL
 * takes its partitions back at once, and without it a dead member is dropped after the client's
 * session timeout; under `consumer` (KIP-848) the broker's 45 s session timeout must pass first,
 * and a static member that did not leave cannot rejoin before then (docs/benchmarks.md, "Recovery
 * after a SIGKILL"). kafkajs only speaks classic.
 */
export type KafkaGroupProtocol = 'consumer' | 'classic';

export const KAFKA_GROUP_PROTOCOLS = ['classic', 'consumer'] as const satisfies readonly KafkaGroupProtocol[];

export const DEFAULT_KAFKA_GROUP_PROTOCOL: KafkaGroupProtocol = 'classic';

/** Producer compression codecs (KAFKA_COMPRESSION); kafkajs offers none and gzip only. */
export type KafkaCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export const KAFKA_COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const satisfies readonly KafkaCompression[];

/** The codecs kafkajs can write (and read) here. */
export const KAFKAJS_COMPRESSIONS: readonly KafkaCompression[] = ['none', 'gzip'];

/**
 * The producers' compression when KAFKA_COMPRESSION is not set, per client: none for both. lz4
 * costs +1.0–1.4 µs per event for 4.4× fewer bytes and deploy/k8s sets it for the enricher and
 * the indexer, but the kafkajs-based readers (KafkaTopicReader, KAFKA_CLIENT=kafkajs) cannot
 * decode it, so it is opted into, not assumed (docs/benchmarks.md, "Compression and fetch settings").
 */
export const DEFAULT_KAFKA_COMPRESSION: Readonly<Record<KafkaClientKind, KafkaCompression>> = { platformatic: 'none', kafkajs: 'none' };

/**
 * The platformatic consumer's fetch and read-ahead defaults, kept by measurement through the
 * services' owners (docs/benchmarks.md, "Compression and fetch settings": 256 KiB per partition,
 * a 100 ms wait and a 4,096-record read-ahead bought nothing; 1 MiB per partition is cut into two
 * sends under the 896 KiB send limit).
 */
export const PLATFORMATIC_FETCH_DEFAULTS = {
  /** Most bytes one fetch returns per partition (KafkaBatchConsumerOptions.maxBytesPerPartition). */
  maxBytesPerPartition: 512 * 1024,
  /** Longest a fetch waits for data when a partition is idle (maxWaitTimeMs). */
  maxWaitTimeMs: 500,
  /** Records read ahead of the handler before the stream pauses (maxReadAheadRecords). */
  maxReadAheadRecords: 10_000,
} as const;
