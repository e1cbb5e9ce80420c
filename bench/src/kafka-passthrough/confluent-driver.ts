import { loadConfluent, type ConfluentEachBatchPayload } from './confluent-api';
import { passBatch, type DriverContext, type RunningDriver } from './driver';
import { numberSetting, rdkafkaProperties } from './variant';

const ERR_ASSIGN_PARTITIONS = -175;
const ERR_REVOKE_PARTITIONS = -174;

/**
 * @confluentinc/kafka-javascript through its KafkaJS-compatible API (what the removed
 * libs/common/io/src/kafka/confluent owner used): librdkafka underneath, eachBatch over
 * `partitionsConsumedConcurrently` partitions, batches cut client-side
 * (`js.consumer.max.batch.size`, -1 = all that is prefetched for the partition).
 */
export async function startConfluent(context: DriverContext): Promise<RunningDriver> {
  const { settings } = context.variant;
  const { KafkaJS } = loadConfluent();
  const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: [...context.brokers], clientId: context.clientId, logLevel: 0 } });
  const producer = kafka.producer({
    'enable.idempotence': true,
    acks: 'all',
    'max.in.flight': 5,
    'compression.codec': context.variant.compression,
    ...rdkafkaProperties(settings, 'producer'),
  });
  await producer.connect();

  const { core } = context;
  const source = context.source;
  const group = context.group;
  // KIP-848 (group.protocol=consumer): the broker assigns; the classic-only options must go.
  const kip848 = group?.protocol === 'consumer';
  const classic = kip848 ? {} : { sessionTimeout: group?.sessionTimeoutMs ?? 30_000, partitionAssigners: [group?.protocol ?? 'roundrobin'] };
  const consumer = kafka.consumer({
    'js.consumer.max.batch.size': numberSetting(settings, 'js.consumer.max.batch.size'),
    ...(kip848 ? { 'group.protocol': 'consumer' } : {}),
    ...rdkafkaProperties(settings, 'consumer'),
    rebalance_cb: (error: { code: number }, assignment: { topic: string; partition: number }[]) => {
      const partitions = assignment.filter((a) => a.topic === source).map((a) => a.partition);
      if (error.code === ERR_REVOKE_PARTITIONS) {
        // Called before the partitions go; the client waits for in-flight eachBatch calls first.
        core.forget(partitions);
        context.onRebalance?.('revoked', partitions);
      } else if (error.code === ERR_ASSIGN_PARTITIONS) context.onRebalance?.('assigned', partitions);
    },
    kafkaJS: {
      groupId: context.groupId,
      fromBeginning: true,
      autoCommit: false,
      ...classic,
    },
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [source] });
  core.commitWith((offsets) => consumer.commitOffsets(offsets.map(({ partition, offset }) => ({ topic: source, partition, offset: String(offset) }))));

  const awaitAck = settings['awaitAck'] !== '0';
  await consumer.run({
    eachBatchAutoResolve: true,
    partitionsConsumedConcurrently: numberSetting(settings, 'partitionsConsumedConcurrently'),
    eachBatch: async ({ batch, isRunning, isStale }: ConfluentEachBatchPayload) => {
      if (batch.messages.length === 0 || !isRunning() || isStale()) return;
      const partition = batch.partition;
      const values = batch.messages.map((m) => m.value);
      const produce = () =>
        producer.send({
          topic: context.output,
          messages: batch.messages.map((m) => ({ key: m.key, value: m.value, partition, headers: m.headers })),
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
