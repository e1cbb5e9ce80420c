import { z } from 'zod';
import { DEFAULT_KAFKA_CLIENT, DEFAULT_KAFKA_GROUP_PROTOCOL, KAFKA_CLIENT_KINDS, KAFKA_COMPRESSIONS, KAFKA_GROUP_PROTOCOLS } from '@iocflow/io';

/**
 * Building blocks for each app's environment schema. Defaults live here, in one place.
 * Each helper parses a raw environment string into the typed value the app uses.
 */

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9A-Fa-f:.]+\]:\d{1,5}$/;

/** A comma-separated `host:port` list, e.g. KAFKA_BROKERS or MEMCACHED_SERVERS. */
export function hostPortList(defaultValue: string) {
  return z
    .string()
    .default(defaultValue)
    .transform((raw) => raw.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0))
    .refine((entries) => entries.length > 0, 'must list at least one host:port')
    .refine((entries) => entries.every((entry) => HOST_PORT.test(entry)), 'every entry must be host:port');
}

/** An http(s) URL; credentials inside the URL are refused so they cannot end up in logs. */
export function httpUrl(defaultValue?: string) {
  const base = z.string().refine((raw) => {
    try {
      const url = new URL(raw);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL without credentials (use the separate credential variables)');
  return defaultValue === undefined ? base : base.default(defaultValue);
}

/** A Kafka topic name: the characters Kafka allows, at most 249 of them. */
export function topicName(defaultValue: string) {
  return z
    .string()
    .default(defaultValue)
    .refine((raw) => /^[A-Za-z0-9._-]{1,249}$/.test(raw) && raw !== '.' && raw !== '..', 'must be a valid Kafka topic name');
}

export function integer(defaultValue: number, min: number, max: number) {
  return z
    .string()
    .default(String(defaultValue))
    .transform((raw) => Number(raw))
    .refine((value) => Number.isInteger(value) && value >= min && value <= max, `must be an integer in [${min}, ${max}]`);
}

export function boolean(defaultValue: boolean) {
  return z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(defaultValue ? 'true' : 'false')
    .transform((raw) => raw === 'true' || raw === '1' || raw === 'yes');
}

/** Durations as `500ms`, `30s`, `10m`, `6h`, `7d` or plain milliseconds; parsed to milliseconds. */
export function duration(defaultValue: string) {
  return z
    .string()
    .default(defaultValue)
    .transform((raw) => parseDuration(raw))
    .refine((value) => Number.isFinite(value) && value >= 0, 'must be a duration such as 500ms, 30s, 10m, 6h or 7d');
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw.trim());
  if (!match) return Number.NaN;
  return Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] ?? Number.NaN);
}

export const logLevel = z.enum(['debug', 'info', 'warn', 'error']).default('info');

/** How a service reaches Elasticsearch (the indexer writes, the hunter searches and writes alerts). */
export const elasticsearchEnvironment = {
  ELASTICSEARCH_URL: httpUrl('http://127.0.0.1:9200'),
  /** Secret. */
  ELASTICSEARCH_API_KEY: z.string().min(1).optional(),
  ELASTICSEARCH_USERNAME: z.string().min(1).optional(),
  /** Secret. */
  ELASTICSEARCH_PASSWORD: z.string().optional(),
  ELASTICSEARCH_CA_FILE: z.string().min(1).optional(),
  ELASTICSEARCH_TLS_REJECT_UNAUTHORIZED: boolean(true),
  ELASTICSEARCH_REQUEST_TIMEOUT: duration('30s'),
};

/** Settings every service shares: where Kafka is, where to serve health and metrics, log level. */
export const serviceEnvironment = {
  KAFKA_BROKERS: hostPortList('127.0.0.1:9092'),
  KAFKA_CLIENT_ID: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/).optional(),
  /** The Kafka client behind the io owners: platformatic (@platformatic/kafka, default) or kafkajs. */
  KAFKA_CLIENT: z.enum(KAFKA_CLIENT_KINDS).default(DEFAULT_KAFKA_CLIENT),
  /**
   * platformatic: the consumer-group protocol, `classic` (default: the client's session timeout and
   * static membership, so a SIGKILLed pod that comes back under its name has its partitions at once)
   * or `consumer` (KIP-848: the broker's group.consumer.session.timeout.ms, 45 s by default, passes
   * before a dead member's partitions move). kafkajs: always classic.
   */
  KAFKA_GROUP_PROTOCOL: z.enum(KAFKA_GROUP_PROTOCOLS).default(DEFAULT_KAFKA_GROUP_PROTOCOL),
  /** classic groups (either client): a member silent this long is dropped and its partitions move. */
  KAFKA_SESSION_TIMEOUT: duration('30s').refine((ms) => ms >= 6_000 && ms <= 1_800_000, 'must be between 6s and 30m (the broker\'s group.min/max.session.timeout.ms defaults)'),
  /**
   * platformatic with classic groups: static membership (`group.instance.id`): a member that comes
   * back under this id within KAFKA_SESSION_TIMEOUT takes its partitions back without a rebalance.
   * Unique per replica and stable for its life: the pod name (deploy/k8s sets it from the downward
   * API). Empty = none. Ignored by kafkajs and by KAFKA_GROUP_PROTOCOL=consumer.
   */
  KAFKA_GROUP_INSTANCE_ID: z
    .string()
    .regex(/^([A-Za-z0-9._-]{1,249})?$/, 'letters, digits, ".", "_" and "-", at most 249')
    .optional()
    .transform((raw) => (raw === '' ? undefined : raw)),
  /** Every producer's compression: none, gzip, or with platformatic also snappy, lz4, zstd. Absent = per client (platformatic DEFAULT_KAFKA_COMPRESSION, kafkajs none). */
  KAFKA_COMPRESSION: z.enum(KAFKA_COMPRESSIONS).optional(),
  KAFKA_SSL: boolean(false),
  KAFKA_SSL_CA_FILE: z.string().optional(),
  KAFKA_SSL_REJECT_UNAUTHORIZED: boolean(true),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  HTTP_PORT: integer(0, 0, 65535),
  HTTP_HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: logLevel,
};

/** Environment variable names whose values must never be printed. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'MISP_API_KEY',
  'KAFKA_SASL_PASSWORD',
  'ELASTICSEARCH_API_KEY',
  'ELASTICSEARCH_PASSWORD',
]);
