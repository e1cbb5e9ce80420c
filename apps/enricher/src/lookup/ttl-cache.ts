/**
 * A bounded map whose entries expire `ttlMs` after they were set. Two generations of at most half
 * the bound each: entries go into the current one; when it is full it becomes the previous one
 * and the old previous is dropped whole. Every operation is amortised O(1): no per-entry eviction
 * on the way (a JS Map used as a FIFO, deleting its first key again and again, degrades to a scan
 * over deleted slots on each eviction). The clock is passed in so that specs and the hot path
 * agree on one `now` per batch.
 *
 * One Map per namespace holds both generations (key → slot; the newer slot when a key is in
 * both), so a probe is one hash lookup; values and expiry times live in flat arrays indexed by
 * slot, with no object per entry (such objects lived long enough to be promoted, and then cost
 * the old-space collector). Dropping a generation deletes its keys that no newer slot took over.
 *
 * `undefined` means "absent or expired", so a caller that caches negative answers stores another
 * value for them (the memcached lookup stores `null` for a known miss).
 */
export class TtlCache<V> {
  // a caller with several kinds of key (the memcached lookup, one namespace per observable kind)
  // probes with the value it already holds instead of building a `<kind>-<value>` string
  private readonly namespaces = new Map<string, Map<string, number>>();
  /** Slots [0, generationSize) are one generation, [generationSize, 2 × generationSize) the other. */
  private readonly values: (V | undefined)[] = [];
  // grown as slots are first used (a plain array of doubles), not allocated for the bound up front
  private readonly expiresAt: number[] = [];
  /** Per slot, the key and its namespace's map: what dropping its generation deletes. */
  private readonly keys: (string | undefined)[] = [];
  private readonly owners: (Map<string, number> | undefined)[] = [];
  private readonly generationSize: number;
  private readonly enabled: boolean;
  /** First slot of the current generation (0 or generationSize), and how many it used. */
  private currentBase = 0;
  private currentSize = 0;
  private previousSize = 0;

  constructor(
    private readonly ttlMs: number,
    maxEntries: number,
  ) {
    this.generationSize = Math.max(1, Math.floor(maxEntries / 2));
    this.enabled = ttlMs > 0 && maxEntries > 0;
  }

  /** Entries held (at most the bound; a key in both generations counts twice). */
  get size(): number {
    return this.currentSize + this.previousSize;
  }

  /** The value, or undefined when absent or expired. */
  get(key: string, now: number, namespace = ''): V | undefined {
    if (!this.enabled) return undefined;
    const slot = this.namespaces.get(namespace)?.get(key);
    return slot === undefined || (this.expiresAt[slot] as number) <= now ? undefined : this.values[slot];
  }

  set(key: string, value: V, now: number, namespace = ''): void {
    if (!this.enabled) return;
    let slots = this.namespaces.get(namespace);
    if (slots === undefined) {
      slots = new Map();
      this.namespaces.set(namespace, slots);
    }
    let slot = slots.get(key);
    if (slot === undefined || slot < this.currentBase || slot >= this.currentBase + this.generationSize) {
      // new, or held by the previous generation only: a slot of the current one
      slot = this.currentBase + this.currentSize++;
      slots.set(key, slot);
      this.keys[slot] = key;
      this.owners[slot] = slots;
    }
    this.values[slot] = value;
    this.expiresAt[slot] = now + this.ttlMs;
    if (this.currentSize >= this.generationSize) this.rotate();
  }

  clear(): void {
    this.namespaces.clear();
    this.values.length = 0;
    this.expiresAt.length = 0;
    this.keys.length = 0;
    this.owners.length = 0;
    this.currentBase = 0;
    this.currentSize = 0;
    this.previousSize = 0;
  }

  /** The current generation becomes the previous one; the previous one's slots are freed for the new current. */
  private rotate(): void {
    const droppedBase = this.currentBase === 0 ? this.generationSize : 0;
    for (let slot = droppedBase; slot < droppedBase + this.previousSize; slot++) {
      const owner = this.owners[slot] as Map<string, number>;
      const key = this.keys[slot] as string;
      if (owner.get(key) === slot) owner.delete(key);
      this.values[slot] = undefined;
      this.keys[slot] = undefined;
      this.owners[slot] = undefined;
    }
    this.previousSize = this.currentSize;
    this.currentBase = droppedBase;
    this.currentSize = 0;
  }
}
