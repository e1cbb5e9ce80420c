import { randomBytes } from 'node:crypto';

/** Printable ASCII (0x21–0x7e), the only characters a plain lookup key's value holds (isPlainKeyValue). */
export function isIndexableKey(key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

const MIN_CAPACITY = 1 << 10;
const EMPTY = 0;
const DELETED = -1;

/**
 * A set of printable-ASCII strings, each given a slot (a small integer, reused after a delete),
 * kept without one heap object per key: the keys' bytes in one growing Buffer, open addressing
 * (linear probing, at most two thirds full) over Int32Arrays of slot + 1 and of the keys' hashes. The
 * caller keeps what belongs to a key in its own arrays, by slot.
 *
 * Why: table mode holds a million indicators. As a Map of strings to objects they are three
 * million heap objects, which every major garbage collection marks again (on the main thread and
 * on V8's helper threads) while the enricher runs; here they are a handful of typed arrays the
 * collector does not look into (docs/benchmarks.md, "table mode's CPU per event end to end").
 * A miss — nearly every lookup — reads one or two cells of the hash array.
 *
 * Keys must satisfy isIndexableKey (the caller routes anything else elsewhere). Answers are those
 * of a Map from key to slot (a property spec drives both with the same operations).
 */
export class AsciiKeyIndex {
  /**
   * Two Int32s per cell, side by side so that a probe reads one cache line: slot + 1 (or EMPTY,
   * DELETED), then the key's hash.
   */
  private cells = new Int32Array(2 * MIN_CAPACITY);
  /** Cells − 1 (a power of two). */
  private mask = MIN_CAPACITY - 1;
  /** Cells not EMPTY (live keys and DELETED marks): what limits the probe lengths. */
  private occupied = 0;
  private live = 0;
  private bytes = Buffer.allocUnsafe(64 * 1024);
  private bytesUsed = 0;
  /** Bytes of deleted keys, reclaimed when they are half of the buffer's used part. */
  private bytesDead = 0;
  private starts = new Int32Array(MIN_CAPACITY);
  private lengths = new Int32Array(MIN_CAPACITY);
  private slotsUsed = 0;
  private readonly freeSlots: number[] = [];

  get size(): number {
    return this.live;
  }

  /** One past the highest slot ever given: the length the caller's per-slot arrays need. */
  get slotLimit(): number {
    return this.slotsUsed;
  }

  /** The key's slot, or −1. */
  get(key: string): number {
    const hash = keyHash(key);
    const cells = this.cells;
    const mask = this.mask;
    for (let cell = hash & mask; ; cell = (cell + 1) & mask) {
      const entry = cells[2 * cell] as number;
      if (entry === EMPTY) return -1;
      if (entry !== DELETED && cells[2 * cell + 1] === hash && this.keyEquals(entry - 1, key)) return entry - 1;
    }
  }

  /** The key's slot, added when new (`added` says which). */
  set(key: string): { readonly slot: number; readonly added: boolean } {
    const existing = this.get(key);
    if (existing !== -1) return { slot: existing, added: false };
    // at most two thirds full (a miss then reads ~5 adjacent cells at worst on average, mostly one line)
    if ((this.occupied + 1) * 3 > (this.mask + 1) * 2) this.rehash();
    const slot = this.freeSlots.pop() ?? this.newSlot();
    this.storeKey(slot, key);
    const hash = keyHash(key);
    const mask = this.mask;
    let cell = hash & mask;
    while ((this.cells[2 * cell] as number) > 0) cell = (cell + 1) & mask;
    if (this.cells[2 * cell] === EMPTY) this.occupied++;
    this.cells[2 * cell] = slot + 1;
    this.cells[2 * cell + 1] = hash;
    this.live++;
    return { slot, added: true };
  }

  /** Removes the key; returns its slot (now free), or −1 when absent. */
  delete(key: string): number {
    const hash = keyHash(key);
    const mask = this.mask;
    for (let cell = hash & mask; ; cell = (cell + 1) & mask) {
      const entry = this.cells[2 * cell] as number;
      if (entry === EMPTY) return -1;
      if (entry !== DELETED && this.cells[2 * cell + 1] === hash && this.keyEquals(entry - 1, key)) {
        const slot = entry - 1;
        this.cells[2 * cell] = DELETED;
        this.live--;
        this.bytesDead += this.lengths[slot] as number;
        this.lengths[slot] = 0;
        this.freeSlots.push(slot);
        if (this.bytesDead > 4096 && this.bytesDead * 2 > this.bytesUsed) this.compactBytes();
        return slot;
      }
    }
  }

  /** The key held in `slot` (a live slot). */
  keyOf(slot: number): string {
    const start = this.starts[slot] as number;
    return this.bytes.toString('latin1', start, start + (this.lengths[slot] as number));
  }

  /** The live keys with their slots. */
  *entries(): IterableIterator<[string, number]> {
    const cells = this.cells;
    for (let cell = 0; cell < cells.length; cell += 2) {
      const entry = cells[cell] as number;
      if (entry > 0) yield [this.keyOf(entry - 1), entry - 1];
    }
  }

  private keyEquals(slot: number, key: string): boolean {
    const length = this.lengths[slot] as number;
    if (length !== key.length) return false;
    const bytes = this.bytes;
    const start = this.starts[slot] as number;
    for (let i = 0; i < length; i++) if (bytes[start + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  private newSlot(): number {
    const slot = this.slotsUsed++;
    if (slot >= this.starts.length) {
      this.starts = grownInt32(this.starts, this.starts.length * 2);
      this.lengths = grownInt32(this.lengths, this.lengths.length * 2);
    }
    return slot;
  }

  private storeKey(slot: number, key: string): void {
    if (this.bytesUsed + key.length > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.bytesUsed + key.length));
      this.bytes.copy(bigger, 0, 0, this.bytesUsed);
      this.bytes = bigger;
    }
    this.bytes.write(key, this.bytesUsed, 'latin1');
    this.starts[slot] = this.bytesUsed;
    this.lengths[slot] = key.length;
    this.bytesUsed += key.length;
  }

  /** The live keys' bytes moved together (slots unchanged). */
  private compactBytes(): void {
    const packed = Buffer.allocUnsafe(Math.max(64 * 1024, this.bytesUsed - this.bytesDead));
    let used = 0;
    for (let cell = 0; cell < this.cells.length; cell += 2) {
      const entry = this.cells[cell] as number;
      if (entry <= 0) continue;
      const slot = entry - 1;
      const start = this.starts[slot] as number;
      const length = this.lengths[slot] as number;
      this.bytes.copy(packed, used, start, start + length);
      this.starts[slot] = used;
      used += length;
    }
    this.bytes = packed;
    this.bytesUsed = used;
    this.bytesDead = 0;
  }

  /** Cells at least twice the live keys, DELETED marks dropped. */
  private rehash(): void {
    let capacity = MIN_CAPACITY;
    while ((this.live + 1) * 2 > capacity) capacity *= 2;
    const old = this.cells;
    const cells = new Int32Array(2 * capacity);
    const mask = capacity - 1;
    for (let at = 0; at < old.length; at += 2) {
      const entry = old[at] as number;
      if (entry <= 0) continue;
      const hash = old[at + 1] as number;
      let cell = hash & mask;
      while (cells[2 * cell] !== EMPTY) cell = (cell + 1) & mask;
      cells[2 * cell] = entry;
      cells[2 * cell + 1] = hash;
    }
    this.cells = cells;
    this.mask = mask;
    this.occupied = this.live;
  }
}

/** A copy of `array` at `length` (longer), zeros after its end. */
export function grownInt32(array: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(length);
  bigger.set(array);
  return bigger;
}

/**
 * Chosen once per process: where a key lands depends on it, so a feed cannot be crafted offline
 * to pile its indicators into one long probe run (the keys come from MISP, and feeds are third
 * parties' data).
 */
const PROCESS_HASH_SEED = randomBytes(4).readInt32LE(0);

/**
 * FNV-1a over the characters from a seeded start, then a murmur3-style finaliser (the low bits
 * pick the cell). Not a keyed cryptographic hash: the seed only keeps collisions from being
 * precomputed, and a crafted lookup value can only probe (the table is at most two thirds full,
 * so every probe ends at an empty cell).
 */
export function keyHash(text: string, seed: number = PROCESS_HASH_SEED): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash | 0;
}
