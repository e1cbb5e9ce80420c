import { CidrTable } from './cidr-table';

describe('CidrTable', () => {
  const { table, rejected } = CidrTable.from<string>([
    ['10.0.0.0/8', 'ten'],
    ['10.1.0.0/16', 'ten-one'],
    ['10.1.2.3', 'host'],
    ['192.168.0.0/24', 'lan'],
    ['0.0.0.0/0', 'everything-v4'],
    ['2001:db8::/32', 'doc'],
    ['2001:db8:1::/48', 'doc-1'],
    ['2001:db8:1::7', 'doc-host'],
    ['not an ip', 'bad'],
    ['010.0.0.1', 'bad'],
  ]);

  it('lists the invalid ranges it was given', () => {
    expect(rejected).toEqual(['not an ip', '010.0.0.1']);
    expect(table.size).toBe(8);
  });

  it.each([
    ['10.1.2.3', 'host'],
    ['10.1.2.4', 'ten-one'],
    ['10.2.0.1', 'ten'],
    ['192.168.0.255', 'lan'],
    ['192.168.1.1', 'everything-v4'],
    ['::ffff:10.1.2.3', 'host'],
    ['2001:db8:1::7', 'doc-host'],
    ['2001:DB8:1:0::8', 'doc-1'],
    ['2001:db8:2::1', 'doc'],
    ['10.1.0.0/16', 'ten-one'],
    ['10.1.0.0/12', 'ten'],
  ])('lookup(%j) → %j', (address, expected) => {
    expect(table.lookup(address)).toBe(expected);
  });

  it.each([
    ['2001:db9::1'],
    ['::1'],
    ['not an ip'],
    [''],
    ['x\r\nflush_all'],
  ])('lookup(%j) → undefined', (address) => {
    expect(table.lookup(address)).toBeUndefined();
  });

  it('lookupAll returns every containing range, most specific first', () => {
    expect(table.lookupAll('10.1.2.3')).toEqual([
      { range: '10.1.2.3', value: 'host' },
      { range: '10.1.0.0/16', value: 'ten-one' },
      { range: '10.0.0.0/8', value: 'ten' },
      { range: '0.0.0.0/0', value: 'everything-v4' },
    ]);
    expect(table.lookupAll('2001:db8:1::7').map((match) => match.range)).toEqual(['2001:db8:1::7', '2001:db8:1::/48', '2001:db8::/32']);
    expect(table.lookupAll('bogus')).toEqual([]);
  });

  it.each([
    ['128.0.0.0/1', '200.1.1.1', true],
    ['128.0.0.0/1', '127.255.255.255', false],
    ['255.255.255.254/31', '255.255.255.255', true],
    ['255.255.255.254/31', '255.255.255.253', false],
    ['8000::/1', 'ffff::1', true],
    ['8000::/1', '7fff::1', false],
    ['::/127', '::1', true],
  ])('edge prefix %j contains %j: %j', (range, address, expected) => {
    const edge = CidrTable.from([[range, 'hit']]).table;
    expect(edge.lookup(address)).toBe(expected ? 'hit' : undefined);
  });

  it('keeps IPv4 and IPv6 apart', () => {
    const mixed = CidrTable.from([['::/0', 'v6']]).table;
    expect(mixed.lookup('1.2.3.4')).toBeUndefined();
    expect(mixed.lookup('::1')).toBe('v6');
  });

  it('replaces, deletes and normalises ranges on the way in', () => {
    const t = new CidrTable<number>();
    expect(t.set('10.9.9.9/8', 1)).toBe(true);
    expect(t.set('10.0.0.0/8', 2)).toBe(true);
    expect(t.size).toBe(1);
    expect(t.lookupAll('10.1.1.1')).toEqual([{ range: '10.0.0.0/8', value: 2 }]);
    expect(t.delete('10.0.0.0/8')).toBe(true);
    expect(t.delete('10.0.0.0/8')).toBe(false);
    expect(t.delete('garbage')).toBe(false);
    expect(t.lookup('10.1.1.1')).toBeUndefined();
    expect(t.set('nope', 3)).toBe(false);
    expect(t.size).toBe(0);
  });

  it('among 10k ranges, answers 100k lookups with the longest matching prefix, as a linear scan does', () => {
    // speed is the enricher benches' business (docs/benchmarks.md); this checks the answers at scale
    const ranges: { readonly base: number; readonly bits: number; readonly value: number }[] = [];
    const pairs: [string, number][] = [];
    for (let i = 0; i < 10_000; i++) {
      const bits = 16 + (i % 9);
      const base = ((((i >> 8) & 255) << 24) | ((i & 255) << 16)) >>> 0;
      pairs.push([`${(i >> 8) & 255}.${i & 255}.0.0/${bits}`, i]);
      ranges.push({ base, bits, value: i });
    }
    const big = CidrTable.from(pairs).table;
    const linear = (address: number): number | undefined => {
      let best: { readonly bits: number; readonly value: number } | undefined;
      for (const range of ranges) {
        const mask = range.bits === 0 ? 0 : (0xffffffff << (32 - range.bits)) >>> 0;
        if (((address & mask) >>> 0) === ((range.base & mask) >>> 0) && (best === undefined || range.bits > best.bits)) best = range;
      }
      return best?.value;
    };
    let hits = 0;
    for (let i = 0; i < 100_000; i++) {
      const octets = [i & 31, (i >> 5) & 255, i & 255, 1] as const;
      const found = big.lookup(octets.join('.'));
      if (found !== undefined) hits++;
      // every 50th address against the linear scan (2,000 × 10,000 comparisons)
      if (i % 50 === 0) expect(found).toBe(linear(((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0));
    }
    expect(hits).toBeGreaterThan(0);
  });
});
