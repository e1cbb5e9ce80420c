/**
 * Counts one Kafka batch's documents down to zero; `done` resolves then, or rejects on `fail`.
 * Created before its documents are prepared (each refers to it) and told their number with
 * `expect` before any of them can settle. The indexer's commit discipline hangs on it: the batch
 * handler resolves — and the consumer commits — only when `done` resolves.
 */
export class BatchSettlement {
  readonly done: Promise<void>;
  /** Set by `fail` while documents were still unsettled: the chunks drop them (Kafka delivers them again). */
  failed = false;
  private remaining = 0;
  private resolve!: () => void;
  private reject!: (error: unknown) => void;

  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  expect(count: number): void {
    this.remaining = count;
    if (count === 0) this.resolve();
  }

  settle(count: number): void {
    this.remaining -= count;
    if (this.remaining === 0) this.resolve();
  }

  fail(error: unknown): void {
    if (this.remaining > 0) this.failed = true;
    this.reject(error);
  }
}
