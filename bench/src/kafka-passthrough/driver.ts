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
