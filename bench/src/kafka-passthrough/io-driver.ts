import { KafkaBatchConsumer, type KafkaCommitMode, KafkaProducer, parseKafkaClientKind } from '@iocflow/io';
import type { DriverContext, RunningDriver } from './driver';
import { numberSetting } from './variant';

/**
 * The services' own owners from libs/common/io (`KafkaBatchConsumer` + `KafkaProducer`), on the
 * client the `client` setting names (default platformatic): what the enricher runs minus its
 * pipeline, so the io defaults (fetch size, wait, read-ahead, send size, compression) are measured
 * through the production driver. The owner commits by itself after each acknowledgement; the
 * core only counts and bounds nothing (its window is the owner's `inflight`).
 */
export async function startIo(context: DriverContext): Promise<RunningDriver> {
  const { settings } = context.variant;
  const base = { brokers: [...context.brokers], clientId: context.clientId, client: parseKafkaClientKind(settings['client']), logLevel: 'nothing' as const };
  const producer = new KafkaProducer({ ...base, compression: context.variant.compression, maxSendBytes: numberSetting(settings, 'sendBytes') });
  await producer.connect();
  const commitMode = (settings['commitMode'] ?? 'after-handler') as KafkaCommitMode;
  const consumer = new KafkaBatchConsumer({
    ...base,
    groupId: context.groupId,
    topics: [context.source],
    fromBeginning: true,
    partitionsConsumedConcurrently: numberSetting(settings, 'partitionsConsumedConcurrently'),
    commitMode,
    maxInFlightBatches: numberSetting(settings, 'inflight'),
    maxBytesPerPartition: numberSetting(settings, 'maxBytesPerPartition'),
    maxWaitTimeMs: numberSetting(settings, 'maxWaitTimeMs'),
    maxReadAheadRecords: numberSetting(settings, 'readAhead'),
    ...(context.group ? { sessionTimeoutMs: context.group.sessionTimeoutMs, groupProtocol: context.group.protocol === 'consumer' ? ('consumer' as const) : ('classic' as const) } : {}),
  });
  const { core } = context;
  core.commitWith(async () => undefined);
  await consumer.run(async (batch) => {
    const last = batch.messages[batch.messages.length - 1];
    if (last === undefined) return;
    const values = batch.messages.map((m) => m.value);
    if (context.variant.scan) core.inspect(values);
    const ack = producer.send(batch.messages.map((m) => ({ topic: context.output, key: m.key, value: m.value, headers: m.headers })));
    void core.track(batch.partition, Number(last.offset), batch.messages.length, ack);
    await ack;
  });
  return {
    async stop() {
      await consumer.stop();
      await core.settle();
      await producer.disconnect();
    },
  };
}
