import { IoError } from '../../io-error';
import { parseKafkaBrokers, type KafkaConnectionOptions } from '../kafka-config';
import { type IoLogger, type KafkaLogLevel, stderrIoLogger } from '../kafka-logger';
import { type ConfluentCommonConfig, type ConfluentKafka, type ConfluentLogger, type ConfluentRdKafkaConfig, loadConfluentKafkaJs, type ModuleLoader } from './confluent-kafkajs-api';

const LOG_LEVELS: Record<KafkaLogLevel, number> = { nothing: 0, error: 1, warn: 2, info: 3, debug: 4 };

/**
 * Our connection options in the shape @confluentinc/kafka-javascript takes: the kafkaJS block for
 * what it maps itself (brokers, clientId, SASL, timeouts, log level) and librdkafka properties for
 * what the block cannot say (the CA file and turning certificate checks off).
 */
export function toConfluentConfig(options: KafkaConnectionOptions): ConfluentRdKafkaConfig & { kafkaJS: ConfluentCommonConfig } {
  if (!options.clientId) throw new IoError('INVALID_CONFIG', 'kafka options: clientId is required');
  const level = options.logLevel ?? 'warn';
  const kafkaJS: ConfluentCommonConfig = {
    brokers: parseKafkaBrokers(options.brokers),
    clientId: options.clientId,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    logLevel: LOG_LEVELS[level],
    logger: confluentLogger(options.logger ?? stderrIoLogger, LOG_LEVELS[level], 'ckjs'),
    ...(options.tls ? { ssl: true } : {}),
    ...(options.sasl ? { sasl: { ...options.sasl } } : {}),
  };
  const rdkafka: Record<`${string}.${string}`, string | boolean> = {};
  if (options.tls?.caFile) rdkafka['ssl.ca.location'] = options.tls.caFile;
  if (options.tls?.rejectUnauthorized === false) rdkafka['enable.ssl.certificate.verification'] = false;
  return { ...rdkafka, kafkaJS };
}

export function createConfluentKafka(options: KafkaConnectionOptions, load?: ModuleLoader): ConfluentKafka {
  const { Kafka } = loadConfluentKafkaJs(load);
  return new Kafka(toConfluentConfig(options));
}

/** Routes the client's own log lines (its JS layer and librdkafka's) to an IoLogger. */
export function confluentLogger(logger: IoLogger, level: number, component: string): ConfluentLogger {
  let current = level;
  const at =
    (threshold: number, write: (message: string, context?: Record<string, unknown>) => void) =>
    (message: string, extra?: object): void => {
      if (current >= threshold) write(message, { component, ...extra });
    };
  return {
    error: at(1, (m, c) => logger.error(m, c)),
    warn: at(2, (m, c) => logger.warn(m, c)),
    info: at(3, (m, c) => logger.info(m, c)),
    debug: at(4, (m, c) => logger.debug(m, c)),
    namespace: (name, namespaceLevel) => confluentLogger(logger, namespaceLevel ?? current, `${component}.${name}`),
    setLogLevel: (next) => {
      current = next;
    },
  };
}
