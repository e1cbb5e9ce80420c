import { Consumer, type ConsumerOptions, type Message, type MessagesStream, MessagesStreamFallbackModes, MessagesStreamModes, ProduceAcks, Producer } from '@platformatic/kafka';
import { sleep, type DriverContext, type RunningDriver } from './driver';
import type { PartitionOffset } from './passthrough-core';
import { numberSetting } from './variant';

/**
 * @platformatic/kafka (pure TypeScript): an idempotent producer (acks=all) and a group consumer
 * whose MessagesStream emits one message at a time; records are gathered per partition for one
 * turn of the event loop (≈ one fetch response) and each partition's records go out in one
 * send(). Offsets are committed explicitly (`consumer.commit`) after the acknowledgement; the
 * stream's own autocommit is off.
 */
export async function startPlatformatic(context: DriverContext): Promise<RunningDriver> {
  const { settings } = context.variant;
  const base = {
    clientId: context.clientId,
    bootstrapBrokers: [...context.brokers],
    maxInflights: numberSetting(settings, 'maxInflights'),
  };
  const compression = context.variant.compression;
  const producer = new Producer({ ...base, idempotent: true, acks: ProduceAcks.ALL, ...(compression === 'none' ? {} : { compression }) });

  const group = context.group;
  const groupOptions =
    group?.protocol === 'consumer'
      ? { groupProtocol: 'consumer' as const }
      : {
          sessionTimeout: group?.sessionTimeoutMs ?? 30_000,
          heartbeatInterval: Math.min(3000, Math.floor((group?.sessionTimeoutMs ?? 30_000) / 3)),
          rebalanceTimeout: 60_000,
          protocols: [{ name: group?.protocol ?? 'roundrobin', version: 1 }],
        };
  const consumerOptions: ConsumerOptions<Buffer, Buffer, Buffer, Buffer> = {
    ...base,
    ...groupOptions,
    groupId: context.groupId,
    autocommit: false,
    minBytes: numberSetting(settings, 'minBytes'),
    maxBytes: numberSetting(settings, 'maxBytes'),
    maxBytesPerPartition: numberSetting(settings, 'maxBytesPerPartition'),
    maxWaitTime: numberSetting(settings, 'maxWaitTime'),
    highWaterMark: numberSetting(settings, 'highWaterMark'),
  };
  const consumer = new Consumer(consumerOptions);
  const { core } = context;
  const source = context.source;
  const leaderEpochs = new Map<number, number>();
  // Commits: `consumer` = consumer.commit() with explicit offsets; `stream` = the last message's
  // commit(), which goes through the stream's own queue (the one it flushes before a cooperative
  // or KIP-848 revocation).
  const commitVia = settings['commit'] ?? 'consumer';
  const lastMessages = new Map<string, Message<Buffer, Buffer, Buffer, Buffer>>();
  if (commitVia === 'stream') {
    core.commitWith(async (offsets) => {
      const mine = owned();
      await Promise.all(
        offsets.map(({ partition, offset }) => {
          if (!mine.has(partition)) return undefined;
          const key = `${partition}:${offset}`;
          const message = lastMessages.get(key);
          lastMessages.delete(key);
          return message?.commit();
        }),
      );
    });
  }

  const maxBatch = numberSetting(settings, 'batch');
  // One send() becomes one record batch per partition, which the broker refuses whole when it is
  // over the topic's max.message.bytes (1 MiB by default): cut by bytes as well as by count.
  const maxSendBytes = numberSetting(settings, 'sendBytes');
  // Records read and not yet produced, at most this many (then the stream is paused).
  const readAhead = numberSetting(settings, 'highWaterMark');
  let pending = new Map<number, Message<Buffer, Buffer, Buffer, Buffer>[]>();
  let pendingCount = 0;
  let scheduled = false;
  let chain: Promise<void> = Promise.resolve();
  let stopping = false;

  // What this member owns now. The client offers no revocation callback: the assignment is read
  // from consumer.assignments (updated by classic joins and by KIP-848 heartbeats alike). Records
  // of a partition this member no longer owns are never produced, and its offsets never
  // committed: with the classic protocol the broker accepts a commit from any member of the
  // current generation for any partition, and a stale one would move the new owner's position.
  const owned = (): Set<number> => new Set((consumer.assignments ?? []).filter((a) => a.topic === source).flatMap((a) => a.partitions));
  let assigned = new Set<number>();
  const followAssignment = (): void => {
    const now = owned();
    const lost = [...assigned].filter((p) => !now.has(p));
    const gained = [...now].filter((p) => !assigned.has(p));
    if (lost.length > 0) {
      core.forget(lost);
      for (const p of lost) {
        pending.delete(p);
        // The stream keeps a lost partition's fetch position; should the partition come back
        // before anyone committed it, the stream would resume there, past the records dropped
        // here. Forgetting the position makes it start from the commit (or the earliest offset).
        stream?.offsetsToFetch.delete(`${source}:${p}`);
      }
      context.onRebalance?.('revoked', lost);
    }
    if (gained.length > 0) context.onRebalance?.('assigned', [...now]);
    assigned = now;
  };
  const watch = setInterval(followAssignment, 50);
  let stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined = undefined;
  consumer.on('consumer:group:join', () => {
    // After a classic (re)join the stream moves each assigned partition back to its committed
    // offset, but only where one exists: a partition without a commit keeps the stream's position.
    // So what was read and not produced yet is kept for the partitions still owned (dropping it
    // lost records: measured), and only a lost partition's is dropped (followAssignment).
    followAssignment();
    if (!stopping) stream?.resume();
  });
  const innerCommit = commitVia === 'stream' ? undefined : (offsets: readonly PartitionOffset[]) =>
    consumer.commit({
      offsets: offsets.map(({ partition, offset }) => ({ topic: source, partition, offset: BigInt(offset), leaderEpoch: leaderEpochs.get(partition) ?? -1 })),
    });
  if (innerCommit) {
    core.commitWith((offsets) => {
      const mine = owned();
      const allowed = offsets.filter((o) => mine.has(o.partition));
      return allowed.length > 0 ? innerCommit(allowed) : Promise.resolve();
    });
  }

  stream = await consumer.consume({
    topics: [source],
    mode: MessagesStreamModes.COMMITTED,
    fallbackMode: MessagesStreamFallbackModes.EARLIEST,
    autocommit: false,
  });

  // One turn's records, partition by partition; flushes run one after another so that a
  // partition's sends are issued in offset order.
  const flush = async (): Promise<void> => {
    const batches = pending;
    pending = new Map();
    pendingCount = 0;
    for (const [partition, messages] of batches) {
      for (const part of cut(messages, maxBatch, maxSendBytes)) {
        // Stopping: not produced, not committed; fetched again by the partition's next owner.
        if (stopping) return;
        const room = core.admit();
        if (room) {
          stream.pause();
          await room;
        }
        if (context.variant.scan) core.inspect(part.map((m) => m.value));
        if (context.delayPerRecordMs > 0) await sleep(part.length * context.delayPerRecordMs);
        if (stopping) return;
        // Lost meanwhile (a rebalance): the new owner reads these from the last commit.
        if (!owned().has(partition)) break;
        const last = part[part.length - 1] as Message<Buffer, Buffer, Buffer, Buffer>;
        leaderEpochs.set(partition, last.leaderEpoch);
        if (commitVia === 'stream') lastMessages.set(`${partition}:${last.offset + 1n}`, last);
        const ack = producer.send({
          messages: part.map((m) => ({ topic: context.output, partition, key: m.key, value: m.value, headers: m.headers })),
        });
        void core.track(partition, Number(last.offset), part.length, ack).catch(() => undefined);
      }
    }
    if (stream.isPaused() && !stopping) stream.resume();
  };
  stream.on('data', (message: Message<Buffer, Buffer, Buffer, Buffer>) => {
    let list = pending.get(message.partition);
    if (!list) pending.set(message.partition, (list = []));
    list.push(message);
    pendingCount += 1;
    if (pendingCount >= readAhead) stream.pause();
    if (!scheduled) {
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        chain = chain.then(flush);
      });
    }
  });
  stream.on('error', (error) => core.fail(error));
  // The clients are EventEmitters: an 'error' nobody listens to ends the process (seen when a
  // connection closed during a leave).
  const onClientError = (error: unknown): void => {
    if (!stopping) core.fail(error);
  };
  consumer.on('error', onClientError);
  producer.on('error', onClientError);

  return {
    async stop() {
      stopping = true;
      clearInterval(watch);
      stream.pause();
      await chain;
      await core.settle();
      await stream.close();
      await consumer.close(true);
      await producer.close();
    },
  };
}

/** Splits one partition's messages into sends of at most `count` records (0 = any) and `bytes`. */
function cut(messages: Message<Buffer, Buffer, Buffer, Buffer>[], count: number, bytes: number): Message<Buffer, Buffer, Buffer, Buffer>[][] {
  const parts: Message<Buffer, Buffer, Buffer, Buffer>[][] = [];
  let from = 0;
  let size = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as Message<Buffer, Buffer, Buffer, Buffer>;
    // Key, value and a record's own overhead (varints, attributes, timestamp and offset deltas).
    let recordBytes = (m.key?.length ?? 0) + (m.value?.length ?? 0) + 24;
    for (const [name, value] of m.headers) recordBytes += name.length + value.length + 4;
    if (i > from && ((count > 0 && i - from >= count) || size + recordBytes > bytes)) {
      parts.push(messages.slice(from, i));
      from = i;
      size = 0;
    }
    size += recordBytes;
  }
  if (from < messages.length) parts.push(from === 0 ? messages : messages.slice(from));
  return parts;
}
