import { CompressionTypes, Kafka, logLevel, type EachBatchPayload, type PartitionAssigner, PartitionAssigners } from 'kafkajs';
import { passBatch, type DriverContext, type RunningDriver } from './driver';
import { numberSetting } from './variant';

/**
 * kafkajs 2.2.4 as the project ships it (patched at install): one idempotent producer (acks=all,
 * which kafkajs serialises per broker), a group member with eachBatch over
 * `partitionsConsumedConcurrently` partitions, explicit commits after the acknowledgement.
 */
export async function startKafkajs(context: DriverContext): Promise<RunningDriver> {
  const { settings } = context.variant;
  const kafka = new Kafka({ clientId: context.clientId, brokers: [...context.brokers], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
  await producer.connect();
  const compression = context.variant.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;

  const assigners: PartitionAssigner[] = [PartitionAssigners.roundRobin];
  if (context.group && context.group.protocol !== 'roundrobin') throw new Error(`kafkajs offers only the classic eager protocol, not ${context.group.protocol}`);
  const consumer = kafka.consumer({
    groupId: context.groupId,
    partitionAssigners: assigners,
    sessionTimeout: context.group?.sessionTimeoutMs ?? 30_000,
    maxBytes: numberSetting(settings, 'maxBytes'),
    maxBytesPerPartition: numberSetting(settings, 'maxBytesPerPartition'),
    minBytes: numberSetting(settings, 'minBytes'),
    maxWaitTimeInMs: numberSetting(settings, 'maxWaitTimeInMs'),
    allowAutoTopicCreation: false,
  });
  const { core } = context;
  const source = context.source;
  let assigned: number[] = [];
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    // kafkajs rebalances eagerly and says so only after the rejoin: what was lost is the difference.
    const now = event.payload.memberAssignment[source] ?? [];
    const lost = assigned.filter((p) => !now.includes(p));
    if (lost.length > 0) {
      core.forget(lost);
      context.onRebalance?.('revoked', lost);
    }
    context.onRebalance?.('assigned', now);
    assigned = now;
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [source], fromBeginning: true });
  core.commitWith((offsets) => consumer.commitOffsets(offsets.map(({ partition, offset }) => ({ topic: source, partition, offset: String(offset) }))));

  const awaitAck = settings['awaitAck'] !== '0';
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: true,
    partitionsConsumedConcurrently: numberSetting(settings, 'partitionsConsumedConcurrently'),
    eachBatch: async ({ batch, isRunning, isStale }: EachBatchPayload) => {
      if (batch.messages.length === 0 || !isRunning() || isStale()) return;
      const partition = batch.partition;
      const values = batch.messages.map((m) => m.value);
      const produce = () =>
        producer.send({
          topic: context.output,
          acks: -1,
          compression,
          messages: batch.messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers, partition })),
        });
      await passBatch(context, { partition, lastOffset: Number(batch.lastOffset()), values }, produce, awaitAck);
    },
  });
  return {
    async stop() {
      consumer.pause([{ topic: source }]);
      await core.settle();
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
