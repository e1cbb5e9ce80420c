import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  it('returns entries until they expire, including cached misses', () => {
    const cache = new TtlCache<string | undefined>(1000, 10);
    cache.set('a', 'Feed-A', 0);
    cache.set('b', undefined, 0);
    expect(cache.get('a', 999)?.value).toEqual('Feed-A');
    expect(cache.get('b', 999)).toMatchObject({ value: undefined });
    expect(cache.get('a', 1000)).toBeUndefined();
    expect(cache.get('c', 0)).toBeUndefined();
  });

  it('evicts the oldest entries beyond its bound', () => {
    const cache = new TtlCache<number>(1000, 2);
    cache.set('a', 1, 0);
    cache.set('b', 2, 0);
    cache.set('c', 3, 0);
    expect(cache.size).toBe(2);
    expect(cache.get('a', 0)).toBeUndefined();
    expect(cache.get('c', 0)?.value).toEqual(3);
  });

  it('stores nothing when disabled', () => {
    const cache = new TtlCache<number>(0, 100);
    cache.set('a', 1, 0);
    expect(cache.get('a', 0)).toBeUndefined();
  });
});
