import { IoError } from '../../io-error';
import { KafkaBatchConsumer, type KafkaBatchConsumerOptions } from '../kafka-batch-consumer';
import { KafkaProducer, type KafkaProducerOptions } from '../kafka-producer';
import type { KafkaBatchConsumerPort, KafkaProducerPort } from '../kafka-types';
import { ConfluentKafkaBatchConsumer, type ConfluentKafkaBatchConsumerOptions } from './confluent-kafka-batch-consumer';
import { ConfluentKafkaProducer, type ConfluentKafkaProducerOptions } from './confluent-kafka-producer';
import type { ModuleLoader } from './confluent-kafkajs-api';

/** Which Kafka client implements the ports (KAFKA_CLIENT); kafkajs is the default. */
export type KafkaClientKind = 'kafkajs' | 'confluent';

export const KAFKA_CLIENT_KINDS: readonly KafkaClientKind[] = ['kafkajs', 'confluent'];

/** KAFKA_CLIENT's value (unset or empty = kafkajs). */
export function parseKafkaClientKind(value: string | undefined): KafkaClientKind {
  const kind = (value ?? '').trim().toLowerCase() || 'kafkajs';
  if ((KAFKA_CLIENT_KINDS as readonly string[]).includes(kind)) return kind as KafkaClientKind;
  throw new IoError('INVALID_CONFIG', `KAFKA_CLIENT must be one of ${KAFKA_CLIENT_KINDS.join(', ')}, not ${JSON.stringify(value)}`);
}

export function createKafkaProducer(kind: KafkaClientKind, options: KafkaProducerOptions & ConfluentKafkaProducerOptions, load?: ModuleLoader): KafkaProducerPort {
  return kind === 'confluent' ? new ConfluentKafkaProducer(options, load) : new KafkaProducer(options);
}

export function createKafkaBatchConsumer(
  kind: KafkaClientKind,
  options: KafkaBatchConsumerOptions & ConfluentKafkaBatchConsumerOptions,
  load?: ModuleLoader,
): KafkaBatchConsumerPort {
  return kind === 'confluent' ? new ConfluentKafkaBatchConsumer(options, load) : new KafkaBatchConsumer(options);
}
