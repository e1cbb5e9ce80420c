import { KafkaBatchConsumer } from '../kafka-batch-consumer';
import { KafkaProducer } from '../kafka-producer';
import { ConfluentKafkaBatchConsumer } from './confluent-kafka-batch-consumer';
import { ConfluentKafkaProducer } from './confluent-kafka-producer';
import { createKafkaBatchConsumer, createKafkaProducer, parseKafkaClientKind } from './kafka-client';

/** A stand-in for the package's module object: records the configs it was given, connects nowhere. */
function fakeModule(configs: unknown[]) {
  const client = { connect: async () => undefined, disconnect: async () => undefined };
  class Kafka {
    producer(config: unknown) {
      configs.push(config);
      return client;
    }
    consumer(config: unknown) {
      configs.push(config);
      return client;
    }
  }
  return () => ({ KafkaJS: { Kafka } });
}

describe('parseKafkaClientKind', () => {
  it('defaults to kafkajs and accepts confluent in any case', () => {
    expect(parseKafkaClientKind(undefined)).toBe('kafkajs');
    expect(parseKafkaClientKind('')).toBe('kafkajs');
    expect(parseKafkaClientKind(' Confluent ')).toBe('confluent');
  });

  it('rejects anything else with INVALID_CONFIG', () => {
    expect(() => parseKafkaClientKind('rdkafka')).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});

describe('createKafkaProducer / createKafkaBatchConsumer', () => {
  const connection = { brokers: '127.0.0.1:9092', clientId: 'spec', logLevel: 'nothing' as const };

  it('kafkajs builds the kafkajs owners', () => {
    expect(createKafkaProducer('kafkajs', connection)).toBeInstanceOf(KafkaProducer);
    expect(createKafkaBatchConsumer('kafkajs', { ...connection, groupId: 'g', topics: ['t'] })).toBeInstanceOf(KafkaBatchConsumer);
  });

  it('confluent builds idempotent acks=all producers and manual-commit consumers', () => {
    const configs: unknown[] = [];
    const load = fakeModule(configs);
    expect(createKafkaProducer('confluent', { ...connection, sendTimeoutMs: 5000 }, load)).toBeInstanceOf(ConfluentKafkaProducer);
    expect(createKafkaBatchConsumer('confluent', { ...connection, groupId: 'g', topics: ['t'], fromBeginning: true }, load)).toBeInstanceOf(ConfluentKafkaBatchConsumer);
    expect(configs[0]).toMatchObject({ 'message.timeout.ms': 5000, kafkaJS: { idempotent: true, acks: -1, allowAutoTopicCreation: false } });
    expect(configs[1]).toMatchObject({
      'js.consumer.max.batch.size': 1000,
      kafkaJS: { groupId: 'g', fromBeginning: true, autoCommit: false, partitionAssigners: ['roundrobin'] },
    });
  });

  it('confluent consumer options are validated at construction', () => {
    const load = fakeModule([]);
    expect(() => createKafkaBatchConsumer('confluent', { ...connection, groupId: 'g', topics: ['t'], maxBatchSize: 0 }, load)).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
  });
});
