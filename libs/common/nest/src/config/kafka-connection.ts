import {
  DEFAULT_KAFKA_CLIENT,
  DEFAULT_KAFKA_COMPRESSION,
  DEFAULT_KAFKA_GROUP_PROTOCOL,
  KAFKAJS_COMPRESSIONS,
  type IoLogger,
  type KafkaBatchConsumerOptions,
  type KafkaClientKind,
  type KafkaCompression,
  type KafkaConnectionOptions,
  type KafkaGroupProtocol,
  type KafkaProducerOptions,
} from '@iocflow/io';
import { ConfigError } from './config-error';

/** The Kafka part of every service's validated environment (see `serviceEnvironment`). */
export interface KafkaEnvironment {
  readonly KAFKA_BROKERS: readonly string[];
  readonly KAFKA_CLIENT_ID?: string | undefined;
  /** Absent = the io default (platformatic). */
  readonly KAFKA_CLIENT?: KafkaClientKind | undefined;
  readonly KAFKA_SSL: boolean;
  readonly KAFKA_SSL_CA_FILE?: string | undefined;
  readonly KAFKA_SSL_REJECT_UNAUTHORIZED: boolean;
  readonly KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512' | undefined;
  readonly KAFKA_SASL_USERNAME?: string | undefined;
  readonly KAFKA_SASL_PASSWORD?: string | undefined;
  /** Absent = DEFAULT_KAFKA_GROUP_PROTOCOL. */
  readonly KAFKA_GROUP_PROTOCOL?: KafkaGroupProtocol | undefined;
  /** Milliseconds; absent = the io default (30 s). */
  readonly KAFKA_SESSION_TIMEOUT?: number | undefined;
  readonly KAFKA_GROUP_INSTANCE_ID?: string | undefined;
  /** Absent = DEFAULT_KAFKA_COMPRESSION of the client. */
  readonly KAFKA_COMPRESSION?: KafkaCompression | undefined;
}

/** The group settings every service's consumer shares (KAFKA_GROUP_PROTOCOL, KAFKA_SESSION_TIMEOUT, KAFKA_GROUP_INSTANCE_ID). */
export type KafkaGroupSettings = Pick<KafkaBatchConsumerOptions, 'groupProtocol' | 'sessionTimeoutMs' | 'heartbeatIntervalMs' | 'groupInstanceId'>;

/**
 * The consumer-group settings from the validated environment. The heartbeat interval is a third
 * of the session timeout, at most 3 s (the io default), so a short session still sees three
 * heartbeats before it expires.
 */
export function kafkaGroupSettings(env: KafkaEnvironment): KafkaGroupSettings {
  const session = env.KAFKA_SESSION_TIMEOUT;
  return {
    groupProtocol: env.KAFKA_GROUP_PROTOCOL ?? DEFAULT_KAFKA_GROUP_PROTOCOL,
    ...(session === undefined ? {} : { sessionTimeoutMs: session, heartbeatIntervalMs: Math.min(3000, Math.floor(session / 3)) }),
    ...(env.KAFKA_GROUP_INSTANCE_ID === undefined ? {} : { groupInstanceId: env.KAFKA_GROUP_INSTANCE_ID }),
  };
}

/**
 * The producer settings every service shares: KAFKA_COMPRESSION, or the client's default
 * compression when unset. A codec kafkajs cannot write is a configuration error with
 * KAFKA_CLIENT=kafkajs, and for a producer whose topic the kafkajs-based KafkaTopicReader reads
 * (`readByKafkajs` names it: misp-sync's indicator topic), reported at start-up rather than at the
 * first send or read.
 */
export function kafkaProducerSettings(env: KafkaEnvironment, options: { readonly readByKafkajs?: string } = {}): Pick<KafkaProducerOptions, 'compression'> {
  const client = env.KAFKA_CLIENT ?? DEFAULT_KAFKA_CLIENT;
  const kafkajsOnly = client === 'kafkajs' || options.readByKafkajs !== undefined;
  const compression = env.KAFKA_COMPRESSION ?? (kafkajsOnly ? DEFAULT_KAFKA_COMPRESSION.kafkajs : DEFAULT_KAFKA_COMPRESSION[client]);
  if (kafkajsOnly && !KAFKAJS_COMPRESSIONS.includes(compression)) {
    const why = client === 'kafkajs' ? 'with KAFKA_CLIENT=kafkajs' : `here: ${options.readByKafkajs ?? ''} is read by the kafkajs topic reader`;
    throw new ConfigError([`KAFKA_COMPRESSION: ${compression} is not offered ${why} (${KAFKAJS_COMPRESSIONS.join(', ')})`]);
  }
  return { compression };
}

/**
 * Connection options for the Kafka owners, from the validated environment: TLS (verified unless
 * KAFKA_SSL_REJECT_UNAUTHORIZED=false, optional CA file) and SASL. The password is handed to the
 * client and never logged. A SASL mechanism without both credentials is a configuration error,
 * not a silent fall-back to an unauthenticated connection.
 */
export function kafkaConnection(env: KafkaEnvironment, clientId: string, logger?: IoLogger): KafkaConnectionOptions {
  const mechanism = env.KAFKA_SASL_MECHANISM;
  if (mechanism !== undefined && (env.KAFKA_SASL_USERNAME === undefined || env.KAFKA_SASL_PASSWORD === undefined)) {
    throw new ConfigError(['KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD: both are required with KAFKA_SASL_MECHANISM']);
  }
  return {
    brokers: [...env.KAFKA_BROKERS],
    clientId: env.KAFKA_CLIENT_ID ?? clientId,
    ...(env.KAFKA_CLIENT === undefined ? {} : { client: env.KAFKA_CLIENT }),
    ...(env.KAFKA_SSL
      ? { tls: { rejectUnauthorized: env.KAFKA_SSL_REJECT_UNAUTHORIZED, ...(env.KAFKA_SSL_CA_FILE === undefined ? {} : { caFile: env.KAFKA_SSL_CA_FILE }) } }
      : {}),
    ...(mechanism !== undefined ? { sasl: { mechanism, username: env.KAFKA_SASL_USERNAME ?? '', password: env.KAFKA_SASL_PASSWORD ?? '' } } : {}),
    ...(logger ? { logger } : {}),
  };
}
