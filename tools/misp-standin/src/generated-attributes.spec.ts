import { MispStandin } from './misp-standin';
import { parseRestSearchFilter } from './rest-search-filter';

const page = (standin: MispStandin, body: Record<string, unknown>) => {
  const parsed = parseRestSearchFilter({ returnFormat: 'json', ...body }, 0);
  if (!parsed.ok) throw new Error(parsed.message);
  return standin.model.search.search(parsed.filter).attributes;
};

describe('MispStandin.withGeneratedAttributes', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = page(MispStandin.withGeneratedAttributes(1000, { seed: 7 }, { warninglists: false }), { limit: 50 });
    const b = page(MispStandin.withGeneratedAttributes(1000, { seed: 7 }, { warninglists: false }), { limit: 50 });
    const c = page(MispStandin.withGeneratedAttributes(1000, { seed: 8 }, { warninglists: false }), { limit: 50 });
    expect(a).toEqual(b);
    expect(a.map((attribute) => attribute.value)).not.toEqual(c.map((attribute) => attribute.value));
  });

  it('spreads attributes over one event per feed, tagged with the feed, with the requested types', () => {
    const standin = MispStandin.withGeneratedAttributes(3000, { feeds: ['Feed-A', 'Feed-B'], typesMix: ['domain', 'md5'] }, { warninglists: false });
    const all = page(standin, {});
    expect(all).toHaveLength(3000);
    expect(new Set(all.map((attribute) => attribute.type))).toEqual(new Set(['domain', 'md5']));
    expect(new Set(all.map((attribute) => attribute.value)).size).toBe(3000);
    expect(standin.model.event(2)?.tags.map((tag) => tag.name)).toEqual(['Feed-B', 'tlp:white']);
    expect(all.filter((attribute) => attribute.type === 'md5').every((attribute) => /^[0-9a-f]{32}$/.test(attribute.value))).toBe(true);
  });

  it('supports edits and deletes over generated data', () => {
    const standin = MispStandin.withGeneratedAttributes(100, {}, { warninglists: false, now: () => 2_000_000_000 });
    const first = page(standin, { limit: 1 })[0]!;
    standin.editAttribute(first.uuid, { toIds: false });
    standin.hardDeleteAttribute(2);
    const all = page(standin, {});
    expect(all).toHaveLength(99);
    expect(all[98]).toMatchObject({ uuid: first.uuid, toIds: false, timestamp: 2_000_000_000 });
  });

  it('pages a million attributes without materialising them', () => {
    const standin = MispStandin.withGeneratedAttributes(1_000_000, {}, { warninglists: false });
    const heapBefore = process.memoryUsage().heapUsed;
    let seen = 0;
    let last = '';
    for (let number = 1; ; number++) {
      const items = page(standin, { page: number, limit: 10_000, type: ['domain', 'ip-dst', 'md5', 'sha256', 'url', 'hostname', 'ip-src', 'sha1', 'domain|ip'] });
      seen += items.length;
      if (items.length > 0) last = items[items.length - 1]!.uuid;
      if (items.length < 10_000) break;
    }
    expect(seen).toBe(1_000_000);
    expect(last.endsWith((999_999).toString(16).padStart(12, '0'))).toBe(true);
    // the bound that matters: far less than a million materialised attributes would take
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(400 * 1024 * 1024);
  }, 240_000);
});
