import { AckTracker, type AckTicket, type TopicPartitionOffset } from './ack-tracker';
import type { IoLogger } from './kafka-logger';

/** Pause before a failed commit of acknowledged offsets is sent again. */
const COMMIT_RETRY_MS = 1000;

export interface KafkaAckWindowLimits {
  /** Unacknowledged batches per consumer before new ones wait for room. */
  readonly maxBatches: number;
  /** Unacknowledged bytes (record keys + values) per consumer before new batches wait for room. */
  readonly maxBytes: number;
}

/** What the window needs from the Kafka consumer. */
export interface KafkaAckWindowClient {
  /** Commits these offsets (one per partition); rejects when the commit failed. */
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** Moves the partition's fetch position back; nothing is committed. */
  seek(position: TopicPartitionOffset): void;
}

/**
 * The in-flight part of `commitMode: 'on-acknowledge'`: a bounded window of batches handed to the
 * handler but not acknowledged yet, their ordered commits (AckTracker) and the seeks after a
 * failure. Commits are serialised — one OffsetCommit in flight, later offsets coalesced — so
 * an older commit can never land after a newer one.
 */
export class KafkaAckWindow {
  private readonly tracker = new AckTracker();
  private readonly pending = new Map<string, TopicPartitionOffset>();
  private readonly roomWaiters = new Set<() => void>();
  private readonly drainWaiters = new Set<() => void>();
  private committing: Promise<void> | undefined;
  /** Incremented by `reset`: acknowledgements of an older generation commit nothing. */
  private generation = 0;
  /** False from `drain`/`close` on: no new batches are admitted. */
  private accepting = true;
  /** From the end of `drain`/`close` on: nothing more is committed or sought. */
  private closed = false;

  constructor(
    private readonly limits: KafkaAckWindowLimits,
    private readonly client: KafkaAckWindowClient,
    private readonly logger: IoLogger,
  ) {}

  get inFlightBatches(): number {
    return this.tracker.inFlightBatches;
  }

  get inFlightBytes(): number {
    return this.tracker.inFlightBytes;
  }

  /**
   * Resolves true once there is room for one more batch (always when the window is empty, so one
   * batch larger than `maxBytes` still passes), false when `abort` fired or the window closed
   * first: the caller then hands the batch back unhandled.
   */
  async room(abort: AbortSignal): Promise<boolean> {
    while (this.accepting && !abort.aborted && !this.hasRoom()) {
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.roomWaiters.delete(wake);
          abort.removeEventListener('abort', wake);
          resolve();
        };
        this.roomWaiters.add(wake);
        abort.addEventListener('abort', wake, { once: true });
      });
    }
    return this.accepting && !abort.aborted;
  }

  /**
   * Tracks a batch handed to the handler; `completion` settles when its downstream write was
   * acknowledged (resolve) or failed for good (reject). `onFailure` hears about a failure whose
   * partition was sought back (the records are fetched again).
   */
  track(ticket: AckTicket, completion: Promise<void>, onFailure: (error: unknown, seek: TopicPartitionOffset) => void): void {
    const tracked = this.tracker.accept(ticket.topic, ticket.partition, ticket.firstOffset, ticket.nextOffset, ticket.bytes);
    const generation = this.generation;
    completion.then(
      () => {
        if (generation !== this.generation) return this.changed();
        const commit = this.tracker.acknowledge(tracked);
        if (commit !== undefined && !this.closed) this.enqueue(commit);
        this.changed();
      },
      (error: unknown) => {
        if (generation !== this.generation) return this.changed();
        const seek = this.tracker.fail(tracked);
        // the partition's commits stop before this batch; it and everything after it are fetched again
        if (seek !== undefined && this.accepting) {
          this.client.seek(seek);
          onFailure(error, seek);
        }
        this.changed();
      },
    );
  }

  /**
   * A new group generation: the fetch positions were reset to the committed offsets, so whatever
   * is in flight is delivered again (to this member or another) and must not be committed.
   */
  reset(): void {
    this.generation += 1;
    this.tracker.reset();
    this.pending.clear();
    this.changed();
  }

  /** Partitions this member lost: their in-flight batches commit nothing (KIP-848 / incremental rebalances). */
  forget(partitions: readonly { readonly topic: string; readonly partition: number }[]): void {
    for (const { topic, partition } of partitions) {
      this.tracker.forget(topic, partition);
      this.pending.delete(`${topic}\u0000${partition}`);
    }
    this.changed();
  }

  /**
   * Shutdown: no more room for new batches; waits (at most `timeoutMs`) for in-flight batches to
   * be acknowledged or failed, then for the last commit. Resolves false on timeout.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    this.accepting = false;
    for (const wake of [...this.roomWaiters]) wake();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const drained = (async (): Promise<true> => {
      while (this.tracker.inFlightBatches > 0) await new Promise<void>((resolve) => this.drainWaiters.add(resolve));
      await this.flush();
      return true;
    })();
    try {
      return await Promise.race([drained, timedOut]);
    } finally {
      clearTimeout(timer);
      this.closed = true;
      this.changed();
    }
  }

  /** Stops waiting for room (callers get false) and commits nothing more. */
  close(): void {
    this.accepting = false;
    this.closed = true;
    this.changed();
  }

  /** Sends what is queued for commit (one attempt) and resolves when no commit is in flight. */
  async flush(): Promise<void> {
    while (this.committing !== undefined) await this.committing;
    if (this.pending.size === 0) return;
    this.startCommitting();
    while (this.committing !== undefined) await this.committing;
  }

  private hasRoom(): boolean {
    const batches = this.tracker.inFlightBatches;
    return batches === 0 || (batches < this.limits.maxBatches && this.tracker.inFlightBytes < this.limits.maxBytes);
  }

  private enqueue(commit: TopicPartitionOffset): void {
    this.pending.set(`${commit.topic}\u0000${commit.partition}`, commit);
    if (this.committing === undefined) this.startCommitting();
  }

  private startCommitting(): void {
    const offsets = [...this.pending.values()];
    this.pending.clear();
    const generation = this.generation;
    let failed = false;
    this.committing = this.client
      .commit(offsets)
      .catch((error: unknown) => {
        failed = true;
        // A rebalance (the generation moved on) or a coordinator error: the next commit of the
        // partition, or the new owner's, covers it; until then the records may be delivered again.
        this.logger.warn('kafka commit of acknowledged offsets failed', { offsets, error: String(error) });
        if (generation === this.generation) {
          for (const offset of offsets) {
            const key = `${offset.topic}\u0000${offset.partition}`;
            if (!this.pending.has(key)) this.pending.set(key, offset);
          }
        }
      })
      .finally(() => {
        this.committing = undefined;
        if (this.pending.size === 0 || this.closed) return;
        if (!failed) return this.startCommitting();
        // a failed commit is retried once a second (or sooner, by the next acknowledgement or the
        // final flush): a partition gone quiet must not keep its acknowledged offsets uncommitted
        setTimeout(() => {
          if (this.committing === undefined && this.pending.size > 0 && !this.closed) this.startCommitting();
        }, COMMIT_RETRY_MS).unref();
      });
  }

  private changed(): void {
    if (this.hasRoom() || !this.accepting) for (const wake of [...this.roomWaiters]) wake();
    if (this.tracker.inFlightBatches === 0) {
      for (const wake of this.drainWaiters) wake();
      this.drainWaiters.clear();
    }
  }
}
