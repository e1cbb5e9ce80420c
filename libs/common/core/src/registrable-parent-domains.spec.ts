import fc from 'fast-check';
import { normaliseDomain } from './normalise-domain';
import { registrableDomain } from './registrable-domain';
import { registrableParentDomains } from './registrable-parent-domains';

// Issue 15: parent-domain matching never goes above a registrable domain, so an indicator that is
// a public suffix (ICANN `co.uk` or private `github.io`) can never match every name under it.
describe('registrableParentDomains', () => {
  it.each([
    ['a.b.evil.com', ['a.b.evil.com', 'b.evil.com', 'evil.com']],
    ['evil.com', ['evil.com']],
    ['a.b.example.co.uk', ['a.b.example.co.uk', 'b.example.co.uk', 'example.co.uk']],
    ['example.co.uk', ['example.co.uk']],
    ['x.github.io', ['x.github.io']],
    ['a.b.x.github.io', ['a.b.x.github.io', 'b.x.github.io', 'x.github.io']],
    ['a.bucket.s3.amazonaws.com', ['a.bucket.s3.amazonaws.com', 'bucket.s3.amazonaws.com']],
    ['a.b.evil.zzz', ['a.b.evil.zzz', 'b.evil.zzz', 'evil.zzz']],
    ['www.notevil.com', ['www.notevil.com', 'notevil.com']],
    ['co.uk', ['co.uk']],
    ['github.io', ['github.io']],
    ['localhost', ['localhost']],
  ])('%j → %j', (domain, expected) => {
    expect(registrableParentDomains(domain)).toEqual(expected);
  });

  it('never yields a public suffix other than the domain itself', () => {
    for (const domain of ['www.bbc.co.uk', 'deep.a.b.c.example.com.au', 'user.blogspot.com', 'a.b.c.herokuapp.com']) {
      const candidates = registrableParentDomains(domain);
      expect(candidates).not.toContain('co.uk');
      expect(candidates).not.toContain('com.au');
      expect(candidates).not.toContain('blogspot.com');
      expect(candidates).not.toContain('herokuapp.com');
      expect(candidates).not.toContain('com');
    }
  });

  it('walks label boundaries down to the registrable domain and never past it (fast-check)', () => {
    const name = fc.oneof(
      fc.domain(),
      fc.tuple(fc.array(fc.constantFrom('a', 'www', 'cdn', 'x-1'), { maxLength: 3 }), fc.constantFrom('co.uk', 'github.io', 'com', 's3.amazonaws.com', 'blogspot.com', 'zzz', 'ck', 'kawasaki.jp')).map(([labels, suffix]) => [...labels, suffix].join('.')),
    );
    fc.assert(
      fc.property(name, (raw) => {
        const domain = normaliseDomain(raw);
        if (domain === undefined) return;
        const candidates = registrableParentDomains(domain);
        expect(candidates[0]).toBe(domain);
        for (const candidate of candidates.slice(1)) expect(domain.endsWith(`.${candidate}`)).toBe(true);
        const registrable = registrableDomain(domain);
        expect(candidates.at(-1)).toBe(registrable ?? domain);
        // No candidate lies above the registrable domain: each one has a registrable domain of its own, the same.
        for (const candidate of candidates) if (registrable !== undefined) expect(registrableDomain(candidate)).toBe(registrable);
      }),
      { seed: 15_003, numRuns: 2000, endOnFailure: true },
    );
  });
});
