import type { Consumer, EachBatchPayload } from 'kafkajs';
import { IoError } from '../io-error';
import type { TopicPartitionOffset } from './ack-tracker';
import { KafkaAckWindow } from './kafka-ack-window';
import { createKafkaClient } from './kafka-config';
import { toKafkaIoError } from './kafka-errors';
import { type IoLogger, stderrIoLogger } from './kafka-logger';
import { nextOffset, toConsumedBatch } from './kafka-message';
import type { KafkaBatchConsumerOptions } from './kafka-batch-consumer';
import type { KafkaBatchConsumerPort, KafkaBatchHandler, KafkaTopicPartitions } from './kafka-types';

/**
 * The `kafkajs` driver of KafkaBatchConsumer: one group consumer that hands the caller whole batches (one partition each) and
 * commits `lastOffset + 1` of a batch only after the handler resolved, i.e. after the downstream
 * write was acknowledged. A handler that throws leaves its batch uncommitted: kafkajs re-fetches it
 * (after its retry policy, possibly after a restart), so delivery is at-least-once and every
 * downstream write must tolerate replays.
 *
 * What a handler error leads to depends on its `retriable` flag (IoError codes carry it):
 *   retriable (or unflagged)  kafkajs re-fetches the uncommitted batch with backoff (retry policy,
 *                             5 retries), then restarts the consumer: rejoin, fetch from the last
 *                             committed offset. Outages heal in-process.
 *   not retriable             kafkajs stops the consumer for good (`restart: false`) — retrying in
 *                             the same process would fail the same way. The owner does not hide
 *                             it: `crashed` holds the error and `onCrash` fires; the services then
 *                             fail liveness and readiness and exit 1 (ServiceExit in
 *                             libs/common/nest) so the orchestrator restarts them, never a live
 *                             process that consumes nothing; the batch, never committed, is
 *                             processed again by the new process. A handler must therefore throw
 *                             non-retriable errors only for failures of the world that a restart
 *                             may cure: one record's content never gets here (the pipelines
 *                             dead-letter or skip it).
 *
 * With `commitMode: 'on-acknowledge'` the handler's promise settles after eachBatch returned
 * (KafkaAckWindow, AckTracker):
 *   window       at most `maxInFlightBatches` / `maxInFlightBytes` unacknowledged; a batch that
 *                does not fit waits in eachBatch (heartbeating), so memory stays bounded and a
 *                slow downstream still stops consumption. A wait cut short (stop, a failed
 *                heartbeat = rebalance) hands the batch back unhandled; it is fetched again.
 *   commit       per partition, only over the contiguous acknowledged prefix: a later batch
 *                acknowledged first waits for the earlier ones. One commit in flight at a time.
 *   failure      a rejected acknowledgement is never skipped: the partition commits nothing from
 *                that batch on, its fetch position is sought back to the first unacknowledged
 *                batch, and everything from there is delivered again. A non-retriable rejection
 *                additionally crashes the consumer (as above) on its next batch.
 *   rebalance    kafkajs rebalances eagerly and resets fetch positions to the committed offsets:
 *                everything in flight is forgotten (its acknowledgements commit nothing) and is
 *                delivered again, to this member or the partition's new owner. Those duplicates
 *                are the price of the overlap; downstream writes must be idempotent.
 *   stop         pause fetching, wait up to `stopTimeoutMs` for in-flight acknowledgements,
 *                commit what was acknowledged, leave the group.
 */
export class KafkajsBatchConsumer implements KafkaBatchConsumerPort {
  private readonly consumer: Consumer;
  private readonly logger: IoLogger;
  private readonly heartbeatIntervalMs: number;
  private assignment: KafkaTopicPartitions[] = [];
  private state: 'idle' | 'running' | 'crashed' | 'stopping' | 'stopped' = 'idle';
  private crashError: IoError | undefined;
  /** Only in on-acknowledge mode. */
  private readonly window: KafkaAckWindow | undefined;
  /** A non-retriable acknowledgement failure, thrown from the next eachBatch so kafkajs crashes the consumer. */
  private failure: unknown;

