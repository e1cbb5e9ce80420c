import { loadConfluent, type RdKafkaMessage } from './confluent-api';
import { sleep, type DriverContext, type RunningDriver } from './driver';
import { numberSetting, rdkafkaProperties } from './variant';

/**
 * @confluentinc/kafka-javascript through its node-rdkafka style API (the layer the KafkaJS API is
 * built on): `consume(n)` hands over up to n prefetched messages at once, `produce()` per record
 * with delivery reports polled on librdkafka's background thread, `commitCb` after the batch's
 * last delivery report. Passthrough only (no rebalance handling beyond librdkafka's default).
 */
export async function startRdkafka(context: DriverContext): Promise<RunningDriver> {
  const { settings } = context.variant;
  const { KafkaConsumer, Producer } = loadConfluent();
  const { core } = context;
  const source = context.source;

  interface Batch {
    remaining: number;
    failed: Error | null;
    resolve(): void;
    reject(error: Error): void;
  }
  const producer = new Producer({
    'bootstrap.servers': context.brokers.join(','),
    'client.id': context.clientId,
    'enable.idempotence': true,
    acks: 'all',
    'max.in.flight': 5,
    'compression.codec': context.variant.compression,
    dr_cb: true,
    ...rdkafkaProperties(settings, 'producer'),
  });
  producer.on('delivery-report', ((error: Error | null, report: { opaque: Batch }) => {
    const batch = report.opaque;
    if (error) batch.failed = error;
    batch.remaining -= 1;
    if (batch.remaining === 0) {
      if (batch.failed) batch.reject(batch.failed);
      else batch.resolve();
    }
  }) as (...args: never[]) => void);
  await new Promise<void>((resolve, reject) => producer.connect({}, (error) => (error ? reject(error) : resolve())));
  producer.setPollInBackground(true);

  const consumer = new KafkaConsumer(
    {
      'bootstrap.servers': context.brokers.join(','),
      'client.id': context.clientId,
      'group.id': context.groupId,
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
      'partition.assignment.strategy': 'roundrobin',
      ...rdkafkaProperties(settings, 'consumer'),
    },
    { 'auto.offset.reset': 'earliest' },
  );
  await new Promise<void>((resolve, reject) => consumer.connect({}, (error) => (error ? reject(error) : resolve())));
  consumer.subscribe([source]);
  consumer.setDefaultConsumeTimeout(numberSetting({ timeout: settings['consumeTimeoutMs'] ?? '100' }, 'timeout'));
  consumer.setDefaultIsTimeoutOnlyForFirstMessage(true);
  core.commitWith(
    (offsets) =>
      new Promise<void>((resolve, reject) =>
        consumer.commitCb(
          offsets.map(({ partition, offset }) => ({ topic: source, partition, offset })),
          (error) => (error ? reject(error) : resolve()),
        ),
      ),
  );

  const batchSize = numberSetting(settings, 'batch');
  let running = true;
  const produceBatch = (partition: number, messages: readonly RdKafkaMessage[]): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const batch: Batch = { remaining: messages.length, failed: null, resolve, reject };
      for (const m of messages) producer.produce(context.output, partition, m.value, m.key, null, batch, m.headers);
    });
  const loop = async (): Promise<void> => {
    while (running) {
      const messages = await new Promise<RdKafkaMessage[]>((resolve, reject) => consumer.consume(batchSize, (error, list) => (error ? reject(error) : resolve(list))));
      if (messages.length === 0) continue;
      // One consume() call mixes partitions: split them, keeping each partition's order.
      const byPartition = new Map<number, RdKafkaMessage[]>();
      for (const m of messages) {
        let list = byPartition.get(m.partition);
        if (!list) byPartition.set(m.partition, (list = []));
        list.push(m);
      }
      for (const [partition, list] of byPartition) {
        const room = core.admit();
        if (room) await room;
        if (context.variant.scan) core.inspect(list.map((m) => m.value));
        if (context.delayPerRecordMs > 0) await sleep(list.length * context.delayPerRecordMs);
        void core.track(partition, (list[list.length - 1] as RdKafkaMessage).offset, list.length, produceBatch(partition, list)).catch(() => undefined);
      }
    }
  };
  const looping = loop().catch((error: unknown) => core.fail(error));
  return {
    async stop() {
      running = false;
      await looping;
      await core.settle();
      await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
      await new Promise<void>((resolve) => producer.flush(10_000, () => resolve()));
      await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
    },
  };
}
