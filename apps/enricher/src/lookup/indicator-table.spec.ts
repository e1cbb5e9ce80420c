import { DEFAULT_FEED_FALLBACK, lookupKey, type IndicatorRecord, type ObservableKind } from '@iocflow/core';
import fc from 'fast-check';
import { IndicatorTable } from './indicator-table';

function record(kind: ObservableKind, value: string, feeds: string[], eventInfo = 'event'): IndicatorRecord {
  return {
    key: lookupKey(kind, value),
    kind,
    value,
    feeds,
    updatedAt: '2025-01-01T00:00:00.000Z',
    attributes: [
      { attributeUuid: 'old', mispType: kind, eventUuid: 'e-old', eventInfo: 'older', feeds, tags: [], toIds: true, timestamp: 1 },
      { attributeUuid: 'new', mispType: kind, eventUuid: 'e-new', eventInfo, feeds, tags: [], toIds: true, timestamp: 2 },
    ],
  };
}

function tableOf(...records: IndicatorRecord[]): IndicatorTable {
  const table = new IndicatorTable();
  for (const r of records) expect(table.apply(r.key, r)).toBe(true);
  return table;
}

describe('IndicatorTable', () => {
  it('matches exact values and parent domains on label boundaries only', () => {
    const table = tableOf(record('domain', 'evil.com', ['Feed-A']), record('domain', 'b.evil.com', ['Feed-B']));
    expect(table.lookup({ kind: 'domain', value: 'a.b.evil.com', parents: true })?.indicator).toBe('b.evil.com');
    expect(table.lookup({ kind: 'domain', value: 'x.evil.com', parents: true })?.indicator).toBe('evil.com');
    expect(table.lookup({ kind: 'domain', value: 'x.evil.com', parents: false })).toBeUndefined();
    expect(table.lookup({ kind: 'domain', value: 'notevil.com', parents: true })).toBeUndefined();
  });

  it('matches IP ranges by longest prefix, exact addresses first, IPv4 and IPv6', () => {
    const table = tableOf(
      record('ip', '10.0.0.0/8', ['Wide']),
      record('ip', '10.1.0.0/16', ['Narrow']),
      record('ip', '10.1.2.3', ['Exact']),
      record('ip', '2001:db8::/32', ['V6']),
    );
    expect(table.lookup({ kind: 'ip', value: '10.1.2.3', parents: false })?.feeds).toEqual(['Exact']);
    expect(table.lookup({ kind: 'ip', value: '10.1.9.9', parents: false })).toMatchObject({ indicator: '10.1.0.0/16', feeds: ['Narrow'] });
    expect(table.lookup({ kind: 'ip', value: '10.200.0.1', parents: false })?.indicator).toBe('10.0.0.0/8');
    expect(table.lookup({ kind: 'ip', value: '11.0.0.1', parents: false })).toBeUndefined();
    expect(table.lookup({ kind: 'ip', value: '2001:db8::42', parents: false })?.feeds).toEqual(['V6']);
  });

  it('removes exact indicators and ranges on a tombstone, and replaces on a newer record', () => {
    const range = record('ip', '10.0.0.0/8', ['Wide']);
    const domain = record('domain', 'evil.com', ['Feed-A']);
    const table = tableOf(range, domain);
    table.apply(domain.key, record('domain', 'evil.com', ['Feed-Z']));
    expect(table.lookup({ kind: 'domain', value: 'evil.com', parents: false })?.feeds).toEqual(['Feed-Z']);
    table.apply(range.key, null);
    table.apply(domain.key, null);
    expect(table.lookup({ kind: 'ip', value: '10.1.2.3', parents: false })).toBeUndefined();
    expect(table.lookup({ kind: 'domain', value: 'evil.com', parents: false })).toBeUndefined();
    expect(table.size).toBe(0);
  });

  it('gives back canonical attribute uuids exactly (kept packed) and frees them with their indicator', () => {
    const withUuid = (value: string, attributeUuid: string): IndicatorRecord => {
      const base = record('domain', value, ['Feed-A']);
      return { ...base, attributes: [{ ...(base.attributes[1] as IndicatorRecord['attributes'][number]), attributeUuid }] };
    };
    const first = withUuid('one.example', '5ecea68b-9bc0-493b-9c23-7555c0a80102');
    const upper = withUuid('two.example', '5ECEA68B-9BC0-493B-9C23-7555C0A80102');
    const table = tableOf(first, upper);
    expect(table.lookup({ kind: 'domain', value: 'one.example', parents: false })?.source?.attributeUuid).toBe('5ecea68b-9bc0-493b-9c23-7555c0a80102');
    expect(table.lookup({ kind: 'domain', value: 'two.example', parents: false })?.source?.attributeUuid).toBe('5ECEA68B-9BC0-493B-9C23-7555C0A80102');
    // replaced, then removed and another indicator added: each lookup still gets its own uuid
    table.apply(first.key, withUuid('one.example', '00000000-0000-4000-8000-000000000001'));
    expect(table.lookup({ kind: 'domain', value: 'one.example', parents: false })?.source?.attributeUuid).toBe('00000000-0000-4000-8000-000000000001');
    table.apply(first.key, null);
    const third = withUuid('three.example', 'ffffffff-0000-4000-8000-00000000000f');
    table.apply(third.key, third);
    expect(table.lookup({ kind: 'domain', value: 'one.example', parents: false })).toBeUndefined();
    expect(table.lookup({ kind: 'domain', value: 'three.example', parents: false })?.source?.attributeUuid).toBe('ffffffff-0000-4000-8000-00000000000f');
    expect(table.lookup({ kind: 'domain', value: 'two.example', parents: false })?.source?.attributeUuid).toBe('5ECEA68B-9BC0-493B-9C23-7555C0A80102');
  });

  it('keeps the most recent attribute as the event reference', () => {
    const table = tableOf(record('sha256', 'ab'.repeat(32), ['F'], 'Ransomware'));
    expect(table.lookup({ kind: 'sha256', value: 'ab'.repeat(32), parents: false })?.source).toEqual({
      eventUuid: 'e-new',
      eventInfo: 'Ransomware',
      attributeUuid: 'new',
      // Neither attribute has MISP first/last seen: the earliest and the latest attribute timestamp.
      firstSeen: '1970-01-01T00:00:01.000Z',
      lastSeen: '1970-01-01T00:00:02.000Z',
    });
  });

  // Issue 15: the ECS fields a record carries reach the match (docs/enricher.md, Output).
  describe('ECS fields of the latest attribute', () => {
    const one = (contribution: Partial<IndicatorRecord['attributes'][number]>): IndicatorRecord => ({
      key: 'domain-evil.com',
      kind: 'domain',
      value: 'evil.com',
      feeds: ['F'],
      updatedAt: '2025-01-01T00:00:00.000Z',
      attributes: [{ attributeUuid: '11111111-1111-4111-8111-111111111111', mispType: 'domain', eventUuid: 'e', eventInfo: 'i', feeds: ['F'], tags: [], toIds: true, timestamp: 1_735_689_600, ...contribution }],
    });
    const sourceOf = (record: IndicatorRecord): unknown => tableOf(record).lookup({ kind: 'domain', value: 'evil.com', parents: true })?.source;

    it('carries the TLP marking and the confidence from the threat level, or from the decay score when MISP sent one', () => {
      expect(sourceOf(one({ tlp: 'AMBER', threatLevel: 'High' }))).toMatchObject({ tlp: 'AMBER', confidence: 'High' });
      expect(sourceOf(one({ tlp: 'RED', threatLevel: 'High', decayScore: 20 }))).toMatchObject({ tlp: 'RED', confidence: 'Low' });
      expect(sourceOf(one({ threatLevel: 'Undefined' }))).toMatchObject({ confidence: 'Not Specified' });
      expect(sourceOf(one({}))).not.toHaveProperty('tlp');
      expect(sourceOf(one({}))).not.toHaveProperty('confidence');
    });

    it('takes first/last seen from MISP, else from the attribute timestamp, and leaves them out when that is unknown', () => {
      expect(sourceOf(one({}))).toMatchObject({ attributeUuid: '11111111-1111-4111-8111-111111111111', firstSeen: '2025-01-01T00:00:00.000Z', lastSeen: '2025-01-01T00:00:00.000Z' });
      expect(sourceOf(one({ firstSeen: '2024-06-01T00:00:00.000000+00:00', lastSeen: '2024-07-01T00:00:00.000000+00:00' }))).toMatchObject({
        firstSeen: '2024-06-01T00:00:00.000000+00:00',
        lastSeen: '2024-07-01T00:00:00.000000+00:00',
      });
      expect(sourceOf(one({ firstSeen: '2024-06-01T00:00:00Z' }))).toMatchObject({ firstSeen: '2024-06-01T00:00:00Z', lastSeen: '2025-01-01T00:00:00.000Z' });
      const unknown = sourceOf(one({ timestamp: 0 }));
      expect(unknown).not.toHaveProperty('firstSeen');
      expect(unknown).not.toHaveProperty('lastSeen');
    });
  });

  it('ignores records that are not indicator records', () => {
    const table = new IndicatorTable();
    expect(table.apply('x', { kind: 'nope', value: 'x', feeds: [] } as unknown as IndicatorRecord)).toBe(false);
    expect(table.apply('ip-x/8', { kind: 'ip', value: 'x/8', feeds: [] } as unknown as IndicatorRecord)).toBe(false);
    expect(table.size).toBe(0);
  });
  it('finds values whose key is hashed (unsafe for memcached) and removes them on a tombstone', () => {
    const longUrl = `http://evil.com/${'a'.repeat(300)}`;
    const spaced = '/a b';
    const table = tableOf(record('url', longUrl, ['Feed-U']), record('uri', spaced, ['Feed-V']));
    expect(lookupKey('url', longUrl)).toMatch(/^url#/);
    expect(table.lookup({ kind: 'url', value: longUrl, parents: false })?.feeds).toEqual(['Feed-U']);
    expect(table.lookup({ kind: 'uri', value: spaced, parents: false })?.feeds).toEqual(['Feed-V']);
    expect(table.size).toBe(2);
    table.apply(lookupKey('url', longUrl), null);
    expect(table.lookup({ kind: 'url', value: longUrl, parents: false })).toBeUndefined();
    expect(table.size).toBe(1);
  });

  it('answers exactly as one map keyed by the whole topic key, whatever the key looks like', () => {
    const table = new IndicatorTable();
    // A key that is not `<kind>-<value>` of its record is kept under the key, as before: found only by that key's value.
    expect(table.apply('domain-other.com', { ...record('domain', 'evil.com', ['Feed-K']), key: 'domain-other.com' })).toBe(true);
    expect(table.apply('Odd-Key', { ...record('domain', 'odd.com', ['Feed-O']), key: 'Odd-Key' })).toBe(true);
    expect(table.lookup({ kind: 'domain', value: 'other.com', parents: false })?.indicator).toBe('evil.com');
    expect(table.lookup({ kind: 'domain', value: 'evil.com', parents: false })).toBeUndefined();
    expect(table.lookup({ kind: 'domain', value: 'odd.com', parents: false })).toBeUndefined();
    expect(table.size).toBe(2);
    table.apply('Odd-Key', null);
    table.apply('domain-other.com', null);
    expect(table.size).toBe(0);
  });

  it('keeps one feed list per distinct list, and the fallback feed for an empty one', () => {
    const table = tableOf(record('domain', 'a.com', ['Feed-A', 'Feed-B']), record('domain', 'b.com', ['Feed-A', 'Feed-B']), record('domain', 'c.com', []));
    const a = table.lookup({ kind: 'domain', value: 'a.com', parents: false });
    const b = table.lookup({ kind: 'domain', value: 'b.com', parents: false });
    expect(a?.feeds).toEqual(['Feed-A', 'Feed-B']);
    expect(b?.feeds).toBe(a?.feeds);
    expect(table.lookup({ kind: 'domain', value: 'c.com', parents: false })?.feeds).toEqual([DEFAULT_FEED_FALLBACK]);
  });
  it('answers after any sequence of adds, replacements, tombstones and refused records as a table built from the survivors alone (packed entries: slots reused, side maps cleared)', () => {
    // a small universe of keys, so that values are replaced and removed often; some values are
    // not printable ASCII (hashed keys, or a plain-looking key a lookup never probes), some
    // records carry a value other than their key's, some have odd attributes
    const values = ['evil.com', 'a.evil.com', 'b.a.evil.com', '10.1.2.3', 'http://evil.com/x', 'évil.com', 'evil .com', 'x'.repeat(300)];
    const kinds: ObservableKind[] = ['domain', 'ip', 'url'];
    const uuid = fc.constantFrom('5ecea68b-9bc0-493b-9c23-7555c0a80102', 'not-a-uuid', '00000000-0000-0000-0000-000000000000');
    const attribute = fc.record({ attributeUuid: uuid, timestamp: fc.constantFrom(0, 1, 1_700_000_000), firstSeen: fc.option(fc.constant('2024-01-01T00:00:00.000Z'), { nil: undefined }) });
    const write = fc.record({
      kind: fc.constantFrom(...kinds),
      value: fc.constantFrom(...values),
      keyValue: fc.option(fc.constantFrom(...values), { nil: undefined }),
      feeds: fc.array(fc.constantFrom('F1', 'F2'), { maxLength: 2 }),
      attributes: fc.array(attribute, { maxLength: 2 }),
      tombstone: fc.boolean(),
      broken: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(write, { minLength: 20, maxLength: 120, size: 'max' }), (writes) => {
        const table = new IndicatorTable();
        const survivors = new Map<string, IndicatorRecord>();
        for (const w of writes) {
          const key = lookupKey(w.kind, w.keyValue ?? w.value);
          if (w.tombstone) {
            table.apply(key, null);
            survivors.delete(key);
            continue;
          }
          const r: IndicatorRecord = {
            key,
            kind: w.kind,
            value: w.broken ? (42 as unknown as string) : w.value,
            feeds: w.feeds,
            updatedAt: '2025-01-01T00:00:00.000Z',
            attributes: w.attributes.map((a, i) => ({ ...a, mispType: w.kind, eventUuid: `e${i}`, eventInfo: 'info', feeds: w.feeds, tags: [], toIds: true })),
          };
          // a refused record still removes what the key held
          if (table.apply(key, r)) survivors.set(key, r);
          else survivors.delete(key);
        }
        const fresh = new IndicatorTable();
        for (const [key, r] of survivors) fresh.apply(key, r);
        expect(table.size).toBe(fresh.size);
        for (const kind of kinds) {
          for (const value of values) {
            for (const parents of [false, true]) {
              const query = { kind, value, parents };
              expect(table.lookup(query)).toEqual(fresh.lookup(query));
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

