import { IoError } from '../../io-error';
import type { KafkaBatchConsumerOptions } from '../kafka-batch-consumer';
import { type IoLogger, stderrIoLogger } from '../kafka-logger';
import { nextOffset } from '../kafka-message';
import type { KafkaBatchConsumerPort, KafkaBatchHandler, KafkaTopicPartitions } from '../kafka-types';
import { toConfluentIoError } from './confluent-errors';
import { createConfluentKafka } from './confluent-kafka-config';
import {
  CONFLUENT_ERR_ASSIGN_PARTITIONS,
  CONFLUENT_ERR_REVOKE_PARTITIONS,
  type ConfluentConsumer,
  type ConfluentEachBatchPayload,
  type ModuleLoader,
} from './confluent-kafkajs-api';
import { applyAssignmentChange, groupByTopic, toConfluentConsumedBatch } from './confluent-message';

export interface ConfluentKafkaBatchConsumerOptions extends KafkaBatchConsumerOptions {
  /**
   * Most messages handed to one handler call (the client's js.consumer.max.batch.size; its own
   * default is 32). Batches are cut client-side from what librdkafka prefetched, not per fetch
   * response as in kafkajs. Default 1000.
   */
  readonly maxBatchSize?: number;
  /** Default 'roundrobin' (eager, as kafkajs); 'cooperative-sticky' moves only the partitions that change owner. */
  readonly assignor?: 'roundrobin' | 'range' | 'cooperative-sticky';
}

/**
 * The KafkaBatchConsumerPort on @confluentinc/kafka-javascript: commits `lastOffset + 1` of a
 * batch only after the handler resolved; a handler that throws leaves the batch uncommitted and
 * the client seeks back to its first offset, so it is handed over again (at-least-once).
 * Differences from KafkaBatchConsumer: librdkafka heartbeats from its own thread (no heartbeat
 * timer needed while a handler runs; a handler must finish within rebalanceTimeoutMs, which is also
 * the max poll interval); revocations are reported by librdkafka's rebalance callback before the
 * partitions move, and the client waits for in-flight handlers before it gives them up; a failed
 * commit rejects the handler's batch and it is fetched again; there is no crash/restart cycle (the
 * consumer keeps polling and librdkafka reconnects), so `onCrash` and `restartOnFailure` are unused.
 */
export class ConfluentKafkaBatchConsumer implements KafkaBatchConsumerPort {
  private readonly consumer: ConfluentConsumer;
  private readonly logger: IoLogger;
  private assignment: KafkaTopicPartitions[] = [];
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';

  constructor(
    private readonly options: ConfluentKafkaBatchConsumerOptions,
    load?: ModuleLoader,
  ) {
    if (!options.groupId) throw new IoError('INVALID_CONFIG', 'kafka consumer: groupId is required');
    if (options.topics.length === 0) throw new IoError('INVALID_CONFIG', 'kafka consumer: no topics');
    const maxBatchSize = options.maxBatchSize ?? 1000;
    if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) throw new IoError('INVALID_CONFIG', 'kafka consumer: maxBatchSize must be a positive integer');
    this.logger = options.logger ?? stderrIoLogger;
    this.consumer = createConfluentKafka(options, load).consumer({
      'js.consumer.max.batch.size': maxBatchSize,
      rebalance_cb: (error, assignment) => this.onRebalance(error.code, assignment),
      kafkaJS: {
        groupId: options.groupId,
        fromBeginning: options.fromBeginning ?? false,
        autoCommit: false,
        sessionTimeout: options.sessionTimeoutMs ?? 30_000,
        rebalanceTimeout: options.rebalanceTimeoutMs ?? 60_000,
        heartbeatInterval: options.heartbeatIntervalMs ?? 3000,
        maxBytesPerPartition: options.maxBytesPerPartition ?? 1024 * 1024,
        maxWaitTimeInMs: options.maxWaitTimeMs ?? 500,
        allowAutoTopicCreation: false,
        partitionAssigners: [options.assignor ?? 'roundrobin'],
      },
    });
  }

  /** Partitions this member owns, as of the last rebalance callback. */
  get assignedPartitions(): readonly KafkaTopicPartitions[] {
    return this.assignment;
  }

  async run(handler: KafkaBatchHandler): Promise<void> {
    if (this.state !== 'idle') throw new IoError('CLOSED', `kafka consumer ${this.options.groupId}: already ${this.state}`);
    this.state = 'running';
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: [...this.options.topics] });
      await this.consumer.run({
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => this.handleBatch(payload, handler),
      });
    } catch (error) {
      this.state = 'stopped';
      await this.consumer.disconnect().catch(() => undefined);
      throw toConfluentIoError(error, `kafka consumer ${this.options.groupId} start`);
    }
  }

  /** Only effective while partitions are assigned (the client pauses assigned partitions). */
  pause(topics: readonly string[] = this.options.topics): void {
    this.consumer.pause(topics.map((topic) => ({ topic })));
  }

  resume(topics: readonly string[] = this.options.topics): void {
    this.consumer.resume(topics.map((topic) => ({ topic })));
  }

  /** disconnect() waits for in-flight handlers, revokes (so their commits land first) and leaves the group. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    this.state = 'stopping';
    try {
      await this.consumer.disconnect();
    } finally {
      this.state = 'stopped';
    }
  }

  private async handleBatch(payload: ConfluentEachBatchPayload, handler: KafkaBatchHandler): Promise<void> {
    const { batch } = payload;
    if (!payload.isRunning() || batch.messages.length === 0) return;
    await handler(toConfluentConsumedBatch(batch));
    // The output is acknowledged: committing is right even if a pause() or revoke marked the batch
    // stale meanwhile (the client applies both only after this handler returns).
    const lastOffset = batch.lastOffset();
    payload.resolveOffset(lastOffset);
    try {
      await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: nextOffset(lastOffset) }]);
    } catch (error) {
      throw toConfluentIoError(error, `kafka consumer ${this.options.groupId} commit`);
    }
  }

  private onRebalance(code: number, assignment: readonly { readonly topic: string; readonly partition: number }[]): void {
    const changed = groupByTopic(assignment);
    const listeners = this.options.listeners;
    if (code === CONFLUENT_ERR_REVOKE_PARTITIONS) {
      this.assignment = applyAssignmentChange(this.assignment, changed, 'revoke');
      this.logger.info('kafka consumer partitions revoked', { groupId: this.options.groupId, revoked: changed });
      listeners?.onRebalancing?.();
      if (changed.length > 0) listeners?.onPartitionsRevoked?.(changed);
    } else if (code === CONFLUENT_ERR_ASSIGN_PARTITIONS) {
      this.assignment = applyAssignmentChange(this.assignment, changed, 'assign');
      this.logger.info('kafka consumer partitions assigned', { groupId: this.options.groupId, assigned: changed, assignment: this.assignment });
      if (changed.length > 0) listeners?.onPartitionsAssigned?.(changed);
      listeners?.onGroupJoin?.({ memberId: '', isLeader: false, assignment: this.assignment });
    } else {
      this.logger.warn('kafka consumer rebalance error', { groupId: this.options.groupId, code });
    }
  }
}
