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
