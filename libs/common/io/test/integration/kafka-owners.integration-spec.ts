import {
  type KafkaConsumedBatch,
  KafkaAdmin,
  KafkaBatchConsumer,
  type KafkaBatchConsumerOptions,
  KafkaProducer,
  KafkaTopicReader,
  type KafkaTopicPartitions,
  isIoError,
  KAFKA_CLIENT_KINDS,
} from '../../src';
import { freePort, pollUntil, stackEndpoints, uniqueName } from '@iocflow/testing';
import { useKafkaFixture } from './kafka-test-fixture';

const brokers = stackEndpoints().kafkaBrokers;
const clientBase = { brokers, clientId: 'common-io-it', logLevel: 'error' as const };

describe.each(KAFKA_CLIENT_KINDS)('Kafka owners against the real Kafka 4 (client %s)', (client) => {
  const base = { ...clientBase, client };
  const kafka = useKafkaFixture(base);
  const { topics, consumers } = kafka;

  async function newTopic(partitions: number, compacted = false): Promise<string> {
    const topic = uniqueName('it-io');
    topics.push(topic);
    await kafka.admin.ensureTopics([{ topic, partitions, compacted }]);
    return topic;
  }

  function newConsumer(options: Omit<KafkaBatchConsumerOptions, keyof typeof base>): KafkaBatchConsumer {
    const consumer = new KafkaBatchConsumer({ ...base, heartbeatIntervalMs: 500, sessionTimeoutMs: 10_000, ...options });
    consumers.push(consumer);
    return consumer;
  }

  it('ensureTopics creates once, is idempotent, and the compacted config is visible', async () => {
    const topic = uniqueName('it-io');
    topics.push(topic);
    const spec = { topic, partitions: 3, compacted: true, configEntries: { 'min.cleanable.dirty.ratio': '0.01' } };
    expect(await kafka.admin.ensureTopics([spec])).toEqual([topic]);
    expect(await kafka.admin.ensureTopics([spec])).toEqual([]);
    await Promise.all([kafka.admin.ensureTopics([spec]), kafka.admin.ensureTopics([spec])]);
    const config = await kafka.admin.describeTopicConfig(topic);
    expect(config['cleanup.policy']).toBe('compact');
    expect(config['min.cleanable.dirty.ratio']).toBe('0.01');
    expect((await kafka.admin.fetchTopicOffsets(topic)).map((o) => o.partition)).toEqual([0, 1, 2]);
  });

  it('produces with headers, null keys and gzip, and consumes them back in whole batches', async () => {
    const topic = await newTopic(1);
    const gzipProducer = new KafkaProducer({ ...base, compression: 'gzip' });
    try {
      await gzipProducer.send([
        { topic, key: 'k1', value: 'v1', headers: { source: 'it', binary: Buffer.from([0, 1, 2]) } },
        { topic, key: null, value: Buffer.from('no key') },
        { topic, key: 'k1', value: null },
      ]);
    } finally {
      await gzipProducer.disconnect();
    }
    const batches: KafkaConsumedBatch[] = [];
    const consumer = newConsumer({ groupId: uniqueName('it-group'), topics: [topic], fromBeginning: true });
    await consumer.run(async (batch) => {
      batches.push(batch);
    });
    const messages = await pollUntil(() => {
      const all = batches.flatMap((b) => b.messages);
      return all.length >= 3 && all;
    });
    expect(messages.map((m) => [m.offset, m.key?.toString() ?? null, m.value?.toString() ?? null])).toEqual([
      ['0', 'k1', 'v1'],
      ['1', null, 'no key'],
      ['2', 'k1', null],
    ]);
    expect(messages[0]!.headers['source']!.toString()).toBe('it');
    expect([...messages[0]!.headers['binary']!]).toEqual([0, 1, 2]);
    expect(Number(messages[0]!.timestamp)).toBeGreaterThan(Date.now() - 600_000);
    await consumer.stop();
  });

  it('platformatic: produces and consumes lz4, zstd and snappy; kafkajs refuses those codecs at construction', async () => {
    if (client === 'kafkajs') {
      expect(() => new KafkaProducer({ ...base, compression: 'zstd' })).toThrow(/INVALID_CONFIG/);
      return;
    }
    const topic = await newTopic(1);
    for (const compression of ['lz4', 'zstd', 'snappy'] as const) {
      const producer = new KafkaProducer({ ...base, compression });
      try {
        await producer.send([{ topic, key: compression, value: `${compression}:${'y'.repeat(2000)}` }]);
      } finally {
        await producer.disconnect();
      }
    }
    const seen: string[] = [];
    const consumer = newConsumer({ groupId: uniqueName('it-group'), topics: [topic], fromBeginning: true });
    await consumer.run(async (batch) => {
      for (const m of batch.messages) seen.push(`${String(m.key)}/${String(m.value).length}`);
    });
    await pollUntil(() => seen.length >= 3, { description: 'the three compressed records' });
    expect(seen).toEqual(['lz4/2004', 'zstd/2005', 'snappy/2007']);
    await consumer.stop();
  });

  it('started before its topic exists: run() rejects retriable (KAFKA_UNAVAILABLE); started again once it exists, it joins and reads', async () => {
    const topic = uniqueName('it-io-late');
    const groupId = uniqueName('it-group');
    const early = new KafkaBatchConsumer({ ...base, groupId, topics: [topic], fromBeginning: true });
    const failure = await early.run(async () => undefined).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'KAFKA_UNAVAILABLE', retriable: true });
    topics.push(topic);
    await kafka.admin.ensureTopics([{ topic, partitions: 1 }]);
    await kafka.producer.send([{ topic, key: 'k', value: 'late' }]);
    const joins: number[] = [];
    const seen: string[] = [];
    const consumer = newConsumer({ groupId, topics: [topic], fromBeginning: true, listeners: { onGroupJoin: () => joins.push(Date.now()) } });
    await consumer.run(async (batch) => {
      for (const m of batch.messages) seen.push(String(m.value));
    });
    await pollUntil(() => seen.includes('late') && joins.length > 0, { description: 'the record of the late topic and a group join' });
    await consumer.stop();
  });

  it('cuts a send over maxSendBytes into several requests and keeps their order on the partition', async () => {
    const topic = await newTopic(1);
    const smallSends = new KafkaProducer({ ...base, maxSendBytes: 16 * 1024 });
    const records = Array.from({ length: 600 }, (_, i) => ({ topic, key: `k${i % 7}`, value: `${i}:${'x'.repeat(500)}` }));
    try {
      await smallSends.send(records);
    } finally {
      await smallSends.disconnect();
    }
    const seen: string[] = [];
    const consumer = newConsumer({ groupId: uniqueName('it-group'), topics: [topic], fromBeginning: true });
    await consumer.run(async (batch) => {
      for (const m of batch.messages) seen.push(String(m.value).split(':')[0] ?? '');
    });
    await pollUntil(() => seen.length >= 600, { description: 'all 600 records' });
    expect(seen).toEqual(records.map((_, i) => String(i)));
    await consumer.stop();
  });

  it.each(client === 'platformatic' ? (['classic', 'consumer'] as const) : (['classic'] as const))('batch.highWatermark is the broker\'s (%s group): the services\' lag gauges read > 0 on a backlog, then 0 once it is consumed', async (groupProtocol) => {
    const topic = await newTopic(1);
    const total = 2000;
    const producer = new KafkaProducer(base);
    try {
      // 20 sends of 100 records of ~1 KiB: record batches of ~100 KiB, more than one fetch of 16 KiB
      for (let at = 0; at < total; at += 100) {
        await producer.send(Array.from({ length: 100 }, (_, i) => ({ topic, key: String(at + i), value: 'x'.repeat(1000) })));
      }
    } finally {
      await producer.disconnect();
    }
    // the gauge of apps/enricher and apps/indexer: highWatermark - (last offset + 1), per batch
    const lags: number[] = [];
    let consumed = 0;
    const consumer = newConsumer({ groupId: uniqueName('it-group'), topics: [topic], fromBeginning: true, maxBytesPerPartition: 16 * 1024, groupProtocol });
    await consumer.run(async (batch) => {
      const last = batch.messages[batch.messages.length - 1];
      if (last === undefined) return;
      lags.push(Number(BigInt(batch.highWatermark) - BigInt(last.offset) - 1n));
      consumed += batch.messages.length;
    });
    await pollUntil(() => consumed >= total, { timeoutMs: 60_000 });
    expect(consumed).toBe(total);
    expect(lags[0]).toBeGreaterThan(0);
    expect(lags[0]).toBeLessThan(total);
    expect(lags[lags.length - 1]).toBe(0);
    await consumer.stop();
  });

  it('commits after each handled batch: a new member of the group resumes without redelivery', async () => {
    const topic = await newTopic(2);
    const groupId = uniqueName('it-group');
    await kafka.producer.send(Array.from({ length: 1000 }, (_, i) => ({ topic, key: `key-${i}`, value: `first-${i}` })));

    const first: string[] = [];
    const consumerA = newConsumer({ groupId, topics: [topic], fromBeginning: true });
    await consumerA.run(async (batch) => {
      for (const m of batch.messages) first.push(`${batch.partition}:${m.offset}:${m.value?.toString()}`);
    });
    await pollUntil(() => first.length >= 1000, { description: '1000 records consumed' });
    await pollUntil(async () => (await kafka.admin.consumerGroupLag(groupId, topic)).every((p) => p.lag === 0), {
      description: 'all offsets committed',
    });
    await consumerA.stop();
    expect(new Set(first).size).toBe(1000);

    await kafka.producer.send(Array.from({ length: 200 }, (_, i) => ({ topic, key: `key-${i}`, value: `second-${i}` })));
    const second: string[] = [];
    const consumerB = newConsumer({ groupId, topics: [topic], fromBeginning: true });
    await consumerB.run(async (batch) => {
      for (const m of batch.messages) second.push(m.value?.toString() ?? 'null');
    });
    await pollUntil(() => second.length >= 200, { description: '200 new records consumed' });
    await pollUntil(async () => (await kafka.admin.consumerGroupLag(groupId, topic)).every((p) => p.lag === 0));
    await consumerB.stop();
    expect(second.length).toBe(200);
    expect(second.every((v) => v.startsWith('second-'))).toBe(true);
    const lag = await kafka.admin.consumerGroupLag(groupId, topic);
    expect(lag.reduce((sum, p) => sum + Number(p.committed), 0)).toBe(1200);
  });

  it('does not commit a batch whose handler failed: it is delivered again', async () => {
    const topic = await newTopic(1);
    const groupId = uniqueName('it-group');
    await kafka.producer.send(Array.from({ length: 10 }, (_, i) => ({ topic, key: `k${i}`, value: `v${i}` })));
    let failures = 0;
    const delivered: string[] = [];
    const consumer = newConsumer({ groupId, topics: [topic], fromBeginning: true });
    await consumer.run(async (batch) => {
      if (failures === 0) {
        failures++;
        const lag = await kafka.admin.consumerGroupLag(groupId, topic);
        expect(lag[0]!.committed).toBeNull();
        throw new Error('downstream write failed');
      }
      for (const m of batch.messages) delivered.push(m.offset);
    });
    await pollUntil(() => delivered.length >= 10, { description: 'the failed batch to be delivered again' });
    expect(delivered.slice(0, 10)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    await pollUntil(async () => (await kafka.admin.consumerGroupLag(groupId, topic))[0]!.committed === '10');
    await consumer.stop();
  });

  it('stop() lets the in-flight handler finish and commits its batch before leaving', async () => {
    const topic = await newTopic(1);
    const groupId = uniqueName('it-group');
    await kafka.producer.send(Array.from({ length: 5 }, (_, i) => ({ topic, key: `k${i}`, value: `v${i}` })));
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    let finished = false;
    const consumer = newConsumer({ groupId, topics: [topic], fromBeginning: true });
    await consumer.run(async () => {
      started = true;
      await released;
      finished = true;
    });
    await pollUntil(() => started, { description: 'the handler to start' });
    const stopping = consumer.stop();
    setTimeout(release, 1500);
    await stopping;
    expect(finished).toBe(true);
    const [lag] = await kafka.admin.consumerGroupLag(groupId, topic);
    expect(lag).toMatchObject({ committed: '5', lag: 0 });
  });

  it('keeps its membership through a handler slower than the session timeout (heartbeats during the batch)', async () => {
    const topic = await newTopic(1);
    const groupId = uniqueName('it-group');
    await kafka.producer.send(Array.from({ length: 3 }, (_, i) => ({ topic, key: `k${i}`, value: `v${i}` })));
    const deliveries: string[][] = [];
    let rebalances = 0;
    const consumer = newConsumer({
      groupId,
      topics: [topic],
      fromBeginning: true,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
      listeners: { onRebalancing: () => rebalances++ },
    });
    await consumer.run(async (batch) => {
      deliveries.push(batch.messages.map((m) => m.offset));
      if (deliveries.length === 1) {
        const slowUntil = Date.now() + 8000;
        await pollUntil(() => Date.now() >= slowUntil, { timeoutMs: 10_000, intervalMs: 250 });
      }
    });
    await pollUntil(async () => (await kafka.admin.consumerGroupLag(groupId, topic))[0]!.committed === '3', {
      description: 'the slow batch to be committed',
    });
    await consumer.stop();
    expect(deliveries).toEqual([['0', '1', '2']]);
    expect(rebalances).toBe(0);
  });

  it('two consumers in one group share 4 partitions and hand them back on stop', async () => {
    const topic = await newTopic(4);
    const groupId = uniqueName('it-group');
    const seen = { a: new Map<number, number>(), b: new Map<number, number>() };
    const revokedFromA: KafkaTopicPartitions[] = [];
    const count = (target: Map<number, number>) => async (batch: KafkaConsumedBatch) => {
      target.set(batch.partition, (target.get(batch.partition) ?? 0) + batch.messages.length);
    };
    const consumerA = newConsumer({
      groupId,
      topics: [topic],
      fromBeginning: true,
      listeners: { onPartitionsRevoked: (p) => revokedFromA.push(...p) },
    });
    await consumerA.run(count(seen.a));
    await pollUntil(() => partitionsOf(consumerA).length === 4, { description: 'A to own all 4 partitions' });

    const consumerB = newConsumer({ groupId, topics: [topic], fromBeginning: true });
    await consumerB.run(count(seen.b));
    await pollUntil(() => partitionsOf(consumerA).length === 2 && partitionsOf(consumerB).length === 2, {
      description: 'the group to rebalance to 2 + 2 partitions',
    });
    expect([...partitionsOf(consumerA), ...partitionsOf(consumerB)].sort()).toEqual([0, 1, 2, 3]);
    expect(revokedFromA.flatMap((r) => r.partitions).sort()).toEqual(partitionsOf(consumerB).sort());

    await kafka.producer.send(Array.from({ length: 400 }, (_, i) => ({ topic, key: `key-${i}`, value: `v${i}` })));
    const total = () => [...seen.a.values(), ...seen.b.values()].reduce((s, n) => s + n, 0);
    await pollUntil(() => total() >= 400, { description: '400 records consumed by the group' });
    expect(total()).toBe(400);
    for (const p of seen.a.keys()) expect(partitionsOf(consumerA)).toContain(p);
    for (const p of seen.b.keys()) expect(partitionsOf(consumerB)).toContain(p);
    expect(seen.a.size).toBeGreaterThan(0);
    expect(seen.b.size).toBeGreaterThan(0);

    await consumerB.stop();
    await pollUntil(() => partitionsOf(consumerA).length === 4, { description: 'A to take back all partitions' });
    await consumerA.stop();
    expect((await kafka.admin.consumerGroupLag(groupId, topic)).every((p) => p.lag === 0)).toBe(true);
  });

  it('the topic reader reads a compacted topic to its end, tombstones included, then follows', async () => {
    const topic = await newTopic(3, true);
    const records = [
      ...Array.from({ length: 30 }, (_, i) => ({ topic, key: `domain-k${i % 10}.example`, value: `feed-${i}` })),
      { topic, key: 'domain-k3.example', value: null },
      { topic, key: 'domain-k7.example', value: null },
    ];
    await kafka.producer.send(records);

    const table = new Map<string, string | null>();
    let tombstones = 0;
    const reader = new KafkaTopicReader(base);
    const result = await reader.read(
      topic,
      async (batch) => {
        for (const m of batch.messages) {
          if (m.value === null) tombstones++;
          table.set(m.key!.toString(), m.value?.toString() ?? null);
        }
      },
      { follow: true },
    );
    expect(result.messages).toBe(32);
    expect(Object.values(result.endOffsets).reduce((s, o) => s + Number(o), 0)).toBe(32);
    expect(tombstones).toBe(2);
    expect(table.get('domain-k3.example')).toBeNull();
    expect(table.get('domain-k7.example')).toBeNull();
    expect(table.get('domain-k9.example')).toBe('feed-29');

    await kafka.producer.send([{ topic, key: 'domain-new.example', value: 'feed-live' }]);
    await pollUntil(() => table.get('domain-new.example') === 'feed-live', { description: 'the followed update' });
    await reader.stop();
  });

  it('the topic reader keeps following after its handler failed once', async () => {
    const topic = await newTopic(1, true);
    await kafka.producer.send([{ topic, key: 'domain-a.example', value: 'feed-1' }]);
    const table = new Map<string, string | null>();
    const errors: [string, boolean][] = [];
    let failNext = false;
    const reader = new KafkaTopicReader(base);
    await reader.read(
      topic,
      async (batch) => {
        if (failNext) {
          failNext = false;
          throw new Error('table update failed');
        }
        for (const m of batch.messages) table.set(m.key!.toString(), m.value?.toString() ?? null);
      },
      { follow: true, onError: (error, restarting) => errors.push([error.message, restarting]) },
    );
    failNext = true;
    await kafka.producer.send([{ topic, key: 'domain-b.example', value: 'feed-2' }]);
    await pollUntil(() => table.get('domain-b.example') === 'feed-2', { timeoutMs: 60_000, description: 'the update after the failure' });
    expect(table.get('domain-a.example')).toBe('feed-1');
    for (const [, restarting] of errors) expect(restarting).toBe(true);
    await reader.stop();
  });

  it('the topic reader returns at once for an empty topic', async () => {
    const topic = await newTopic(2, true);
    const result = await new KafkaTopicReader(base).read(topic, async () => {
      throw new Error('no batch expected');
    });
    expect(result).toEqual({ messages: 0, endOffsets: { 0: '0', 1: '0' } });
  });

  it('reports KAFKA_UNAVAILABLE (retriable) when no broker answers', async () => {
    const deadAdmin = new KafkaAdmin({ ...base, brokers: `127.0.0.1:${await freePort()}`, logLevel: 'nothing' });
    const error = await deadAdmin.connect().catch((e: unknown) => e);
    expect(isIoError(error, 'KAFKA_UNAVAILABLE')).toBe(true);
    expect(error).toMatchObject({ retriable: true });
  });

  it('refuses invalid options with INVALID_CONFIG and never echoes the SASL password', () => {
    expect(() => new KafkaProducer({ ...base, brokers: 'no-port' })).toThrow(/INVALID_CONFIG/);
    let message = '';
    try {
      new KafkaAdmin({ ...base, sasl: { mechanism: 'plain', username: '', password: 's3cret-value' } });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/INVALID_CONFIG: kafka options: sasl.username/);
    expect(message).not.toContain('s3cret-value');
  });
});

function partitionsOf(consumer: KafkaBatchConsumer): number[] {
  return consumer.assignedPartitions.flatMap((a) => [...a.partitions]);
}
