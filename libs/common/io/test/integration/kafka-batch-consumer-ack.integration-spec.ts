import { IoError, KafkaBatchConsumer, type KafkaConsumedBatch, KAFKA_CLIENT_KINDS } from '../../src';
import { pollUntil, stackEndpoints, uniqueName } from '@iocflow/testing';
import { useKafkaFixture } from './kafka-test-fixture';

const brokers = stackEndpoints().kafkaBrokers;
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const clientBase = { brokers, clientId: 'common-io-ack-it', logger: quiet };

/** A delivered batch whose acknowledgement the test settles by hand. */
interface Delivery {
  readonly batch: KafkaConsumedBatch;
  readonly offsets: string[];
  ack(): void;
  nack(error: Error): void;
}

/** commitMode 'on-acknowledge' against the real Kafka 4: ordered commits, stop, failures. */
describe.each(KAFKA_CLIENT_KINDS)('KafkaBatchConsumer on-acknowledge against the real Kafka 4 (client %s)', (client) => {
  const base = { ...clientBase, client };
  const kafka = useKafkaFixture(base);
  const { topics, consumers } = kafka;

  /** One topic of one partition whose records are written by `sends` separate produce calls (one record batch each). */
  async function topicWith(sends: number, perSend: number): Promise<string> {
    const topic = uniqueName('it-io-ack');
    topics.push(topic);
    await kafka.admin.ensureTopics([{ topic, partitions: 1 }]);
    for (let s = 0; s < sends; s += 1) {
      await kafka.producer.send(Array.from({ length: perSend }, (_, i) => ({ topic, key: `k${s}-${i}`, value: `v${s}-${i}` })));
    }
    return topic;
  }

  /**
   * A consumer in on-acknowledge mode whose handler records each delivery and returns a promise the
   * test settles. Fetches are capped at a few bytes, so every fetch returns one record batch: each
   * produce call above becomes one delivery.
   */
  function ackConsumer(groupId: string, topicsToRead: string[], deliveries: Delivery[], onCrash?: (error: IoError, restart: boolean) => void) {
    const consumer = new KafkaBatchConsumer({
      ...base,
      groupId,
      topics: topicsToRead,
      fromBeginning: true,
      commitMode: 'on-acknowledge',
      maxInFlightBatches: 10,
      maxBytesPerPartition: 16,
      maxWaitTimeMs: 100,
      heartbeatIntervalMs: 500,
      sessionTimeoutMs: 10_000,
      stopTimeoutMs: 10_000,
      listeners: onCrash ? { onCrash } : {},
    });
    consumers.push(consumer);
    const run = consumer.run(
      (batch) =>
        new Promise<void>((resolve, reject) => {
          deliveries.push({ batch, offsets: batch.messages.map((m) => m.offset), ack: resolve, nack: reject });
        }),
    );
    return { consumer, run };
  }

  const committed = async (groupId: string, topic: string): Promise<string | null> => (await kafka.admin.consumerGroupLag(groupId, topic))[0]!.committed;
  const of = (deliveries: Delivery[], topic: string): Delivery[] => deliveries.filter((d) => d.batch.topic === topic);

  it('fetches on while batches are unacknowledged, and commits only the contiguous acknowledged prefix', async () => {
    const a = await topicWith(3, 2);
    const b = await topicWith(1, 2);
    const groupId = uniqueName('it-group');
    const deliveries: Delivery[] = [];
    const { consumer, run } = ackConsumer(groupId, [a, b], deliveries);
    await run;
    // all three batches of `a` arrive although none was acknowledged: fetching overlaps the work
    await pollUntil(() => of(deliveries, a).length === 3 && of(deliveries, b).length === 1, { timeoutMs: 30_000, description: 'every batch delivered unacknowledged' });
    const [a1, a2, a3] = of(deliveries, a) as [Delivery, Delivery, Delivery];
    expect([a1.offsets, a2.offsets, a3.offsets]).toEqual([['0', '1'], ['2', '3'], ['4', '5']]);

    // later batches of `a` acknowledged first; then `b`. Commits are sent one at a time in
    // acknowledgement order, so once b's commit is visible any commit for a would be too.
    a3.ack();
    a2.ack();
    of(deliveries, b)[0]!.ack();
    await pollUntil(async () => (await committed(groupId, b)) === '2', { timeoutMs: 20_000, description: 'b committed' });
    expect(await committed(groupId, a)).toBeNull();

    a1.ack();
    await pollUntil(async () => (await committed(groupId, a)) === '6', { timeoutMs: 20_000, description: 'a committed through its last batch' });
    await consumer.stop();
    expect(deliveries).toHaveLength(4);
  }, 90_000);

  it('stop() waits for the in-flight acknowledgements, commits them, then leaves the group', async () => {
    const topic = await topicWith(2, 3);
    const groupId = uniqueName('it-group');
    const deliveries: Delivery[] = [];
    const { consumer, run } = ackConsumer(groupId, [topic], deliveries);
    await run;
    await pollUntil(() => deliveries.length === 2, { timeoutMs: 30_000, description: 'both batches delivered' });
    let stopped = false;
    const stopping = consumer.stop().then(() => (stopped = true));
    // stop is waiting for the acknowledgements; acknowledge in reverse order
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    deliveries[1]!.ack();
    deliveries[0]!.ack();
    await stopping;
    expect(await committed(groupId, topic)).toBe('6');
  }, 90_000);

  it('a failed acknowledgement is never skipped: nothing after it commits, the partition is fetched again from it', async () => {
    const topic = await topicWith(3, 2);
    const groupId = uniqueName('it-group');
    const deliveries: Delivery[] = [];
    const { consumer, run } = ackConsumer(groupId, [topic], deliveries);
    await run;
    await pollUntil(() => deliveries.length === 3, { timeoutMs: 30_000, description: 'three batches delivered' });
    const [d1, d2, d3] = deliveries as [Delivery, Delivery, Delivery];
    d1.ack();
    await pollUntil(async () => (await committed(groupId, topic)) === '2', { timeoutMs: 20_000, description: 'the first batch committed' });
    d3.ack();
    d2.nack(new IoError('ELASTICSEARCH_UNAVAILABLE', 'downstream gave up'));
    // redelivered from the failed batch's first offset, in the same process
    await pollUntil(() => deliveries.length >= 5, { timeoutMs: 30_000, description: 'the failed batch and the next delivered again' });
    expect(deliveries.slice(3).map((d) => d.offsets)).toEqual([['2', '3'], ['4', '5']]);
    expect(await committed(groupId, topic)).toBe('2');
    for (const d of deliveries.slice(3)) d.ack();
    await pollUntil(async () => (await committed(groupId, topic)) === '6', { timeoutMs: 20_000, description: 'everything committed after the redelivery' });
    expect(consumer.crashed).toBeUndefined();
    await consumer.stop();
  }, 90_000);

  it('a non-retriable failed acknowledgement crashes the consumer for good; the next process gets the batch again', async () => {
    const topic = await topicWith(2, 2);
    const groupId = uniqueName('it-group');
    const deliveries: Delivery[] = [];
    const crashes: boolean[] = [];
    const first = ackConsumer(groupId, [topic], deliveries, (_error, restart) => crashes.push(restart));
    await first.run;
    await pollUntil(() => deliveries.length === 2, { timeoutMs: 30_000, description: 'both batches delivered' });
    deliveries[1]!.ack();
    deliveries[0]!.nack(new IoError('KAFKA_REJECTED', 'downstream refused for good'));
    await pollUntil(() => first.consumer.crashed !== undefined, { timeoutMs: 30_000, description: 'the consumer to crash' });
    expect(crashes).toEqual([false]);
    expect(await committed(groupId, topic)).toBeNull();
    await first.consumer.stop();

    // what a restarted pod does: a new member starts from the last committed offset (none)
    const again: Delivery[] = [];
    const next = ackConsumer(groupId, [topic], again);
    await next.run;
    await pollUntil(() => again.length === 2, { timeoutMs: 30_000, description: 'both batches delivered to the next member' });
    expect(again.map((d) => d.offsets)).toEqual([['0', '1'], ['2', '3']]);
    for (const d of again) d.ack();
    await pollUntil(async () => (await committed(groupId, topic)) === '4', { timeoutMs: 20_000, description: 'committed by the next member' });
    await next.consumer.stop();
  }, 120_000);

  it('repeated failures with a full read-ahead: the partition keeps flowing and everything commits', async () => {
    // 30 batches of 2 records; at most 2 batches in flight and 6 records read ahead, so each
    // failure finds records waiting behind it. Those go stale when the partition is sought back:
    // they must leave the read-ahead count (or it creeps up to its limit and fetching stops) and
    // be dropped without waiting out the backoff again.
    const topic = await topicWith(30, 2);
    const groupId = uniqueName('it-group');
    let failuresLeft = 5;
    const handled = new Set<string>();
    const consumer = new KafkaBatchConsumer({
      ...base,
      groupId,
      topics: [topic],
      fromBeginning: true,
      commitMode: 'on-acknowledge',
      maxInFlightBatches: 2,
      maxReadAheadRecords: 6,
      maxBytesPerPartition: 16,
      maxWaitTimeMs: 100,
      heartbeatIntervalMs: 500,
      sessionTimeoutMs: 10_000,
      stopTimeoutMs: 10_000,
    });
    consumers.push(consumer);
    await consumer.run(async (batch) => {
      // slow enough for the read-ahead to fill behind the batches in flight
      await new Promise((resolve) => setTimeout(resolve, 150));
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new IoError('ELASTICSEARCH_UNAVAILABLE', 'downstream down for a while');
      }
      for (const m of batch.messages) handled.add(m.offset);
    });
    // The consumer backs off 0.5 + 1 + 2 + 4 + 8 s after the five failures: once each, not once per
    // turn of records read ahead behind them (which took over 30 s here), so 30 s is ample.
    const started = Date.now();
    await pollUntil(async () => (await committed(groupId, topic)) === '60', { timeoutMs: 30_000, description: 'all 60 records committed after 5 failures' });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(failuresLeft).toBe(0);
    expect(handled.size).toBe(60);
    expect(consumer.crashed).toBeUndefined();
    await consumer.stop();
  }, 120_000);
});
