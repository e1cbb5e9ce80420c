import type { Consumer, EachBatchPayload } from 'kafkajs';
import { IoError } from '../io-error';
import { createKafkaClient, type KafkaConnectionOptions } from './kafka-config';
import { toKafkaIoError } from './kafka-errors';
import { type IoLogger, stderrIoLogger } from './kafka-logger';
import { nextOffset, toConsumedBatch } from './kafka-message';
import type { KafkaBatchConsumerPort, KafkaBatchHandler, KafkaTopicPartitions } from './kafka-types';

export interface KafkaBatchConsumerOptions extends KafkaConnectionOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group with no committed offset starts: true = earliest, false (default) = latest. */
  readonly fromBeginning?: boolean;
  /** Partitions handled in parallel by this member (default 1: one batch at a time). */
  readonly partitionsConsumedConcurrently?: number;
  /** Default 30000 ms. */
  readonly sessionTimeoutMs?: number;
  /** Default 60000 ms. */
  readonly rebalanceTimeoutMs?: number;
  /** Default 3000 ms; also the period of heartbeats sent while a handler runs. */
  readonly heartbeatIntervalMs?: number;
  /** Default 1 MiB. */
  readonly maxBytesPerPartition?: number;
  /** Longest a fetch waits for data (default 500 ms). */
  readonly maxWaitTimeMs?: number;
  /**
   * Default true: after a retriable failure (a handler error marked `retriable`, or retries of the
   * batch exhausted) the consumer rejoins by itself and re-fetches from the last committed offset.
   * kafkajs never restarts after a non-retriable error, whatever this says: see `crashed`.
   */
  readonly restartOnFailure?: boolean;
  readonly listeners?: KafkaBatchConsumerListeners;
}

export interface KafkaGroupAssignment {
  readonly memberId: string;
  readonly isLeader: boolean;
  readonly assignment: readonly KafkaTopicPartitions[];
}

/**
 * kafkajs has no revoke callback: partitions are revoked when the member rejoins. We compare each
 * new assignment with the previous one and report what was taken away and what was added.
 */
export interface KafkaBatchConsumerListeners {
  onGroupJoin?(event: KafkaGroupAssignment): void;
  onPartitionsRevoked?(partitions: readonly KafkaTopicPartitions[]): void;
  onPartitionsAssigned?(partitions: readonly KafkaTopicPartitions[]): void;
  onRebalancing?(): void;
  /**
   * The consumer stopped because of `error`; `restart` says whether it rejoins by itself. Without
   * restart it is dead for good (`crashed` is set): the service should report itself not live.
   */
  onCrash?(error: IoError, restart: boolean): void;
}

/**
 * Owner of one group consumer that hands the caller whole batches (one partition each) and
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
 *                             it: `crashed` holds the error and `onCrash` fires, so the service
 *                             fails its liveness probe and the orchestrator restarts it; the batch,
 *                             never committed, is processed again by the new process.
 */
export class KafkaBatchConsumer implements KafkaBatchConsumerPort {
  private readonly consumer: Consumer;
  private readonly logger: IoLogger;
  private readonly heartbeatIntervalMs: number;
  private assignment: KafkaTopicPartitions[] = [];
  private state: 'idle' | 'running' | 'crashed' | 'stopping' | 'stopped' = 'idle';
  private crashError: IoError | undefined;

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
        eachBatch: (payload) => this.handleBatch(payload, handler),
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
   * Graceful shutdown: stop fetching, wait for the in-flight handler and its commit, leave the
   * group (so the partitions move to the other members at once), close the connections.
   */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    this.state = 'stopping';
    try {
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
