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
  private queue: T[] = [];
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
    if (this.queue.length === 0) this.oldestQueuedAt = this.now();
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
    return this.queue.length;
  }

  get active(): number {
    return this.inFlight;
  }

  /** Resolves when nothing is queued or in flight. */
  async idle(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private dispatch(): void {
    while (this.inFlight < this.options.concurrency && this.queue.length > 0 && this.shouldFlush()) {
      this.run(this.takeChunk());
    }
    this.armTimer();
  }

  private shouldFlush(): boolean {
    return (
      this.draining ||
      this.queue.length >= this.options.maxDocuments ||
      this.queuedBytes >= this.options.maxBytes ||
      this.now() - this.oldestQueuedAt >= this.options.lingerMs
    );
  }

  private takeChunk(): T[] {
    let count = 0;
    let bytes = 0;
    for (const entry of this.queue) {
      if (count > 0 && (count >= this.options.maxDocuments || bytes + entry.bytes > this.options.maxBytes)) break;
      count += 1;
      bytes += entry.bytes;
    }
    const chunk = this.queue.slice(0, count);
    this.queue = this.queue.slice(count);
    this.queuedBytes -= bytes;
    // what is left was queued no earlier than the chunk: give it a fresh linger window
    if (this.queue.length > 0) this.oldestQueuedAt = this.now();
    return chunk;
  }

  private run(chunk: T[]): void {
    this.inFlight += 1;
    void this.send(chunk).finally(() => {
      this.inFlight -= 1;
      this.dispatch();
      if (this.queue.length === 0 && this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
  }

  private armTimer(): void {
    if (this.timer !== undefined || this.queue.length === 0 || this.inFlight >= this.options.concurrency) return;
    const wait = Math.max(0, this.oldestQueuedAt + this.options.lingerMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dispatch();
    }, wait);
    this.timer.unref();
  }
}
