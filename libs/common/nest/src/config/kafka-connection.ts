import type { IoLogger, KafkaClientKind, KafkaConnectionOptions } from '@iocflow/io';
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