  constructor(private readonly options: KafkaBatchConsumerOptions) {
    if (!options.groupId) throw new IoError('INVALID_CONFIG', 'kafka consumer: groupId is required');
    if (options.topics.length === 0) throw new IoError('INVALID_CONFIG', 'kafka consumer: no topics');
    this.logger = options.logger ?? stderrIoLogger;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 3000;
    const restartOnFailure = options.restartOnFailure ?? true;
    this.consumer = createKafkaClient(options).consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout: options.rebalanceTimeoutMs ?? 60_000,
      heartbeatInterval: this.heartbeatIntervalMs,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 1024 * 1024,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 500,
      allowAutoTopicCreation: false,
      retry: { restartOnFailure: async () => restartOnFailure },
    });
    if (options.commitMode === 'on-acknowledge') {
      const concurrency = options.partitionsConsumedConcurrently ?? 1;
      this.window = new KafkaAckWindow(
        { maxBatches: options.maxInFlightBatches ?? Math.max(4, 2 * concurrency), maxBytes: options.maxInFlightBytes ?? 64 * 1_048_576 },
        { commit: (offsets) => this.consumer.commitOffsets([...offsets]), seek: (position) => this.seekBack(position) },
        this.logger,
      );
    }
    this.listenToGroupEvents();
  }

  /** Set when the consumer stopped for good on its own (not by `stop`): it fetches nothing any more. */
  get crashed(): IoError | undefined {
    return this.crashError;
  }

  /** Partitions this member owns since the last group join. */
  get assignedPartitions(): readonly KafkaTopicPartitions[] {
    return this.assignment;
  }

  async run(handler: KafkaBatchHandler): Promise<void> {
    if (this.state !== 'idle') throw new IoError('CLOSED', `kafka consumer ${this.options.groupId}: already ${this.state}`);
    this.state = 'running';
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning ?? false });
      await this.consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => (this.window ? this.admitBatch(payload, handler, this.window) : this.handleBatch(payload, handler)),
      });
    } catch (error) {
      this.state = 'stopped';
      await this.consumer.disconnect().catch(() => undefined);
      throw toKafkaIoError(error, `kafka consumer ${this.options.groupId} start`);
    }
  }

  /** Stops fetching the topics (default: all subscribed) until resume; the group membership stays. */
  pause(topics: readonly string[] = this.options.topics): void {
    this.consumer.pause(topics.map((topic) => ({ topic })));
  }

  resume(topics: readonly string[] = this.options.topics): void {
    this.consumer.resume(topics.map((topic) => ({ topic })));
  }

  /**
   * Graceful shutdown: stop fetching, wait for the in-flight handler and its commit (on-acknowledge:
   * for the in-flight acknowledgements, at most `stopTimeoutMs`, and their commits), leave the
   * group (so the partitions move to the other members at once), close the connections.
   */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    const wasRunning = this.state === 'running';
    this.state = 'stopping';
    try {
      if (this.window !== undefined && wasRunning) await this.drainWindow(this.window);
      this.window?.close();
      await this.consumer.disconnect();
    } finally {
      this.state = 'stopped';
    }
  }

  private async handleBatch(payload: EachBatchPayload, handler: KafkaBatchHandler): Promise<void> {
    const { batch } = payload;
    if (!payload.isRunning() || payload.isStale() || batch.messages.length === 0) return;
    // Heartbeats keep the membership alive while a long handler runs (kafkajs only heartbeats
    // between batches). A failed heartbeat means a rebalance: the commit below will tell.
    const heartbeats = setInterval(() => {
      payload.heartbeat().catch((error: unknown) => {
        this.logger.debug('kafka heartbeat during batch failed', { error: String(error) });
      });
    }, this.heartbeatIntervalMs);
    try {
      await handler(toConsumedBatch(batch));
    } finally {
      clearInterval(heartbeats);
    }
    const lastOffset = batch.lastOffset();
    payload.resolveOffset(lastOffset);
    await payload.commitOffsetsIfNecessary({
      topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: nextOffset(lastOffset) }] }],
    });
  }

  // on-acknowledge: hand the batch over once it fits in the window; its promise commits it later
  private async admitBatch(payload: EachBatchPayload, handler: KafkaBatchHandler, window: KafkaAckWindow): Promise<void> {
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
    const { batch } = payload;
    if (!payload.isRunning() || payload.isStale() || batch.messages.length === 0) return;
    const abort = new AbortController();
    const heartbeats = setInterval(() => {
      payload.heartbeat().catch((error: unknown) => {
        // most likely a rebalance: stop waiting so the member can rejoin; the batch is fetched again
        this.logger.debug('kafka heartbeat while waiting for room failed', { error: String(error) });
        abort.abort();
      });
    }, this.heartbeatIntervalMs);
    let admitted: boolean;
    try {
      admitted = await window.room(abort.signal);
    } finally {
      clearInterval(heartbeats);
    }
    // not admitted or sought back meanwhile: leave the fetch position where it was
    if (!admitted || !payload.isRunning() || payload.isStale()) return;
    const consumed = toConsumedBatch(batch);
    let bytes = 0;
    for (const message of batch.messages) bytes += (message.key?.length ?? 0) + (message.value?.length ?? 0);
    let completion: Promise<void>;
    try {
      completion = handler(consumed);
    } catch (error) {
      completion = Promise.reject(error);
    }
    const lastOffset = batch.lastOffset();
    window.track(
      { topic: batch.topic, partition: batch.partition, firstOffset: consumed.messages[0]?.offset ?? lastOffset, nextOffset: nextOffset(lastOffset), bytes },
      completion,
      (error, seek) => this.onAcknowledgeFailure(error, seek),
    );
    // moves only the fetch position: autoCommit is off, the window commits acknowledged offsets
    payload.resolveOffset(lastOffset);
  }

  private seekBack(position: TopicPartitionOffset): void {
    try {
      this.consumer.seek(position);
    } catch (error) {
      // not running any more: the next member starts from the committed offset anyway
      this.logger.debug('kafka seek after a failed acknowledgement skipped', { error: String(error) });
    }
  }

  private onAcknowledgeFailure(error: unknown, seek: TopicPartitionOffset): void {
    const retriable = (error as { retriable?: unknown } | null)?.retriable !== false;
    this.logger.warn('kafka batch not acknowledged: partition sought back to its first unacknowledged offset', {
      topic: seek.topic,
      partition: seek.partition,
      offset: seek.offset,
      retriable,
      error: String(error),
    });
    if (!retriable) this.failure = error;
  }

  private async drainWindow(window: KafkaAckWindow): Promise<void> {
    try {
      this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
    } catch {
      // not running (never started, or crashed): nothing is fetched anyway
    }
    const inFlight = window.inFlightBatches;
    const stopTimeoutMs = this.options.stopTimeoutMs ?? 30_000;
    if (!(await window.drain(stopTimeoutMs))) {
      this.logger.warn('kafka consumer stop: in-flight batches not acknowledged in time; left uncommitted (delivered again)', {
        groupId: this.options.groupId,
        inFlight: window.inFlightBatches,
        stopTimeoutMs,
      });
    } else if (inFlight > 0) {
      this.logger.info('kafka consumer stop: in-flight batches acknowledged and committed', { groupId: this.options.groupId, batches: inFlight });
    }
  }

  private listenToGroupEvents(): void {
    const { events } = this.consumer;
    this.consumer.on(events.GROUP_JOIN, ({ payload }) => {
      const next = Object.entries(payload.memberAssignment).map(([topic, partitions]) => ({
        topic,
        partitions: [...partitions].sort((a, b) => a - b),
      }));
      const revoked = difference(this.assignment, next);
      const added = difference(next, this.assignment);
      this.assignment = next;
      // a new generation starts from the committed offsets: what was in flight is delivered again
      this.window?.reset();
      this.logger.info('kafka consumer joined group', {
        groupId: payload.groupId,
        memberId: payload.memberId,
        isLeader: payload.isLeader,
        assignment: next,
      });
      const listeners = this.options.listeners;
      if (revoked.length > 0) listeners?.onPartitionsRevoked?.(revoked);
      if (added.length > 0) listeners?.onPartitionsAssigned?.(added);
      listeners?.onGroupJoin?.({ memberId: payload.memberId, isLeader: payload.isLeader, assignment: next });
    });
    this.consumer.on(events.REBALANCING, ({ payload }) => {
      this.logger.info('kafka consumer group rebalancing', { groupId: payload.groupId, memberId: payload.memberId });
      this.options.listeners?.onRebalancing?.();
    });
    this.consumer.on(events.CRASH, ({ payload }) => {
      const error = toKafkaIoError(payload.error, `kafka consumer ${payload.groupId} crashed`);
      if (!payload.restart && this.state === 'running') {
        this.state = 'crashed';
        this.crashError = error;
        this.window?.close();
      }
      this.logger.error(payload.restart ? 'kafka consumer crashed: restarting' : 'kafka consumer crashed for good: no more batches in this process', {
        groupId: payload.groupId,
        restart: payload.restart,
        error: error.message,
      });
      this.options.listeners?.onCrash?.(error, payload.restart);
    });
  }
}

function difference(a: readonly KafkaTopicPartitions[], b: readonly KafkaTopicPartitions[]): KafkaTopicPartitions[] {
  return a
    .map(({ topic, partitions }) => {
      const other = new Set(b.find((x) => x.topic === topic)?.partitions ?? []);
      return { topic, partitions: partitions.filter((p) => !other.has(p)) };
    })
    .filter((x) => x.partitions.length > 0);
}
