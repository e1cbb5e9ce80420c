import type { IoError } from '../io-error';
import { DEFAULT_KAFKA_CLIENT, type KafkaGroupProtocol } from './kafka-client';
import type { KafkaConnectionOptions } from './kafka-config';
import { KafkajsBatchConsumer } from './kafkajs-batch-consumer';
import type { KafkaBatchConsumerPort, KafkaBatchHandler, KafkaTopicPartitions } from './kafka-types';
import { PlatformaticBatchConsumer } from './platformatic/platformatic-batch-consumer';

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
  /** Most bytes one fetch returns per partition (default 1 MiB with kafkajs, 512 KiB with platformatic). */
  readonly maxBytesPerPartition?: number;
  /** Longest a fetch waits for data (default 500 ms). */
  readonly maxWaitTimeMs?: number;
  /**
   * Default true: after a retriable failure (a handler error marked `retriable`, or retries of the
   * batch exhausted) the consumer rejoins by itself and re-fetches from the last committed offset.
   * kafkajs never restarts after a non-retriable error, whatever this says: see `crashed`.
   */
  readonly restartOnFailure?: boolean;
  /**
   * When a batch's offsets are committed (default 'after-handler'):
   *   after-handler   eachBatch awaits the handler and commits when it resolved. kafkajs fetches
   *                   again only when every handler of the last fetch resolved, so fetching and
   *                   decoding the next batches waits for the downstream acknowledgement.
   *   on-acknowledge  the handler's returned promise is the batch's acknowledgement: eachBatch
   *                   returns as soon as the handler was called and the batch fits in the
   *                   in-flight window, so the next fetch overlaps the downstream writes. Offsets
   *                   are committed per partition in offset order as acknowledgements arrive;
   *                   a rejected one seeks the partition back (see KafkaBatchConsumer).
   */
  readonly commitMode?: KafkaCommitMode;
  /** on-acknowledge: unacknowledged batches before eachBatch waits (default 2 × partitionsConsumedConcurrently, at least 4). */
  readonly maxInFlightBatches?: number;
  /** on-acknowledge: unacknowledged record bytes (keys + values) before eachBatch waits (default 64 MiB). */
  readonly maxInFlightBytes?: number;
  /** on-acknowledge: how long stop() waits for in-flight acknowledgements before leaving them uncommitted (default 30000 ms). */
  readonly stopTimeoutMs?: number;
  readonly listeners?: KafkaBatchConsumerListeners;
  /**
   * platformatic: the group protocol, 'classic' (DEFAULT_KAFKA_GROUP_PROTOCOL: eager, the session,
   * rebalance and heartbeat settings and `groupInstanceId` apply) or 'consumer' (KIP-848, Kafka ≥ 4.0:
   * the broker's session timeout applies). kafkajs: always classic.
   */
  readonly groupProtocol?: KafkaGroupProtocol;
  /**
   * platformatic, classic groups: static membership (`group.instance.id`, KIP-345). A member that
   * comes back under the same id before the session timeout takes its partitions back without a
   * rebalance. Unique per live replica (two live members with one id fence each other).
   */
  readonly groupInstanceId?: string;
  /** platformatic: records read ahead of the handler before the stream pauses (default 10000). */
  readonly maxReadAheadRecords?: number;
}

export type KafkaCommitMode = 'after-handler' | 'on-acknowledge';

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
 * Owner of one group consumer handing whole batches (one partition each) to the handler and
 * committing a batch's `lastOffset + 1` only after its acknowledgement (the handler's promise),
 * per partition in offset order: on the client `options.client` picks (KAFKA_CLIENT: platformatic
 * by default, KIP-848 groups; or kafkajs, classic eager groups). Both drivers' behaviour, failure
 * handling and rebalances: libs/common/io/src/kafka/README.md.
 */
export class KafkaBatchConsumer implements KafkaBatchConsumerPort {
  private readonly driver: KafkajsBatchConsumer | PlatformaticBatchConsumer;

  constructor(options: KafkaBatchConsumerOptions) {
    this.driver = (options.client ?? DEFAULT_KAFKA_CLIENT) === 'kafkajs' ? new KafkajsBatchConsumer(options) : new PlatformaticBatchConsumer(options);
  }

  /** Set when the consumer stopped for good on its own (not by `stop`): it fetches nothing any more. */
  get crashed(): IoError | undefined {
    return this.driver.crashed;
  }

  /** Partitions this member owns now. */
  get assignedPartitions(): readonly KafkaTopicPartitions[] {
    return this.driver.assignedPartitions;
  }

  run(handler: KafkaBatchHandler): Promise<void> {
    return this.driver.run(handler);
  }

  pause(topics?: readonly string[]): void {
    this.driver.pause(topics);
  }

  resume(topics?: readonly string[]): void {
    this.driver.resume(topics);
  }

  stop(): Promise<void> {
    return this.driver.stop();
  }
}
