import { isUtf8 } from 'node:buffer';
import { scanJsonObject } from '@iocflow/core';

/** One committable position: the next offset to read in a partition of the source topic. */
export interface PartitionOffset {
  readonly partition: number;
  readonly offset: number;
}

export interface PassthroughCoreOptions {
  /** Most batches produced and not yet acknowledged, across partitions (the in-flight window). */
  readonly maxInFlight: number;
  /** Resolve `done` once this many records are committed (0 = run until stopped). */
  readonly expected: number;
  /** Called once per acknowledged batch (the rebalance check's progress signal). */
  readonly onAcknowledged?: (count: number) => void;
}

interface Pending {
  readonly last: number;
  readonly count: number;
  acked: boolean;
}

/**
 * The client-neutral part of every passthrough: what the services rely on, done the same way for
 * every client, so that only the client differs.
 *
 * - A bounded window of produced-but-unacknowledged batches (`admit` waits for room).
 * - Commit after acknowledgement, per partition in offset order: a batch's `last + 1` is committed
 *   only when it and every earlier batch of its partition are acknowledged (an acknowledgement that
 *   overtakes an earlier one waits), one commit request in flight, later offsets coalesced.
 * - A failed produce is fatal here (a bench has no dead letters): `failed` rejects.
 */
export class PassthroughCore {
  private readonly partitions = new Map<number, Pending[]>();
  private readonly toCommit = new Map<number, number>();
  private readonly waiting: (() => void)[] = [];
  private inFlight = 0;
  private committing = false;
  private committedRecords = 0;
  private pendingRecords = new Map<number, number>();
  private commit: (offsets: readonly PartitionOffset[]) => Promise<void> = () => Promise.reject(new Error('no commit function yet'));
  private resolveDone!: () => void;
  private rejectFailed!: (error: unknown) => void;
  /** First record handed in, and the commit that completed `expected` (epoch ms, fractional). */
  firstAt = 0;
  doneAt = 0;
  batches = 0;
  records = 0;
  commitErrors = 0;
  notVouched = 0;
  readonly done: Promise<void>;
  readonly failed: Promise<never>;

  constructor(private readonly options: PassthroughCoreOptions) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.failed = new Promise((_resolve, reject) => (this.rejectFailed = reject));
    this.failed.catch(() => undefined);
  }

  /** The driver's commit call: the given next offsets of the source topic. */
  commitWith(commit: (offsets: readonly PartitionOffset[]) => Promise<void>): void {
    this.commit = commit;
  }

  /** Waits until the window has room for one more batch. */
  admit(): Promise<void> | undefined {
    if (this.firstAt === 0) this.firstAt = now();
    if (this.inFlight < this.options.maxInFlight) return undefined;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  get hasRoom(): boolean {
    return this.inFlight < this.options.maxInFlight;
  }

  /** Registers a produced batch of `partition` ending at `last`; its commit follows `ack`. */
  track(partition: number, last: number, count: number, ack: Promise<unknown>): Promise<void> {
    if (this.firstAt === 0) this.firstAt = now();
    const entry: Pending = { last, count, acked: false };
    let queue = this.partitions.get(partition);
    if (!queue) this.partitions.set(partition, (queue = []));
    queue.push(entry);
    this.inFlight += 1;
    this.batches += 1;
    this.records += count;
    return ack.then(
      () => {
        entry.acked = true;
        this.inFlight -= 1;
        this.options.onAcknowledged?.(count);
        this.advance(partition);
        this.wake();
      },
      (error: unknown) => {
        this.inFlight -= 1;
        this.rejectFailed(error);
        throw error;
      },
    );
  }

  /** A client failure the driver cannot recover from ends the run. */
  fail(error: unknown): void {
    this.rejectFailed(error);
  }

  /**
   * Forgets the batches of partitions this member lost (a rebalance): their acknowledgements commit
   * nothing, and the new owner starts from the last commit (duplicates, never losses).
   */
  forget(partitions: readonly number[]): void {
    for (const partition of partitions) {
      this.partitions.delete(partition);
      this.toCommit.delete(partition);
      this.pendingRecords.delete(partition);
    }
  }

  /** Value checks of the scan variant: UTF-8 and one JSON object (what JSON.parse would accept). */
  inspect(values: Iterable<Buffer | null | undefined>): void {
    for (const value of values) {
      if (!value || !isUtf8(value) || scanJsonObject(value) === undefined) this.notVouched += 1;
    }
  }

  /**
   * For a graceful stop, once fetching is paused: waits (up to `timeoutMs`) until every produced
   * batch is acknowledged and everything acknowledged is committed.
   */
  async settle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.inFlight > 0 || this.committing || this.toCommit.size > 0) && Date.now() < deadline) {
      if (!this.committing && this.toCommit.size > 0) void this.commitNow();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private advance(partition: number): void {
    const queue = this.partitions.get(partition);
    if (!queue) return;
    let committable = -1;
    let records = 0;
    while (queue.length > 0 && (queue[0] as Pending).acked) {
      const head = queue.shift() as Pending;
      committable = head.last + 1;
      records += head.count;
    }
    if (committable < 0) return;
    this.toCommit.set(partition, committable);
    this.pendingRecords.set(partition, (this.pendingRecords.get(partition) ?? 0) + records);
    if (!this.committing) void this.commitNow();
  }

  private async commitNow(): Promise<void> {
    this.committing = true;
    while (this.toCommit.size > 0) {
      const offsets = [...this.toCommit].map(([partition, offset]) => ({ partition, offset }));
      const records = [...this.pendingRecords.values()].reduce((sum, n) => sum + n, 0);
      this.toCommit.clear();
      this.pendingRecords.clear();
      try {
        await this.commit(offsets);
        this.committedRecords += records;
        if (this.options.expected > 0 && this.doneAt === 0 && this.committedRecords >= this.options.expected) {
          this.doneAt = now();
          this.resolveDone();
        }
      } catch {
        this.commitErrors += 1;
        if (this.options.expected > 0) {
          // A lone member (the passthrough): a transient failure, try the same offsets again
          // unless newer ones are queued meanwhile.
          for (const { partition, offset } of offsets) if (!this.toCommit.has(partition)) this.toCommit.set(partition, offset);
          this.pendingRecords.set(-1, (this.pendingRecords.get(-1) ?? 0) + records);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        // In a group, a commit refused by a rebalance (stale generation) is dropped: the
        // partition's next owner starts from the previous commit, so the records are delivered
        // again (duplicates, not losses).
      }
    }
    this.committing = false;
  }

  private wake(): void {
    while (this.waiting.length > 0 && this.inFlight < this.options.maxInFlight) (this.waiting.shift() as () => void)();
  }
}

/** Wall-clock epoch milliseconds with sub-millisecond precision (comparable to Kafka timestamps). */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
