import fc from 'fast-check';
import { SeenFilter } from './seen-filter';

describe('SeenFilter', () => {
  it('reports a value seen on its second sight, per namespace', () => {
    const filter = new SeenFilter();
    expect(filter.seenBefore('evil.com', 'domain')).toBe(false);
    expect(filter.seenBefore('evil.com', 'domain')).toBe(true);
    expect(filter.seenBefore('evil.com', 'url')).toBe(false);
    expect(filter.seenBefore('evil.com', 'url')).toBe(true);
    filter.clear();
    expect(filter.seenBefore('evil.com', 'domain')).toBe(false);
  });

  it('always reports a value just marked, whatever came before (a reset happens before marking)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 80 }), { maxLength: 300 }), fc.constantFrom(32, 64, 1024), (stream, bits) => {
        const filter = new SeenFilter(bits);
        for (const value of stream) {
          filter.seenBefore(value, 'url');
          expect(filter.seenBefore(value, 'url')).toBe(true);
          expect(filter.size).toBeLessThanOrEqual(bits / 8);
        }
      }),
    );
  });

  it('says "seen" of few values never seen: values that differ only in their middle or their length included', () => {
    const filter = new SeenFilter();
    for (let i = 0; i < 20_000; i++) filter.seenBefore(`https://www.site${i}.example.org/path/${i % 977}?q=${i}`, 'url');
    let falseSeen = 0;
    for (let i = 0; i < 10_000; i++) {
      if (filter.seenBefore(`10.${(i >> 8) & 255}.${i & 255}.7`, 'ip')) falseSeen++;
      if (filter.seenBefore(`https://www.example.org/${'a'.repeat(20)}${i}${'b'.repeat(20)}`, 'url')) falseSeen++;
      // only their length differs (up to 2,000 units)
      if (i < 2000 && filter.seenBefore(`https://www.example.org/${'c'.repeat(i)}${'d'.repeat(20)}`, 'url')) falseSeen++;
      // long: its sampled middle units differ
      if (filter.seenBefore(`https://cdn.example.org/assets/${String(i).padStart(5, '0').repeat(12)}/image.png`, 'url')) falseSeen++;
    }
    // ~52,000 values in 2^20 bits: about 2.5% share a bit with one before
    expect(falseSeen / 32_000).toBeLessThan(0.05);
  });

  it('forgets everything after an eighth of its bits were marked', () => {
    const filter = new SeenFilter(256);
    for (let i = 0; filter.size < 32; i++) filter.seenBefore(`v${i}`, '');
    expect(filter.seenBefore('v0', '')).toBe(true);
    // the next new value resets the filter first
    let i = 1000;
    while (filter.seenBefore(`w${i}`, '')) i++;
    expect(filter.size).toBe(1);
    expect(filter.seenBefore('v0', '')).toBe(false);
  });

  it('refuses a size that is not a power of two', () => {
    expect(() => new SeenFilter(1000)).toThrow(RangeError);
  });
});
