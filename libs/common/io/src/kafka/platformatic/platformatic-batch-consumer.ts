import { Consumer, type MessagesStream, MessagesStreamFallbackModes, MessagesStreamModes } from '@platformatic/kafka';
import { IoError } from '../../io-error';
import type { TopicPartitionOffset } from '../ack-tracker';
import { KafkaAckWindow } from '../kafka-ack-window';
import { DEFAULT_KAFKA_GROUP_PROTOCOL, PLATFORMATIC_FETCH_DEFAULTS } from '../kafka-client';
import type { KafkaBatchConsumerOptions } from '../kafka-batch-consumer';
import { type IoLogger, stderrIoLogger } from '../kafka-logger';
import type { KafkaBatchHandler, KafkaConsumedMessage, KafkaTopicPartitions } from '../kafka-types';
import { type PlatformaticMessage, nextOffsetOf, toConsumedBatch, toConsumedMessage } from './platformatic-consumed-message';
import { PlatformaticHighWatermarks } from './platformatic-high-watermarks';
import { type PlatformaticConnection, platformaticConnection, toPlatformaticIoError } from './platformatic-kafka';

interface PendingBatch {
  readonly topic: string;
  readonly partition: number;
  /** The partition's epoch when the records arrived: a seek or a loss since makes them stale. */
  readonly epoch: number;
  /** Already in our form (toConsumedMessage): the client's message objects die as they arrive, only these wait. */
  readonly messages: KafkaConsumedMessage[];
}

/** How often the assignment is compared with the last one seen (KIP-848 moves partitions on heartbeats). */
const ASSIGNMENT_POLL_MS = 100;
/** Backoff after a failed batch or a dead stream: doubles from the first value up to the second. */
const BACKOFF_MS = [500, 30_000] as const;

/**
 * The `platformatic` driver of KafkaBatchConsumer, on @platformatic/kafka's group consumer with
 * the classic protocol (DEFAULT_KAFKA_GROUP_PROTOCOL: eager round-robin, the client's session
 * timeout, static membership with `groupInstanceId`) or KIP-848 (`groupProtocol: 'consumer'`: the
 * broker assigns, partitions move one by one, members that keep a partition keep consuming it).
 * Batches carry the partition's high-watermark from the last fetch response
 * (PlatformaticHighWatermarks), so lag figures are the broker's, as with kafkajs. The client's MessagesStream hands out one
 * message at a time; the driver gathers them per partition for one turn of the event loop (about
 * one fetch response) and hands each partition's run to the handler as one batch.
 *
 * Commits: the stream's autocommit is off; every batch's acknowledgement goes through the same
 * KafkaAckWindow/AckTracker as kafkajs' on-acknowledge mode (ordered per partition, one commit in
 * flight), committed with `consumer.commit` of `last + 1` and the record's leader epoch.
 * `after-handler` awaits each batch's acknowledgement before the next batches are handed over
 * (at most `partitionsConsumedConcurrently` partitions at once); `on-acknowledge` hands over as long
 * as the window has room.
 *
 * The three rebalance rules measured in bench/src/kafka-rebalance.bench.ts (0 lost):
 *   1. never hand over, and never commit, a partition this member does not own now;
 *   2. on a loss drop that partition's read-ahead, its in-flight tracking (its acknowledgements
 *      commit nothing) and the stream's fetch position (should it come back, it resumes from the
 *      committed offset);
 *   3. keep the read-ahead of partitions still owned.
 *
 * A failed acknowledgement seeks the partition back to its first unacknowledged offset; records of
 * it fetched before the seek arrive and are dropped (and the position set back again) until the
 * stream delivers from the sought offset. A non-retriable failure crashes the consumer for good
 * (`crashed`, onCrash(error, false)), as with kafkajs. The client retries requests a few times;
 * when its stream dies (a broker outage), the driver closes the consumer and starts a new one
 * (onCrash(error, true)) with backoff, from the committed offsets.
 */
