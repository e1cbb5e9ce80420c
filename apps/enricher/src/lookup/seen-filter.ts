/** Bits of the filter: 128 KiB, small enough to stay in a core's cache. */
export const SEEN_FILTER_BITS = 1 << 20;

/**
 * Whether a (namespace, value) pair was seen recently: one bit per hash in a fixed bitset, the
 * "doorkeeper" in front of the memcached lookup's answer cache. Values asked once (a source
 * address, a URL with a query string: most of an event's values) then cost a short hash and
 * one bit here, not a probe and an insert in the cache's large map, whose memory traffic cost
 * more than the round trip's share it saved (docs/benchmarks.md, "the answer cache behind a
 * filter of values seen before").
 *
 * A false "seen" (two values on one bit) only lets a value into the cache; a false "not seen"
 * only keeps one out: neither changes an answer. The filter forgets everything when an eighth
 * of its bits were marked since the last reset (so a false "seen" stays under ~1 in 8), which
 * costs one pass over 128 KiB per ~131,000 new values. The hash reads a value of up to 64 UTF-16
 * units whole; of a longer one 24 units at each end and 24 spread over its middle, and its
 * length: two long values that differ only between the sampled units share a bit, so the second
 * is let into the cache as any value asked twice is; an answer is never changed by it.
 */
export class SeenFilter {
  private readonly words: Int32Array;
  private readonly mask: number;
  private readonly resetAfter: number;
  private marked = 0;

  constructor(bits = SEEN_FILTER_BITS) {
    if (!Number.isInteger(Math.log2(bits)) || bits < 32) throw new RangeError(`SeenFilter bits must be a power of two >= 32, got ${bits}`);
    this.words = new Int32Array(bits >>> 5);
    this.mask = bits - 1;
    this.resetAfter = bits >>> 3;
  }

  /** True when the pair was marked since the last reset (or shares its bit); marks it otherwise. */
  seenBefore(value: string, namespace: string): boolean {
    const bit = hashOf(value, namespace) & this.mask;
    const word = bit >>> 5;
    const flag = 1 << (bit & 31);
    if (((this.words[word] as number) & flag) !== 0) return true;
    if (this.marked >= this.resetAfter) this.clear();
    this.words[word] = (this.words[word] as number) | flag;
    this.marked++;
    return false;
  }

  /** Bits marked since the last reset. */
  get size(): number {
    return this.marked;
  }

  clear(): void {
    this.words.fill(0);
    this.marked = 0;
  }
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Values up to this many UTF-16 units are hashed whole. */
const WHOLE = 64;
/** Of a longer value: this many units from each end, and as many spread over its middle. */
const ENDS = 24;

/** FNV-1a over the namespace, a separator, the value (a long one sampled: see WHOLE, ENDS) and its length; then mixed. */
function hashOf(value: string, namespace: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < namespace.length; i++) hash = Math.imul(hash ^ namespace.charCodeAt(i), FNV_PRIME);
  hash = Math.imul(hash ^ 0xffff, FNV_PRIME);
  const length = value.length;
  if (length <= WHOLE) {
    for (let i = 0; i < length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), FNV_PRIME);
  } else {
    for (let i = 0; i < ENDS; i++) hash = Math.imul(hash ^ value.charCodeAt(i), FNV_PRIME);
    const middleEnd = length - ENDS;
    const step = Math.ceil((middleEnd - ENDS) / ENDS);
    for (let i = ENDS; i < middleEnd; i += step) hash = Math.imul(hash ^ value.charCodeAt(i), FNV_PRIME);
    for (let i = middleEnd; i < length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), FNV_PRIME);
  }
  hash = Math.imul(hash ^ length, FNV_PRIME);
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash >>> 0;
}
