export interface BulkBatcherOptions {
  /** Flush when this many documents are queued. */
  readonly maxDocuments: number;
  /** Flush when the queued entries reach this many bytes of NDJSON. */
  readonly maxBytes: number;
  /** Flush a partial batch once its oldest entry has waited this long. */
  readonly lingerMs: number;
  /** Bulk requests in flight at once, across all partitions. */
  readonly concurrency: number;
}

export interface Sized {
  readonly bytes: number;
}

/**
 * Groups documents from every partition's handler into `_bulk`-sized chunks, bounded by count,
 * bytes and time, and runs at most `concurrency` chunks at once. `send` owns a chunk until every
 * entry in it is settled (indexed or dead-lettered, retries included) and must not reject.
 *
 * There is no queue limit here on purpose: handlers only add what Kafka handed them and then
 * wait for it, so the queue is bounded by what the consumer lets be unacknowledged (partitions
 * consumed concurrently × fetch size, or its in-flight window in on-acknowledge mode), and a slow
 * cluster stops consumption instead of growing memory.
 */
export class BulkBatcher<T extends Sized> {
  /** Entries waiting, from `head` on (taking a chunk moves `head`; the array is compacted only when its taken part dominates). */
  private queue: T[] = [];
  private head = 0;
  private queuedBytes = 0;
  private oldestQueuedAt = 0;
  private inFlight = 0;
  private draining = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly options: BulkBatcherOptions,
    private readonly send: (chunk: T[]) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  add(entries: readonly T[]): void {
    if (entries.length === 0) return;
    if (this.queued === 0) this.oldestQueuedAt = this.now();
    for (const entry of entries) {
      this.queue.push(entry);
      this.queuedBytes += entry.bytes;
    }
    this.dispatch();
  }

  /** From now on, flush partial chunks at once instead of lingering (shutdown). */
  drain(): void {
    this.draining = true;
    this.dispatch();
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  get active(): number {
    return this.inFlight;
  }

  /** Resolves when nothing is queued or in flight. */
  async idle(): Promise<void> {
    if (this.queued === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private dispatch(): void {
    while (this.inFlight < this.options.concurrency && this.queued > 0 && this.shouldFlush()) {
      this.run(this.takeChunk());
    }
    this.armTimer();
  }

  private shouldFlush(): boolean {
    return (
      this.draining ||
      this.queued >= this.options.maxDocuments ||
      this.queuedBytes >= this.options.maxBytes ||
      this.now() - this.oldestQueuedAt >= this.options.lingerMs
    );
  }

  private takeChunk(): T[] {
    const queue = this.queue;
    const { maxDocuments, maxBytes } = this.options;
    let end = this.head;
    let bytes = 0;
    while (end < queue.length) {
      const entry = queue[end] as T;
      const count = end - this.head;
      if (count > 0 && (count >= maxDocuments || bytes + entry.bytes > maxBytes)) break;
      end += 1;
      bytes += entry.bytes;
    }
    const chunk = queue.slice(this.head, end);
    this.head = end;
    this.queuedBytes -= bytes;
    // not a copy of the rest per chunk: the taken entries are cut off once they outnumber those left
    if (this.head === queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= queue.length - this.head) {
      this.queue = queue.slice(this.head);
      this.head = 0;
    }
    // what is left was queued no earlier than the chunk: give it a fresh linger window
    if (this.queued > 0) this.oldestQueuedAt = this.now();
    return chunk;
  }

  private run(chunk: T[]): void {
    this.inFlight += 1;
    void this.send(chunk).finally(() => {
      this.inFlight -= 1;
      this.dispatch();
      if (this.queued === 0 && this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
  }

  private armTimer(): void {
    if (this.timer !== undefined || this.queued === 0 || this.inFlight >= this.options.concurrency) return;
    const wait = Math.max(0, this.oldestQueuedAt + this.options.lingerMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dispatch();
    }, wait);
    this.timer.unref();
  }
}
