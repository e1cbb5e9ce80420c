/** One consumed batch accepted into the in-flight window; hand it back to `acknowledge` or `fail`. */
export interface AckTicket {
  readonly topic: string;
  readonly partition: number;
  /** Offset of the batch's first record. */
  readonly firstOffset: string;
  /** The batch's last offset + 1: what is committed once it and everything before it is acknowledged. */
  readonly nextOffset: string;
  readonly bytes: number;
}

export interface TopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

interface Entry {
  readonly ticket: AckTicket;
  acknowledged: boolean;
}

interface PartitionQueue {
  /** Accepted, not yet committable, in acceptance (= offset) order. */
  readonly entries: Entry[];
  /** Highest offset handed out for commit in this generation; never goes backwards. */
  committable: bigint;
}

/**
 * Per-partition ordered acknowledgement → committable offset. Batches are accepted in the order
 * Kafka delivers them (one partition's batches arrive in offset order) and may be acknowledged in
 * any order; a partition's commit position only moves over the contiguous acknowledged prefix, so
 * a later batch acknowledged first waits for the earlier one, and a failed one stops the partition
 * there. Pure: the consumer does the commits and seeks it returns.
 *
 * Offsets may have gaps between batches (compaction, transaction markers): contiguity is the order
 * of acceptance, not offset arithmetic.
 */
export class AckTracker {
  private readonly partitions = new Map<string, PartitionQueue>();
  private readonly live = new Map<AckTicket, Entry>();
  private bytes = 0;
  private batches = 0;

  /** Accepted batches not yet acknowledged, failed or dropped. */
  get inFlightBatches(): number {
    return this.batches;
  }

  /** Bytes of those batches. */
  get inFlightBytes(): number {
    return this.bytes;
  }

  /**
   * Records a batch as in flight. A batch starting before the end of what this partition already
   * accepted means the fetch position was moved back (a seek, an offset reset): batches accepted
   * from that offset on are dropped — they are delivered again — while earlier ones stay, because
   * their offsets are not covered by the new batch.
   */
  accept(topic: string, partition: number, firstOffset: string, nextOffset: string, bytes: number): AckTicket {
    const queue = this.queueOf(topic, partition);
    const first = BigInt(firstOffset);
    const tail = queue.entries.at(-1);
    if (tail !== undefined && first < BigInt(tail.ticket.nextOffset)) {
      const keep = queue.entries.filter((entry) => BigInt(entry.ticket.firstOffset) < first);
      for (const entry of queue.entries) if (!keep.includes(entry)) this.drop(entry);
      queue.entries.splice(0, queue.entries.length, ...keep);
    }
    const ticket: AckTicket = { topic, partition, firstOffset, nextOffset, bytes };
    const entry = { ticket, acknowledged: false };
    queue.entries.push(entry);
    this.live.set(ticket, entry);
    this.bytes += bytes;
    this.batches += 1;
    return ticket;
  }

  /**
   * The batch's downstream write was acknowledged. Returns the offset to commit when the
   * partition's acknowledged prefix grew past the last committable position; undefined when an
   * earlier batch is still pending or the ticket is no longer tracked (dropped by `fail`,
   * `reset` or a rewind: its records are delivered again, so it must not be committed).
   */
  acknowledge(ticket: AckTicket): TopicPartitionOffset | undefined {
    const entry = this.live.get(ticket);
    if (entry === undefined || entry.acknowledged) return undefined;
    entry.acknowledged = true;
    this.bytes -= ticket.bytes;
    this.batches -= 1;
    const queue = this.queueOf(ticket.topic, ticket.partition);
    let next: bigint | undefined;
    while (queue.entries[0]?.acknowledged === true) {
      const done = queue.entries.shift() as Entry;
      this.live.delete(done.ticket);
      next = BigInt(done.ticket.nextOffset);
    }
    if (next === undefined || next <= queue.committable) return undefined;
    queue.committable = next;
    return { topic: ticket.topic, partition: ticket.partition, offset: next.toString() };
  }

  /**
   * The batch's downstream write failed for good. Nothing of its partition from the first
   * unacknowledged batch on may be committed: every batch of the partition still tracked is
   * dropped, and the offset to seek back to (that first unacknowledged batch's first offset) is
   * returned, so the records are fetched and handled again. Undefined for an untracked ticket.
   */
  fail(ticket: AckTicket): TopicPartitionOffset | undefined {
    const entry = this.live.get(ticket);
    if (entry === undefined || entry.acknowledged) return undefined;
    const queue = this.queueOf(ticket.topic, ticket.partition);
    const first = queue.entries[0] as Entry;
    for (const dropped of queue.entries.splice(0)) this.drop(dropped);
    return { topic: ticket.topic, partition: ticket.partition, offset: first.ticket.firstOffset };
  }

  /**
   * Forgets one partition (this member lost it): its batches commit nothing any more, and should
   * the partition come back, its tracking starts afresh from the committed offset.
   */
  forget(topic: string, partition: number): void {
    const key = `${topic}\u0000${partition}`;
    const queue = this.partitions.get(key);
    if (queue === undefined) return;
    for (const entry of queue.entries) this.drop(entry);
    this.partitions.delete(key);
  }

  /** Forgets everything (a rebalance: the next generation starts from the committed offsets). */
  reset(): void {
    for (const entry of this.live.values()) this.drop(entry);
    this.partitions.clear();
  }

  private drop(entry: Entry): void {
    if (!this.live.delete(entry.ticket)) return;
    if (entry.acknowledged) return;
    this.bytes -= entry.ticket.bytes;
    this.batches -= 1;
  }

  private queueOf(topic: string, partition: number): PartitionQueue {
    const key = `${topic}\u0000${partition}`;
    let queue = this.partitions.get(key);
    if (queue === undefined) {
      queue = { entries: [], committable: -1n };
      this.partitions.set(key, queue);
    }
    return queue;
  }
}
