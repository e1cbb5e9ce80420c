import { readFileSync } from 'node:fs';
import { Kafka, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { z } from 'zod';
import { IoError } from '../io-error';
import { DEFAULT_KAFKA_CLIENT, KAFKA_CLIENT_KINDS, type KafkaClientKind } from './kafka-client';
import { KAFKAJS_LOG_LEVELS, type IoLogger, type KafkaLogLevel, kafkajsLogCreator, stderrIoLogger } from './kafka-logger';

export interface KafkaSaslOptions {
  readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  readonly username: string;
  /** Secret: never logged, never part of describeKafkaConnection(). */
  readonly password: string;
}

export interface KafkaTlsOptions {
  /** PEM file with the CA(s) that signed the brokers' certificates; default: the system CAs. */
  readonly caFile?: string;
  /** Default true. Turning it off accepts any certificate: for local tests only. */
  readonly rejectUnauthorized?: boolean;
}

/** What every Kafka owner needs to reach the cluster. */
export interface KafkaConnectionOptions {
  /** `host:port[,host:port…]` (the KAFKA_BROKERS format) or a list. */
  readonly brokers: string | readonly string[];
  readonly clientId: string;
  /** Which client implements the owners (KAFKA_CLIENT): `platformatic` (default) or `kafkajs`. */
  readonly client?: KafkaClientKind;
  readonly sasl?: KafkaSaslOptions;
  /** Present (even `{}`) = TLS on. */
  readonly tls?: KafkaTlsOptions;
  /** Default 3000 ms. */
  readonly connectionTimeoutMs?: number;
  /** Default 30000 ms. */
  readonly requestTimeoutMs?: number;
  /** kafkajs' own log level; default 'warn'. */
  readonly logLevel?: KafkaLogLevel;
  readonly logger?: IoLogger;
}

const BROKER = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

const schema = z.object({
  brokers: z.union([z.string(), z.array(z.string())]),
  clientId: z.string().min(1),
  client: z.enum(KAFKA_CLIENT_KINDS).default(DEFAULT_KAFKA_CLIENT),
  sasl: z
    .object({
      mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
      username: z.string().min(1),
      password: z.string().min(1),
    })
    .optional(),
  tls: z.object({ caFile: z.string().min(1).optional(), rejectUnauthorized: z.boolean().default(true) }).optional(),
  connectionTimeoutMs: z.number().int().positive().default(3000),
  requestTimeoutMs: z.number().int().positive().default(30000),
  logLevel: z.enum(['nothing', 'error', 'warn', 'info', 'debug']).default('warn'),
});

export function parseKafkaBrokers(brokers: string | readonly string[]): string[] {
  const list = (typeof brokers === 'string' ? brokers.split(',') : [...brokers]).map((b) => b.trim()).filter(Boolean);
  if (list.length === 0) throw new IoError('INVALID_CONFIG', 'kafka: no brokers configured');
  for (const broker of list) {
    const port = Number(BROKER.exec(broker)?.[2]);
    if (!(port >= 1 && port <= 65535)) throw new IoError('INVALID_CONFIG', `kafka: broker ${JSON.stringify(broker)} is not host:port`);
  }
  return list;
}

export type ValidKafkaConnection = z.infer<typeof schema> & { readonly brokerList: string[]; readonly ca?: string[] };

/**
 * Validates the connection options once (both clients): problems are reported together in one
 * INVALID_CONFIG error, which never contains the SASL password (zod issues name paths, not values);
 * the broker list is parsed and the CA file read.
 */
export function validateKafkaConnection(options: KafkaConnectionOptions): ValidKafkaConnection {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new IoError('INVALID_CONFIG', `kafka options: ${problems}`);
  }
  const o = parsed.data;
  let ca: string[] | undefined;
  if (o.tls?.caFile) {
    try {
      ca = [readFileSync(o.tls.caFile, 'utf8')];
    } catch (error) {
      throw new IoError('INVALID_CONFIG', `kafka options: cannot read tls.caFile ${o.tls.caFile}`, { cause: error });
    }
  }
  return { ...o, brokerList: parseKafkaBrokers(o.brokers), ...(ca ? { ca } : {}) };
}

/** Validates the options (validateKafkaConnection) and builds the kafkajs client. */
export function createKafkaClient(options: KafkaConnectionOptions): Kafka {
  const o = validateKafkaConnection(options);
  const config: KafkaConfig = {
    clientId: o.clientId,
    brokers: o.brokerList,
    connectionTimeout: o.connectionTimeoutMs,
    requestTimeout: o.requestTimeoutMs,
    logLevel: KAFKAJS_LOG_LEVELS[o.logLevel],
    logCreator: kafkajsLogCreator(options.logger ?? stderrIoLogger),
  };
  if (o.tls) config.ssl = { rejectUnauthorized: o.tls.rejectUnauthorized, ...(o.ca ? { ca: o.ca } : {}) };
  if (o.sasl) config.sasl = { ...o.sasl } as SASLOptions;
  return new Kafka(config);
}

/** A log-safe one-line description: brokers, client id, TLS and SASL mechanism; no secrets. */
export function describeKafkaConnection(options: KafkaConnectionOptions): string {
  const brokers = typeof options.brokers === 'string' ? options.brokers : options.brokers.join(',');
  const tls = options.tls ? `tls(rejectUnauthorized=${options.tls.rejectUnauthorized ?? true})` : 'plaintext';
  const sasl = options.sasl ? `sasl=${options.sasl.mechanism} user=${options.sasl.username}` : 'no-sasl';
  return `kafka client=${options.client ?? DEFAULT_KAFKA_CLIENT} brokers=${brokers} clientId=${options.clientId} ${tls} ${sasl}`;
}
