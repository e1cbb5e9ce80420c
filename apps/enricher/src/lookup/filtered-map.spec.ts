import fc from 'fast-check';
import { FILTER_BITS_PER_KEY, FilteredMap, filterHash } from './filtered-map';

describe('FilteredMap', () => {
  it('answers exactly as a plain Map under random sets, deletes and gets, across the filter rebuilds', () => {
    // a small alphabet makes keys collide and repeat; long runs make the filter grow several times
    const key = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '.', '-', 'é', '\u{1F600}'), maxLength: 6 });
    const operation = fc.oneof(
      fc.record({ op: fc.constant('set' as const), key, value: fc.integer() }),
      fc.record({ op: fc.constant('delete' as const), key }),
      fc.record({ op: fc.constant('get' as const), key }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 3000 }), (operations) => {
        const filtered = new FilteredMap<number>();
        const plain = new Map<string, number>();
        for (const step of operations) {
          if (step.op === 'set') {
            filtered.set(step.key, step.value);
            plain.set(step.key, step.value);
          } else if (step.op === 'delete') {
            expect(filtered.delete(step.key)).toBe(plain.delete(step.key));
          } else {
            expect(filtered.get(step.key)).toBe(plain.get(step.key));
          }
          expect(filtered.size).toBe(plain.size);
        }
        for (const k of plain.keys()) expect(filtered.get(k)).toBe(plain.get(k));
        expect([...filtered.keys()]).toEqual([...plain.keys()]);
      }),
      { numRuns: 200 },
    );
  });

  it('finds every key after growing past many rebuilds, and lets few absent values through', () => {
    const map = new FilteredMap<number>();
    const count = 100_000;
    for (let i = 0; i < count; i++) map.set(`evil${i}.example.net`, i);
    for (let i = 0; i < count; i += 997) expect(map.get(`evil${i}.example.net`)).toBe(i);
    let through = 0;
    const probes = 100_000;
    for (let i = 0; i < probes; i++) if (map.mightHave(`www.site${i}.example.org`)) through++;
    // two bits per key in FILTER_BITS_PER_KEY (≥ 16) bits: ~2% in theory; a broken filter lets all through
    expect(FILTER_BITS_PER_KEY).toBeGreaterThanOrEqual(16);
    expect(through / probes).toBeLessThan(0.05);
  });

  it('keeps a deleted key out of the answers although its bits stay set', () => {
    const map = new FilteredMap<string>();
    map.set('evil.com', 'a');
    map.delete('evil.com');
    expect(map.mightHave('evil.com')).toBe(true);
    expect(map.get('evil.com')).toBeUndefined();
    map.set('evil.com', 'b');
    expect(map.get('evil.com')).toBe('b');
  });

  it('hashes to 32 unsigned bits, depending on every character', () => {
    expect(filterHash('')).toBeGreaterThanOrEqual(0);
    expect(filterHash('evil.com')).toBeLessThan(2 ** 32);
    expect(filterHash('evil.com')).toBe(filterHash('evil.com'));
    expect(filterHash('evil.com')).not.toBe(filterHash('evil.con'));
    expect(filterHash('evil.com')).not.toBe(filterHash('avil.com'));
  });
});