export class PlatformaticBatchConsumer {
  private readonly connection: PlatformaticConnection;
  private readonly logger: IoLogger;
  private readonly window: KafkaAckWindow;
  private readonly onAcknowledge: boolean;
  private readonly concurrency: number;
  private readonly readAhead: number;
  private consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  private highWatermarks: PlatformaticHighWatermarks | undefined;
  private handler: KafkaBatchHandler | undefined;
  private state: 'idle' | 'running' | 'crashed' | 'stopping' | 'stopped' = 'idle';
  private crashError: IoError | undefined;
  private assignment: KafkaTopicPartitions[] = [];
  private owned = new Set<string>();
  private readonly epochs = new Map<string, number>();
  private readonly leaderEpochs = new Map<string, number>();
  private readonly lastSeen = new Map<string, bigint>();
  /** Partitions sought back: records past `beyond` are stale until the stream delivers from `to`. */
  private readonly rewinding = new Map<string, { readonly to: bigint; readonly beyond: bigint }>();
  private pending = new Map<string, PendingBatch>();
  private pendingRecords = 0;
  private held: PendingBatch[] = [];
  private readonly pausedTopics = new Set<string>();
  private scheduled = false;
  private chain: Promise<void> = Promise.resolve();
  private backoffMs = 0;
  /** No batch is handed over before this time (ms since the epoch): the backoff after a failure. */
  private backoffUntil = 0;
  private failure: unknown;
  private watch: NodeJS.Timeout | undefined;
  private restarting: Promise<void> | undefined;
  private readonly stopping = new AbortController();

  constructor(private readonly options: KafkaBatchConsumerOptions) {
    if (!options.groupId) throw new IoError('INVALID_CONFIG', 'kafka consumer: groupId is required');
    if (options.topics.length === 0) throw new IoError('INVALID_CONFIG', 'kafka consumer: no topics');
    this.connection = platformaticConnection(options);
    this.logger = options.logger ?? stderrIoLogger;
    this.onAcknowledge = options.commitMode === 'on-acknowledge';
    this.concurrency = Math.max(1, options.partitionsConsumedConcurrently ?? 1);
    this.readAhead = options.maxReadAheadRecords ?? PLATFORMATIC_FETCH_DEFAULTS.maxReadAheadRecords;
    this.window = new KafkaAckWindow(
      this.onAcknowledge
        ? { maxBatches: options.maxInFlightBatches ?? Math.max(4, 2 * this.concurrency), maxBytes: options.maxInFlightBytes ?? 64 * 1_048_576 }
        : { maxBatches: this.concurrency, maxBytes: Number.POSITIVE_INFINITY },
      { commit: (offsets) => this.commit(offsets), seek: (position) => this.seekBack(position) },
      this.logger,
    );
  }

  get crashed(): IoError | undefined {
    return this.crashError;
  }

  get assignedPartitions(): readonly KafkaTopicPartitions[] {
    return this.assignment;
  }

  async run(handler: KafkaBatchHandler): Promise<void> {
    if (this.state !== 'idle') throw new IoError('CLOSED', `kafka consumer ${this.options.groupId}: already ${this.state}`);
    this.state = 'running';
    this.handler = handler;
    try {
      await this.start();
    } catch (error) {
      // as with kafkajs: a start that fails rejects (brokers unreachable or the topic missing:
      // KAFKA_UNAVAILABLE), and the service decides whether to retry or exit
      this.state = 'stopped';
      await this.closeClient();
      throw toPlatformaticIoError(error, `kafka consumer ${this.options.groupId} start`);
    }
    this.watch = setInterval(() => this.followAssignment(), ASSIGNMENT_POLL_MS);
  }

  pause(topics: readonly string[] = this.options.topics): void {
    for (const topic of topics) this.pausedTopics.add(topic);
    if (this.options.topics.every((t) => this.pausedTopics.has(t))) this.stream?.pause();
  }

  resume(topics: readonly string[] = this.options.topics): void {
    for (const topic of topics) this.pausedTopics.delete(topic);
    const held = this.held;
    this.held = [];
    for (const batch of held) this.requeue(batch);
    this.schedule();
    if (this.state === 'running' && this.pendingRecords < this.readAhead) this.stream?.resume();
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    const wasRunning = this.state === 'running';
    this.state = 'stopping';
    this.stopping.abort();
    clearInterval(this.watch);
    try {
      this.stream?.pause();
      if (wasRunning) {
        await this.chain;
        const inFlight = this.window.inFlightBatches;
        const stopTimeoutMs = this.options.stopTimeoutMs ?? 30_000;
        if (!(await this.window.drain(stopTimeoutMs))) {
          this.logger.warn('kafka consumer stop: in-flight batches not acknowledged in time; left uncommitted (delivered again)', {
            groupId: this.options.groupId,
            inFlight: this.window.inFlightBatches,
            stopTimeoutMs,
          });
        } else if (inFlight > 0) {
          this.logger.info('kafka consumer stop: in-flight batches acknowledged and committed', { groupId: this.options.groupId, batches: inFlight });
        }
      }
      this.window.close();
      await this.restarting?.catch(() => undefined);
      await this.closeClient();
    } finally {
      this.state = 'stopped';
    }
  }

