import { MemcachedRing } from './memcached-ring';

describe('MemcachedRing', () => {
  it('sends every key to the only server', () => {
    const ring = new MemcachedRing(['127.0.0.1:11211']);
    expect(['a', 'domain-evil.com', 'x'.repeat(250)].map((k) => ring.serverIndexFor(k))).toEqual([0, 0, 0]);
  });

  // Expected indices computed independently (Python: sha1 points, crc32 keys, bisect) with
  // Dalli's algorithm, so a Logstash/Dalli reader with the same server list agrees with us.
  it('places keys like Dalli does for several servers', () => {
    const ring = new MemcachedRing(['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211']);
    const keys = [
      'domain-evil.com',
      'ip-10.0.0.0/8',
      'md5-d41d8cd98f00b204e9800998ecf8427e',
      'domain-a.b.c',
      'sha256-x',
      'iocflow-sync-state',
      'url-http://x/y',
      'a',
      'b',
      'c',
    ];
    expect(keys.map((k) => ring.serverIndexFor(k))).toEqual([1, 1, 0, 2, 2, 0, 2, 0, 1, 2]);
  });

  it('spreads keys roughly evenly and is stable across instances', () => {
    const servers = ['10.0.0.1:11211', '10.0.0.2:11211', '10.0.0.3:11211'];
    const a = new MemcachedRing(servers);
    const b = new MemcachedRing([...servers]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) {
      const index = a.serverIndexFor(`k${i}`);
      expect(b.serverIndexFor(`k${i}`)).toBe(index);
      counts[index]! += 1;
    }
    expect(counts).toEqual([9825, 9958, 10217]);
  });

  it('needs at least one server', () => {
    expect(() => new MemcachedRing([])).toThrow();
  });
});
