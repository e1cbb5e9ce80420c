/**
 * Bits of the presence filter per key (at least): 16 bits and two bits set per key give ~2% of
 * absent values through to the map. At 1,000,000 keys the filter is 2 MiB (2^24 bits).
 */
export const FILTER_BITS_PER_KEY = 16;
/** The smallest filter, in 32-bit words (4 KiB). */
const MIN_FILTER_WORDS = 1 << 10;

/**
 * A string-keyed Map with a presence filter in front of `get`: a Bloom filter of two bits per key
 * in one 32-bit word (one memory access), kept in an Int32Array.
 *
 * Why: table mode's lookups nearly all miss (~95% of events carry no indicator, and a domain is
 * tried with each of its parents), and a miss in a Map of a million strings walks a hash bucket
 * and the keys chained in it — several cache misses each. The filter answers most of those misses
 * from a 2 MiB array instead (docs/benchmarks.md, "table mode's CPU per event end to end").
 *
 * The filter never hides a key: every key set is added to it, and a delete leaves its bits (a
 * stale bit only lets an absent value through to the map, which answers). When the map outgrows
 * FILTER_BITS_PER_KEY bits per key the filter is rebuilt twice as large from the map's keys,
 * which also clears the stale bits. So `get` answers exactly what the Map alone answers (a
 * property spec checks it against a plain Map).
 */
export class FilteredMap<V> {
  private readonly map = new Map<string, V>();
  private words = new Int32Array(MIN_FILTER_WORDS);
  /** 32 − log2(words.length): the hash's top bits pick the word. */
  private shift = 32 - Math.log2(MIN_FILTER_WORDS);

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    const hash = filterHash(key);
    const bits = (1 << (hash & 31)) | (1 << ((hash >>> 5) & 31));
    if (((this.words[hash >>> this.shift] as number) & bits) !== bits) return undefined;
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    this.map.set(key, value);
    if (this.map.size * FILTER_BITS_PER_KEY > this.words.length * 32) this.rebuild();
    else this.add(key);
  }

  delete(key: string): boolean {
    return this.map.delete(key);
  }

  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  /** Whether `key` passes the filter (for the specs: absent keys mostly do not). */
  mightHave(key: string): boolean {
    const hash = filterHash(key);
    const bits = (1 << (hash & 31)) | (1 << ((hash >>> 5) & 31));
    return ((this.words[hash >>> this.shift] as number) & bits) === bits;
  }

  private add(key: string): void {
    const hash = filterHash(key);
    const word = hash >>> this.shift;
    this.words[word] = (this.words[word] as number) | (1 << (hash & 31)) | (1 << ((hash >>> 5) & 31));
  }

  private rebuild(): void {
    let words = this.words.length;
    while (this.map.size * FILTER_BITS_PER_KEY > words * 32) words *= 2;
    this.words = new Int32Array(words);
    this.shift = 32 - Math.log2(words);
    for (const key of this.map.keys()) this.add(key);
  }
}

/**
 * FNV-1a over the UTF-16 code units, then a murmur3-style finaliser so that the top bits (the
 * word) and the low ten bits (the two bits in it) are both well mixed. Not for adversaries: a
 * value crafted to collide only costs the Map probe the filter would have saved.
 */
export function filterHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