  private async start(): Promise<void> {
    const o = this.options;
    const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
      ...this.connection,
      groupId: o.groupId,
      ...((o.groupProtocol ?? DEFAULT_KAFKA_GROUP_PROTOCOL) === 'classic'
        ? {
            sessionTimeout: o.sessionTimeoutMs ?? 30_000,
            rebalanceTimeout: o.rebalanceTimeoutMs ?? 60_000,
            heartbeatInterval: o.heartbeatIntervalMs ?? 3000,
            ...(o.groupInstanceId ? { groupInstanceId: o.groupInstanceId } : {}),
          }
        : { groupProtocol: 'consumer' as const, rebalanceTimeout: o.rebalanceTimeoutMs ?? 60_000 }),
      autocommit: false,
      maxBytesPerPartition: o.maxBytesPerPartition ?? PLATFORMATIC_FETCH_DEFAULTS.maxBytesPerPartition,
      maxWaitTime: o.maxWaitTimeMs ?? PLATFORMATIC_FETCH_DEFAULTS.maxWaitTimeMs,
      retries: 5,
      retryDelay: BACKOFF_MS[0],
    });
    this.consumer = consumer;
    this.highWatermarks = new PlatformaticHighWatermarks(consumer, o.topics);
    consumer.on('error', (error: unknown) => this.logger.warn('kafka consumer client error', { groupId: o.groupId, error: String(error) }));
    consumer.on('consumer:group:join', () => this.followAssignment());
    const stream = await consumer.consume({
      topics: [...o.topics],
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: o.fromBeginning ? MessagesStreamFallbackModes.EARLIEST : MessagesStreamFallbackModes.LATEST,
      autocommit: false,
      maxBytesPerPartition: o.maxBytesPerPartition ?? PLATFORMATIC_FETCH_DEFAULTS.maxBytesPerPartition,
      maxWaitTime: o.maxWaitTimeMs ?? PLATFORMATIC_FETCH_DEFAULTS.maxWaitTimeMs,
    });
    this.stream = stream;
    this.highWatermarks.resolveTopicIds();
    stream.on('data', (message: PlatformaticMessage) => this.receive(message));
    stream.on('error', (error: unknown) => this.streamFailed(error));
    this.followAssignment();
    // consume() resolved: the member is in its group (possibly with no partitions yet)
    this.options.listeners?.onGroupJoin?.({ memberId: consumer.memberId ?? '', isLeader: false, assignment: this.assignment });
    if (this.options.topics.every((t) => this.pausedTopics.has(t))) stream.pause();
  }

  private receive(message: PlatformaticMessage): void {
    const key = `${message.topic}:${message.partition}`;
    if (!this.owned.has(key)) this.followAssignment();
    if (!this.owned.has(key) || this.state !== 'running') return;
    const rewind = this.rewinding.get(key);
    if (rewind !== undefined) {
      if (message.offset > rewind.beyond) {
        // fetched before the seek: stale; a fetch in flight may have moved the position on again
        this.stream?.offsetsToFetch.set(key, rewind.to);
        return;
      }
      this.rewinding.delete(key);
    }
    this.lastSeen.set(key, message.offset);
    this.leaderEpochs.set(key, message.leaderEpoch);
    const epoch = this.epochs.get(key) ?? 0;
    let batch = this.pending.get(key);
    if (batch === undefined || batch.epoch !== epoch) {
      this.dropPending(key);
      batch = { topic: message.topic, partition: message.partition, epoch, messages: [] };
      this.pending.set(key, batch);
    }
    batch.messages.push(toConsumedMessage(message));
    this.pendingRecords += 1;
    if (this.pendingRecords >= this.readAhead) this.stream?.pause();
    this.schedule();
  }

  /** A held batch goes back in front of its partition's read-ahead, unless it went stale meanwhile (sought back or lost). */
  private requeue(batch: PendingBatch): void {
    const key = `${batch.topic}:${batch.partition}`;
    if (!this.owned.has(key) || (this.epochs.get(key) ?? 0) !== batch.epoch) return;
    const current = this.pending.get(key);
    if (current === undefined) this.pending.set(key, batch);
    else current.messages.unshift(...batch.messages);
    this.pendingRecords += batch.messages.length;
  }

  /**
   * Forgets a partition's read-ahead (it went stale: sought back or lost). Every record leaves the
   * count it entered, or the count creeps up to `readAhead` and the stream stays paused for good.
   */
  private dropPending(key: string): void {
    const dropped = this.pending.get(key);
    if (dropped === undefined) return;
    this.pending.delete(key);
    this.pendingRecords -= dropped.messages.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const turn = this.pending;
      this.pending = new Map();
      this.chain = this.chain.then(() => this.handOver([...turn.values()]));
    });
  }

  /** One turn's batches, one per partition, in arrival order per partition. */
  private async handOver(turn: PendingBatch[]): Promise<void> {
    for (const batch of turn) this.pendingRecords -= batch.messages.length;
    // batches gone stale (sought back, lost) are dropped without waiting: they are fetched again
    const batches = turn.filter((batch) => this.isCurrent(batch));
    if (batches.length === 0) return this.resumeIfRoom();
    // after a failed acknowledgement, wait out the backoff once (not once per turn read ahead)
    const wait = this.backoffUntil - Date.now();
    if (wait > 0 && this.state === 'running') await sleep(wait, this.stopping.signal);
    if (this.onAcknowledge) {
      for (const batch of batches) await this.handOne(batch);
    } else {
      for (let i = 0; i < batches.length; i += this.concurrency) {
        await Promise.all(batches.slice(i, i + this.concurrency).map((batch) => this.handOne(batch)));
      }
    }
    this.resumeIfRoom();
  }

  /** The batch's partition is still owned and was not sought back since its records arrived. */
  private isCurrent(batch: PendingBatch): boolean {
    const key = `${batch.topic}:${batch.partition}`;
    return this.owned.has(key) && (this.epochs.get(key) ?? 0) === batch.epoch;
  }

  /** The stream fetches on while the read-ahead has room and some topic is not paused. */
  private resumeIfRoom(): void {
    if (this.state === 'running' && this.pendingRecords < this.readAhead && !this.options.topics.every((t) => this.pausedTopics.has(t))) this.stream?.resume();
  }

  private async handOne(batch: PendingBatch): Promise<void> {
    if (this.state !== 'running' || batch.messages.length === 0) return;
    if (this.pausedTopics.has(batch.topic)) {
      this.held.push(batch);
      return;
    }
    if (!(await this.window.room(this.stopping.signal))) return;
    // Lost, sought back or stopping meanwhile: the records are fetched again (rules 1 and 2).
    if (this.state !== 'running' || !this.isCurrent(batch)) return;
    if (this.failure !== undefined) return this.crash(this.failure);
    const consumed = toConsumedBatch(batch.topic, batch.partition, batch.messages, this.highWatermarks?.get(batch.topic, batch.partition));
    let bytes = 0;
    for (const message of consumed.messages) bytes += (message.key?.length ?? 0) + (message.value?.length ?? 0);
    let completion: Promise<void>;
    try {
      completion = (this.handler as KafkaBatchHandler)(consumed);
    } catch (error) {
      completion = Promise.reject(error);
    }
    completion.then(
      () => {
        this.backoffMs = 0;
      },
      () => undefined,
    );
    this.window.track(
      { topic: batch.topic, partition: batch.partition, firstOffset: (consumed.messages[0] as KafkaConsumedMessage).offset, nextOffset: nextOffsetOf(consumed), bytes },
      completion,
      (error, seek) => this.acknowledgeFailed(error, seek),
    );
    if (!this.onAcknowledge) await completion.catch(() => undefined);
  }

  private acknowledgeFailed(error: unknown, seek: TopicPartitionOffset): void {
    const retriable = (error as { retriable?: unknown } | null)?.retriable !== false;
    this.logger.warn('kafka batch not acknowledged: partition sought back to its first unacknowledged offset', {
      topic: seek.topic,
      partition: seek.partition,
      offset: seek.offset,
      retriable,
      error: String(error),
    });
    this.backoffMs = Math.min(BACKOFF_MS[1], Math.max(BACKOFF_MS[0], this.backoffMs * 2));
    this.backoffUntil = Date.now() + this.backoffMs;
    if (!retriable) this.crash(error);
  }

  private crash(error: unknown): void {
    if (this.state !== 'running') return;
    const failure = error instanceof IoError ? error : toPlatformaticIoError(error, `kafka consumer ${this.options.groupId} handler`);
    this.state = 'crashed';
    this.crashError = failure;
    clearInterval(this.watch);
    this.window.close();
    this.stream?.pause();
    this.logger.error('kafka consumer crashed for good: no more batches in this process', { groupId: this.options.groupId, restart: false, error: failure.message });
    this.options.listeners?.onCrash?.(failure, false);
    void this.closeClient();
  }

  private seekBack(position: TopicPartitionOffset): void {
    const key = `${position.topic}:${position.partition}`;
    this.epochs.set(key, (this.epochs.get(key) ?? 0) + 1);
    this.dropPending(key);
    const to = BigInt(position.offset);
    this.rewinding.set(key, { to, beyond: this.lastSeen.get(key) ?? to - 1n });
    this.stream?.offsetsToFetch.set(key, to);
    this.resumeIfRoom();
  }

  private async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    const consumer = this.consumer;
    // rule 1: never commit a partition this member does not own now
    const mine = offsets.filter((o) => this.owned.has(`${o.topic}:${o.partition}`));
    if (consumer === undefined || mine.length === 0) return;
    await consumer.commit({
      offsets: mine.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), leaderEpoch: this.leaderEpochs.get(`${o.topic}:${o.partition}`) ?? -1 })),
    });
  }

  private followAssignment(): void {
    const consumer = this.consumer;
    if (consumer === undefined) return;
    const next = (consumer.assignments ?? [])
      .filter((a) => this.options.topics.includes(a.topic))
      .map((a) => ({ topic: a.topic, partitions: [...a.partitions].sort((x, y) => x - y) }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
    const now = new Set(next.flatMap((a) => a.partitions.map((p) => `${a.topic}:${p}`)));
    const lost = [...this.owned].filter((key) => !now.has(key));
    const gained = [...now].filter((key) => !this.owned.has(key));
    if (lost.length === 0 && gained.length === 0) return;
    const revoked = this.assignment
      .map(({ topic, partitions }) => ({ topic, partitions: partitions.filter((p) => !now.has(`${topic}:${p}`)) }))
      .filter((a) => a.partitions.length > 0);
    const added = next.map(({ topic, partitions }) => ({ topic, partitions: partitions.filter((p) => !this.owned.has(`${topic}:${p}`)) })).filter((a) => a.partitions.length > 0);
    // rule 2: a lost partition's read-ahead, tracking and fetch position go; rule 3: the others stay
    for (const key of lost) {
      this.epochs.set(key, (this.epochs.get(key) ?? 0) + 1);
      this.dropPending(key);
      this.rewinding.delete(key);
      this.lastSeen.delete(key);
      this.stream?.offsetsToFetch.delete(key);
    }
    this.held = this.held.filter((b) => now.has(`${b.topic}:${b.partition}`));
    this.window.forget(revoked.flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition }))));
    this.owned = now;
    this.assignment = next;
    this.logger.info('kafka consumer assignment changed', { groupId: this.options.groupId, memberId: consumer.memberId, assignment: next });
    const listeners = this.options.listeners;
    if (revoked.length > 0) listeners?.onPartitionsRevoked?.(revoked);
    if (added.length > 0) listeners?.onPartitionsAssigned?.(added);
    listeners?.onGroupJoin?.({ memberId: consumer.memberId ?? '', isLeader: false, assignment: next });
  }

  /** The client's stream died (e.g. the brokers were unreachable for longer than its retries): start over. */
  private streamFailed(error: unknown): void {
    if (this.state !== 'running' || this.restarting !== undefined) return;
    const failure = toPlatformaticIoError(error, `kafka consumer ${this.options.groupId}`);
    if (!failure.retriable) return this.crash(failure);
    this.logger.error('kafka consumer crashed: restarting', { groupId: this.options.groupId, restart: true, error: failure.message });
    this.options.listeners?.onCrash?.(failure, true);
    this.restarting = this.restart().finally(() => {
      this.restarting = undefined;
    });
  }

  private async restart(): Promise<void> {
    let delay: number = BACKOFF_MS[0];
    while (this.state === 'running') {
      await this.closeClient();
      // a new consumer starts from the committed offsets: nothing in flight may commit now
      this.window.reset();
      this.pending.clear();
      this.pendingRecords = 0;
      this.held = [];
      this.rewinding.clear();
      this.lastSeen.clear();
      this.owned = new Set();
      this.assignment = [];
      await sleep(delay, this.stopping.signal);
      if (this.state !== 'running') return;
      try {
        await this.start();
        return;
      } catch (error) {
        this.logger.warn('kafka consumer restart failed; trying again', { groupId: this.options.groupId, error: String(error), delayMs: delay });
        delay = Math.min(BACKOFF_MS[1], delay * 2);
      }
    }
  }

  private async closeClient(): Promise<void> {
    const stream = this.stream;
    const consumer = this.consumer;
    this.stream = undefined;
    this.consumer = undefined;
    this.highWatermarks?.close();
    this.highWatermarks = undefined;
    await stream?.close().catch(() => undefined);
    await consumer?.close(true).catch((error: unknown) => this.logger.debug('kafka consumer close failed', { error: String(error) }));
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
