import { requireService } from '@iocflow/testing';
import { KafkaAdmin, KafkaProducer, type KafkaBatchConsumer, type KafkaConnectionOptions } from '../../src';

/** The admin, producer and clean-up every Kafka integration spec of this library shares. */
export interface KafkaTestFixture {
  readonly admin: KafkaAdmin;
  readonly producer: KafkaProducer;
  /** Topics the spec created: deleted after the suite. */
  readonly topics: string[];
  /** Consumers the spec started: stopped after the suite. */
  readonly consumers: KafkaBatchConsumer[];
}

/**
 * Registers the suite's beforeAll/afterAll: fail loudly when Kafka is not running, connect an
 * admin and a producer, and afterwards stop every consumer, delete every topic, disconnect.
 */
export function useKafkaFixture(connection: KafkaConnectionOptions): KafkaTestFixture {
  let admin: KafkaAdmin | undefined;
  let producer: KafkaProducer | undefined;
  const topics: string[] = [];
  const consumers: KafkaBatchConsumer[] = [];

  beforeAll(async () => {
    await requireService('kafka');
    admin = new KafkaAdmin(connection);
    producer = new KafkaProducer(connection);
    await Promise.all([admin.connect(), producer.connect()]);
  });

  afterAll(async () => {
    await Promise.allSettled(consumers.map((c) => c.stop()));
    await producer?.disconnect();
    if (topics.length > 0) await admin?.deleteTopics(topics).catch(() => undefined);
    await admin?.disconnect();
  });

  const connected = <T>(owner: T | undefined, name: string): T => {
    if (owner === undefined) throw new Error(`kafka test fixture: ${name} is used before beforeAll ran`);
    return owner;
  };
  return {
    get admin() {
      return connected(admin, 'admin');
    },
    get producer() {
      return connected(producer, 'producer');
    },
    topics,
    consumers,
  };
}
