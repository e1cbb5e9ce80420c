import { InternPool } from './intern-pool';

describe('InternPool', () => {
  it('returns one shared instance per distinct list, equal to what was given', () => {
    const pool = new InternPool();
    const a = pool.list(['Feed-A', 'tlp:green']);
    const b = pool.list(['Feed-A', 'tlp:green'].map((value) => value.slice(0)));
    expect(b).toBe(a);
    expect(a).toEqual(['Feed-A', 'tlp:green']);
    expect(Object.isFrozen(a)).toBe(true);
    expect(pool.list(['Feed-A'])).not.toBe(a);
    expect(pool.list([])).toEqual([]);
  });

  it('never shares a list between different values, even when their joined forms collide', () => {
    const pool = new InternPool();
    const joined = pool.list(['a\u0000b']);
    const split = pool.list(['a', 'b']);
    expect(joined).toEqual(['a\u0000b']);
    expect(split).toEqual(['a', 'b']);
  });

  it('starts over at its bound and keeps returning equal values', () => {
    const pool = new InternPool(2);
    for (let i = 0; i < 10; i++) expect(pool.string(`event ${i}`)).toBe(`event ${i}`);
    expect(pool.size).toBeLessThanOrEqual(2);
    for (let i = 0; i < 10; i++) expect(pool.list([`tag ${i}`])).toEqual([`tag ${i}`]);
    expect(pool.size).toBeLessThanOrEqual(4);
  });
});
