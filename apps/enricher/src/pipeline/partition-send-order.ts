/**
 * Keeps the enricher's output of one source partition in input order when batches of that
 * partition overlap (commitMode `on-acknowledge`: the consumer hands over batch N+1 while batch
 * N's records are still being produced).
 *
 * A batch takes its turn as it arrives — synchronously, before any await — and sends only once
 * every earlier batch of the partition has settled. Its parse, extract, lookup and apply still run
 * in parallel with the earlier batch's produce; only the sends are serialised, so records of one
 * key leave in the order they came in, as they do when batches do not overlap.
 *
 * When a batch fails, the batches already waiting behind it fail too (without sending): the
 * consumer seeks the partition back to the failed batch and delivers all of them again. A batch
 * that takes its turn after the failure has settled starts a fresh line: it is the redelivery.
 */
export class PartitionSendOrder {
  private readonly tails = new Map<string, Turn>();

  /** Take the next turn for `topic`/`partition`; call when the batch arrives, before any await. */
  turn(topic: string, partition: number): SendTurn {
    const key = `${topic}\u0000${partition}`;
    const previous = this.tails.get(key);
    const turn = new Turn(previous?.settled === false ? previous : undefined, () => {
      if (this.tails.get(key) === turn) this.tails.delete(key);
    });
    this.tails.set(key, turn);
    return turn;
  }

  /** Partitions with a batch in flight (for tests and metrics). */
  get partitionsInFlight(): number {
    return this.tails.size;
  }
}

export interface SendTurn {
  /** Resolves when every earlier batch of the partition was sent; rejects with EarlierBatchFailedError if one failed. */
  earlierSent(): Promise<void>;
  /** This batch's records were acknowledged. The first of `sent`/`failed` counts; later calls are ignored. */
  sent(): void;
  /** This batch failed (it is delivered again); the batches waiting behind it fail too. */
  failed(error: unknown): void;
}

/** A batch not sent because an earlier batch of its partition failed; it is delivered again with it. */
export class EarlierBatchFailedError extends Error {
  readonly code = 'EARLIER_BATCH_FAILED';
  readonly retriable = true;
  constructor(cause: unknown) {
    super('EARLIER_BATCH_FAILED: an earlier batch of this partition failed; this one was not sent and is delivered again', { cause });
    this.name = 'EarlierBatchFailedError';
  }
}

class Turn implements SendTurn {
  settled = false;
  failure: { readonly error: unknown } | undefined;
  /** Never rejects: a failure is read from `failure` by whoever waited. */
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    /** Cleared once this turn settles: batches that keep overlapping must not chain every turn ever taken. */
    private previous: Turn | undefined,
    private readonly onSettled: () => void,
  ) {
    this.done = new Promise<void>((resolve) => {
      this.resolveDone = resolve;
    });
  }

  async earlierSent(): Promise<void> {
    const previous = this.previous;
    if (previous === undefined) return;
    await previous.done;
    if (previous.failure !== undefined) throw new EarlierBatchFailedError(previous.failure.error);
  }

  sent(): void {
    this.settle(undefined);
  }

  failed(error: unknown): void {
    this.settle({ error });
  }

  private settle(failure: { readonly error: unknown } | undefined): void {
    if (this.settled) return;
    this.settled = true;
    this.failure = failure;
    this.previous = undefined;
    this.onSettled();
    this.resolveDone();
  }
}
