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

  it('drops the oldest generation beyond its bound and never holds more than the bound', () => {
    const cache = new TtlCache<number>(1000, 4);
    for (let i = 0; i < 100; i++) {
      cache.set(`k${i}`, i, 0);
      expect(cache.size).toBeLessThanOrEqual(4);
    }
    expect(cache.get('k0', 0)).toBeUndefined();
    expect(cache.get('k99', 0)?.value).toEqual(99);
    expect(cache.get('k98', 0)?.value).toEqual(98);
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
    expect(cache.get('1.2.3.4', 0, 'domain')?.value).toBe('domain answer');
    expect(cache.get('1.2.3.4', 0, 'ip')?.value).toBe('ip answer');
    expect(cache.get('1.2.3.4', 0)).toBeUndefined();
    cache.set('1.2.3.4', 'again', 0, 'ip');
    expect(cache.size).toBe(2);
    for (let i = 0; i < 20; i++) cache.set(`v${i}`, 'x', 0, i % 2 === 0 ? 'url' : 'md5');
    expect(cache.size).toBeLessThanOrEqual(8);
    expect(cache.get('v19', 0, 'md5')?.value).toBe('x');
    expect(cache.get('v19', 0, 'url')).toBeUndefined();
  });
});
