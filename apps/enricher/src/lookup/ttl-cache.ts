/**
 * A bounded map whose entries expire `ttlMs` after they were set. Two generations: entries go
 * into the current map; when it holds half the bound it becomes the previous one and the old
 * previous is dropped whole. Every operation is O(1): no per-entry eviction, which with a JS
 * Map used as a FIFO (delete the first key, again and again) degrades to a scan over deleted
 * slots on each eviction. The clock is passed in so that specs and the hot path agree on one
 * `now` per batch.
 */
export class TtlCache<V> {
  // Per generation: namespace → key → entry (a caller with several kinds of key, as the memcached
  // lookup with one namespace per observable kind, probes with the value it already holds
  // instead of building a `<kind>-<value>` string to probe with).
  private current = new Map<string, Map<string, Entry<V>>>();
  private previous = new Map<string, Map<string, Entry<V>>>();
  private currentSize = 0;
  private previousSize = 0;
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
    return this.currentSize + this.previousSize;
  }

  /** The entry, or undefined when absent or expired; a present entry may hold a cached `undefined` (a miss). */
  get(key: string, now: number, namespace = ''): { value: V } | undefined {
    if (!this.enabled) return undefined;
    const entry = this.current.get(namespace)?.get(key) ?? this.previous.get(namespace)?.get(key);
    return entry === undefined || entry.expiresAt <= now ? undefined : entry;
  }

  set(key: string, value: V, now: number, namespace = ''): void {
    if (!this.enabled) return;
    let entries = this.current.get(namespace);
    if (entries === undefined) {
      entries = new Map();
      this.current.set(namespace, entries);
    }
    const before = entries.size;
    entries.set(key, { value, expiresAt: now + this.ttlMs });
    this.currentSize += entries.size - before;
    if (this.currentSize >= this.generationSize) {
      this.previous = this.current;
      this.previousSize = this.currentSize;
      this.current = new Map();
      this.currentSize = 0;
    }
  }

  clear(): void {
    this.current.clear();
    this.previous.clear();
    this.currentSize = 0;
    this.previousSize = 0;
  }
}

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}
