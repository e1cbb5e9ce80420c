/**
 * A bounded map whose entries expire `ttlMs` after they were set. Two generations: entries go
 * into the current one; when it holds half the bound it becomes the previous one and the old
 * previous is dropped whole. Every operation is O(1): no per-entry eviction, which with a JS
 * Map used as a FIFO (delete the first key, again and again) degrades to a scan over deleted
 * slots on each eviction. The clock is passed in so that specs and the hot path agree on one
 * `now` per batch.
 *
 * `undefined` means "absent or expired", so a caller that caches negative answers stores another
 * value for them (the memcached lookup stores `null` for a known miss).
 */
export class TtlCache<V> {
  private current: Generation<V>;
  private previous: Generation<V>;
  private readonly generationSize: number;
  private readonly enabled: boolean;

  constructor(
    private readonly ttlMs: number,
    maxEntries: number,
  ) {
    this.generationSize = Math.max(1, Math.floor(maxEntries / 2));
    this.enabled = ttlMs > 0 && maxEntries > 0;
    this.current = new Generation(this.enabled ? this.generationSize : 0);
    this.previous = new Generation(this.enabled ? this.generationSize : 0);
  }

  /** Entries held (at most the bound; a key in both generations counts twice). */
  get size(): number {
    return this.current.size + this.previous.size;
  }

  /** The value, or undefined when absent or expired. */
  get(key: string, now: number, namespace = ''): V | undefined {
    if (!this.enabled) return undefined;
    // the current generation's entry is the newer one when a key is in both
    const slot = this.current.slotOf(key, namespace);
    return slot !== -1 ? this.current.valueAt(slot, now) : this.previous.valueAt(this.previous.slotOf(key, namespace), now);
  }

  set(key: string, value: V, now: number, namespace = ''): void {
    if (!this.enabled) return;
    this.current.set(key, value, now + this.ttlMs, namespace);
    if (this.current.size >= this.generationSize) {
      // the dropped generation's arrays are reused for the new one
      const dropped = this.previous;
      this.previous = this.current;
      dropped.clear();
      this.current = dropped;
    }
  }

  clear(): void {
    this.current.clear();
    this.previous.clear();
  }
}

/**
 * One generation: per namespace, key → slot; per slot its value and expiry. No object per entry
 * (an entry object lived long enough to be promoted and collected by the old-space GC).
 */
class Generation<V> {
  // namespace → key → slot (a caller with several kinds of key, as the memcached lookup with one
  // namespace per observable kind, probes with the value it already holds instead of building a
  // `<kind>-<value>` string to probe with)
  private slots = new Map<string, Map<string, number>>();
  private values: (V | undefined)[] = [];
  private readonly expiresAt: Float64Array;
  size = 0;

  constructor(capacity: number) {
    this.expiresAt = new Float64Array(capacity);
  }

  /** The key's slot, or -1. */
  slotOf(key: string, namespace: string): number {
    return this.slots.get(namespace)?.get(key) ?? -1;
  }

  /** The slot's value, or undefined when it expired (or for slot -1). */
  valueAt(slot: number, now: number): V | undefined {
    return slot === -1 || (this.expiresAt[slot] as number) <= now ? undefined : this.values[slot];
  }

  set(key: string, value: V, expiresAt: number, namespace: string): void {
    let byKey = this.slots.get(namespace);
    if (byKey === undefined) {
      byKey = new Map();
      this.slots.set(namespace, byKey);
    }
    let slot = byKey.get(key);
    if (slot === undefined) {
      slot = this.size++;
      byKey.set(key, slot);
    }
    this.values[slot] = value;
    this.expiresAt[slot] = expiresAt;
  }

  clear(): void {
    this.slots = new Map();
    this.values = [];
    this.size = 0;
  }
}
