import fc from 'fast-check';
import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  it('returns entries until they expire, including cached misses', () => {
    const cache = new TtlCache<string | null>(1000, 10);
    cache.set('a', 'Feed-A', 0);
    cache.set('b', null, 0);
    expect(cache.get('a', 999)).toEqual('Feed-A');
    expect(cache.get('b', 999)).toBeNull();
    expect(cache.get('b', 1000)).toBeUndefined();
    expect(cache.get('a', 1000)).toBeUndefined();
    expect(cache.get('c', 0)).toBeUndefined();
  });

  it('drops the oldest generation beyond its bound and never holds more than the bound', () => {
    const cache = new TtlCache<number>(1000, 4);
    for (let i = 0; i < 100; i++) {
      cache.set(`k${i}`, i, 0);
      expect(cache.size).toBeLessThanOrEqual(4);
    }
    expect(cache.get('k0', 0)).toBeUndefined();
    expect(cache.get('k99', 0)).toEqual(99);
    expect(cache.get('k98', 0)).toEqual(98);
  });

  it('answers from the newer generation when a key is in both, even when that entry expired', () => {
    const cache = new TtlCache<number>(1000, 4);
    cache.set('a', 1, 500);
    cache.set('b', 2, 500); // generation full: a and b move to the previous one
    cache.set('a', 3, 0); // the newer entry of a, expiring at 1000
    expect(cache.get('a', 999)).toBe(3);
    expect(cache.get('a', 1000)).toBeUndefined();
    expect(cache.get('b', 1499)).toBe(2);
    expect(cache.get('b', 1500)).toBeUndefined();
  });

  it('reuses a dropped generation without leaking its entries', () => {
    const cache = new TtlCache<number>(1000, 4);
    for (let i = 0; i < 5; i++) cache.set(`k${i}`, i, 0);
    // generations of 2: k0, k1 dropped; k2, k3 previous; k4 current
    expect([0, 1, 2, 3, 4].map((i) => cache.get(`k${i}`, 0))).toEqual([undefined, undefined, 2, 3, 4]);
    cache.set('k5', 5, 0); // k4, k5 previous; the current one reuses the arrays k2, k3 were in
    cache.set('k6', 6, 0);
    expect([2, 3, 4, 5, 6].map((i) => cache.get(`k${i}`, 0))).toEqual([undefined, undefined, 4, 5, 6]);
    expect(cache.size).toBe(3);
  });

  it('forgets everything on clear', () => {
    const cache = new TtlCache<number>(1000, 10);
    cache.set('a', 1, 0);
    cache.clear();
    expect(cache.get('a', 0)).toBeUndefined();
  });

  it('stores nothing when disabled', () => {
    const cache = new TtlCache<number>(0, 100);
    cache.set('a', 1, 0);
    expect(cache.get('a', 0)).toBeUndefined();
  });

  it('keeps namespaces apart, under one bound for all of them', () => {
    const cache = new TtlCache<string>(1000, 8);
    cache.set('1.2.3.4', 'domain answer', 0, 'domain');
    cache.set('1.2.3.4', 'ip answer', 0, 'ip');
    expect(cache.get('1.2.3.4', 0, 'domain')).toBe('domain answer');
    expect(cache.get('1.2.3.4', 0, 'ip')).toBe('ip answer');
    expect(cache.get('1.2.3.4', 0)).toBeUndefined();
    cache.set('1.2.3.4', 'again', 0, 'ip');
    expect(cache.size).toBe(2);
    for (let i = 0; i < 20; i++) cache.set(`v${i}`, 'x', 0, i % 2 === 0 ? 'url' : 'md5');
    expect(cache.size).toBeLessThanOrEqual(8);
    expect(cache.get('v19', 0, 'md5')).toBe('x');
    expect(cache.get('v19', 0, 'url')).toBeUndefined();
  });

  it('answers as two plain generations of maps would, on random operations', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.tuple(fc.constantFrom('get', 'set', 'set', 'clear'), fc.integer({ min: 0, max: 12 }), fc.constantFrom('', 'ip'), fc.integer({ min: 0, max: 3 })), { maxLength: 200 }),
        (maxEntries, operations) => {
          const cache = new TtlCache<number>(10, maxEntries);
          const model = new TwoGenerations(10, maxEntries);
          let now = 0;
          for (const [operation, key, namespace, tick] of operations) {
            now += tick;
            if (operation === 'set') {
              cache.set(`k${key}`, key * 100 + now, now, namespace);
              model.set(`${namespace}/k${key}`, key * 100 + now, now);
            } else if (operation === 'clear') {
              cache.clear();
              model.clear();
            }
            for (let k = 0; k <= 12; k++) expect(cache.get(`k${k}`, now, namespace)).toBe(model.get(`${namespace}/k${k}`, now));
            expect(cache.size).toBe(model.size);
          }
        },
      ),
    );
  });
});

/** The reference: the cache's rule spelled plainly (a map per generation, an entry object per key). */
class TwoGenerations {
  private current = new Map<string, { value: number; expiresAt: number }>();
  private previous = new Map<string, { value: number; expiresAt: number }>();
  private readonly generationSize: number;
  constructor(
    private readonly ttlMs: number,
    maxEntries: number,
  ) {
    this.generationSize = Math.max(1, Math.floor(maxEntries / 2));
  }
  get size(): number {
    return this.current.size + this.previous.size;
  }
  get(key: string, now: number): number | undefined {
    const entry = this.current.get(key) ?? this.previous.get(key);
    return entry === undefined || entry.expiresAt <= now ? undefined : entry.value;
  }
  set(key: string, value: number, now: number): void {
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
