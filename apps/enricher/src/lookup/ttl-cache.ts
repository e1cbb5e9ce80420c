/**
 * A bounded map whose entries expire `ttlMs` after they were set. Two generations: entries go
 * into the current map; when it holds half the bound it becomes the previous one and the old
 * previous is dropped whole. Every operation is O(1): no per-entry eviction, which with a JS
 * Map used as a FIFO (delete the first key, again and again) degrades to a scan over deleted
 * slots on each eviction. The clock is passed in so that specs and the hot path agree on one
 * `now` per batch.
 */
export class TtlCache<V> {
  private current = new Map<string, { value: V; expiresAt: number }>();
  private previous = new Map<string, { value: V; expiresAt: number }>();
  private readonly generationSize: number;
  private readonly enabled: boolean;

  constructor(
    private readonly ttlMs: number,
    maxEntries: number,
  ) {
    this.generationSize = Math.max(1, Math.floor(maxEntries / 2));
    this.enabled = ttlMs > 0 && maxEntries > 0;
  }

  /** Entries held (at most the bound; a key in both generations counts twice). */
  get size(): number {
    return this.current.size + this.previous.size;
  }

  /** The entry, or undefined when absent or expired; a present entry may hold a cached `undefined` (a miss). */
  get(key: string, now: number): { value: V } | undefined {
    if (!this.enabled) return undefined;
    const entry = this.current.get(key) ?? this.previous.get(key);
    return entry === undefined || entry.expiresAt <= now ? undefined : entry;
  }

  set(key: string, value: V, now: number): void {
    if (!this.enabled) return;
    this.current.set(key, { value, expiresAt: now + this.ttlMs });
    if (this.current.size >= this.generationSize) {
      this.previous = this.current;
      this.current = new Map();
    }
  }

  clear(): void {
    this.current.clear();
    this.previous.clear();
  }
}
