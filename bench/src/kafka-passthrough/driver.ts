import type { PassthroughCore } from './passthrough-core';
import type { Variant } from './variant';

/** Everything a client's passthrough needs; the same for every client. */
export interface DriverContext {
  readonly brokers: readonly string[];
  readonly source: string;
  readonly output: string;
  readonly groupId: string;
  readonly clientId: string;
  readonly variant: Variant;
  readonly core: PassthroughCore;
  /** The rebalance check slows the handler: this many ms per record before producing (0 = none). */
  readonly delayPerRecordMs: number;
  /** Group options of the rebalance check; the passthrough leaves the clients' defaults. */
  readonly group?: {
    readonly sessionTimeoutMs: number;
    /** 'roundrobin' | 'cooperative-sticky' (classic protocol) or 'consumer' (KIP-848). */
    readonly protocol: GroupProtocol;
  };
  /** Assignment changes, for the rebalance check's log. */
  readonly onRebalance?: (event: 'assigned' | 'revoked', partitions: readonly number[]) => void;
}

export type GroupProtocol = 'roundrobin' | 'cooperative-sticky' | 'consumer';

export interface RunningDriver {
  /** Graceful: stop fetching, let in-flight batches be acknowledged and committed, leave the group, close. */
  stop(): Promise<void>;
}

export type StartDriver = (context: DriverContext) => Promise<RunningDriver>;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The per-batch step of the eachBatch clients (kafkajs, confluent's KafkaJS API): wait for room in
 * the window, scan and slow down when asked, produce, track the acknowledgement; with `awaitAck`
 * the handler returns only once the batch is acknowledged.
 */
export async function passBatch(
  context: DriverContext,
  batch: { readonly partition: number; readonly lastOffset: number; readonly values: readonly (Buffer | null)[] },
  produce: () => Promise<unknown>,
  awaitAck: boolean,
): Promise<void> {
  const { core } = context;
  const room = core.admit();
  if (room) await room;
  if (context.variant.scan) core.inspect(batch.values);
  if (context.delayPerRecordMs > 0) await sleep(batch.values.length * context.delayPerRecordMs);
  const acknowledged = core.track(batch.partition, batch.lastOffset, batch.values.length, produce());
  if (awaitAck) await acknowledged;
}
