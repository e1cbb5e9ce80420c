import { IoError, KafkaBatchConsumer, KAFKA_CLIENT_KINDS } from '../../src';
import { pollUntil, stackEndpoints, uniqueName } from '@iocflow/testing';
import { useKafkaFixture } from './kafka-test-fixture';

const brokers = stackEndpoints().kafkaBrokers;
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const clientBase = { brokers, clientId: 'common-io-crash-it', logger: quiet };

/** What happens to a batch whose handler fails, by the error's retriable flag (see KafkaBatchConsumer). */
describe.each(KAFKA_CLIENT_KINDS)('KafkaBatchConsumer handler failures against the real Kafka 4 (client %s)', (client) => {
  const base = { ...clientBase, client };
  const kafka = useKafkaFixture(base);
  const { topics, consumers } = kafka;

  async function topicWith(records: number): Promise<string> {
    const topic = uniqueName('it-io-crash');
    topics.push(topic);
    await kafka.admin.ensureTopics([{ topic, partitions: 1 }]);
    await kafka.producer.send(Array.from({ length: records }, (_, i) => ({ topic, key: `k${i}`, value: `v${i}` })));
    return topic;
  }

  function newConsumer(groupId: string, topic: string, onCrash?: (error: IoError, restart: boolean) => void): KafkaBatchConsumer {
    const consumer = new KafkaBatchConsumer({ ...base, groupId, topics: [topic], fromBeginning: true, heartbeatIntervalMs: 500, sessionTimeoutMs: 10_000, listeners: onCrash ? { onCrash } : {} });
    consumers.push(consumer);
    return consumer;
  }

  it('a retriable handler error leaves the batch uncommitted and it is delivered again (re-fetch or restart), until it succeeds', async () => {
    const topic = await topicWith(10);
    const groupId = uniqueName('it-group');
    const crashes: boolean[] = [];
    let calls = 0;
    const delivered: string[] = [];
    const consumer = newConsumer(groupId, topic, (_error, restart) => crashes.push(restart));
    // kafkajs re-fetches the batch with backoff (its retry policy) and restarts the consumer when
    // the policy gives up; either way the consumer must never stop for good.
    await consumer.run(async (batch) => {
      if (++calls <= 7) throw new IoError('KAFKA_UNAVAILABLE', 'kafka send: kafka.producer state lost (OUT_OF_ORDER_SEQUENCE_NUMBER)');
      for (const m of batch.messages) delivered.push(m.offset);
    });
    await pollUntil(async () => (await kafka.admin.consumerGroupLag(groupId, topic))[0]!.committed === '10', { timeoutMs: 90_000, intervalMs: 500, description: 'the batch committed after the restart' });
    expect(crashes.every((restart) => restart)).toBe(true);
    expect(delivered.slice(0, 10)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(consumer.crashed).toBeUndefined();
    await consumer.stop();
  }, 120_000);

  it('a non-retriable handler error stops the consumer for good and says so; the batch stays uncommitted for the next process', async () => {
    const topic = await topicWith(5);
    const groupId = uniqueName('it-group');
    const crashes: { error: IoError; restart: boolean }[] = [];
    const consumer = newConsumer(groupId, topic, (error, restart) => crashes.push({ error, restart }));
    await consumer.run(async () => {
      throw new IoError('KAFKA_REJECTED', 'kafka send: MESSAGE_TOO_LARGE');
    });
    await pollUntil(() => consumer.crashed !== undefined, { timeoutMs: 30_000, description: 'the consumer to report its crash' });
    expect(crashes).toHaveLength(1);
    expect(crashes[0]!.restart).toBe(false);
    expect(consumer.crashed?.message).toContain('MESSAGE_TOO_LARGE');
    expect((await kafka.admin.consumerGroupLag(groupId, topic))[0]!.committed).toBeNull();
    await consumer.stop();

    // What a restarted pod does: a new member of the group gets the whole batch again.
    const delivered: string[] = [];
    const next = newConsumer(groupId, topic);
    await next.run(async (batch) => {
      for (const m of batch.messages) delivered.push(m.offset);
    });
    await pollUntil(() => delivered.length >= 5, { timeoutMs: 30_000, description: 'the batch delivered to the next member' });
    expect(delivered).toEqual(['0', '1', '2', '3', '4']);
    expect(next.crashed).toBeUndefined();
    await next.stop();
  }, 90_000);
});
