import type { LookupQuery } from './indicator-lookup';
import { candidateValues, hasParentCandidates } from './candidate-values';

describe('candidateValues', () => {
  it('walks parent domains on label boundaries, most specific first, down to the registrable domain', () => {
    expect(candidateValues({ kind: 'domain', value: 'a.b.evil.com', parents: true })).toEqual(['a.b.evil.com', 'b.evil.com', 'evil.com']);
    expect(candidateValues({ kind: 'domain', value: 'notevil.com', parents: true })).toEqual(['notevil.com']);
    expect(candidateValues({ kind: 'domain', value: 'michigan.org', parents: true })).not.toContain('higan.org');
  });

  // Issue 15: a public suffix (ICANN or private) is never a candidate for a name below it.
  it('never tries a public suffix: a.b.example.co.uk stops at example.co.uk, x.github.io at itself', () => {
    expect(candidateValues({ kind: 'domain', value: 'a.b.example.co.uk', parents: true })).toEqual(['a.b.example.co.uk', 'b.example.co.uk', 'example.co.uk']);
    expect(candidateValues({ kind: 'domain', value: 'x.github.io', parents: true })).toEqual(['x.github.io']);
    expect(candidateValues({ kind: 'domain', value: 'github.io', parents: true })).toEqual(['github.io']);
    expect(candidateValues({ kind: 'domain', value: 'localhost', parents: true })).toEqual(['localhost']);
  });

  it('is exact when parent matching is off, and for every other kind', () => {
    expect(candidateValues({ kind: 'domain', value: 'a.evil.com', parents: false })).toEqual(['a.evil.com']);
    expect(candidateValues({ kind: 'ip', value: '10.1.2.3', parents: true })).toEqual(['10.1.2.3']);
    expect(candidateValues({ kind: 'email', value: 'x@a.evil.com', parents: true })).toEqual(['x@a.evil.com']);
  });

  it('hasParentCandidates is false exactly where the query is its own only candidate by rule (a store then probes the value alone)', () => {
    const queries: LookupQuery[] = [
      { kind: 'domain', value: 'a.b.evil.com', parents: true },
      { kind: 'domain', value: 'evil.com', parents: true },
      { kind: 'domain', value: 'localhost', parents: true },
      { kind: 'domain', value: 'a.b.evil.com', parents: false },
      { kind: 'ip', value: '10.1.2.3', parents: true },
      { kind: 'url', value: 'http://a.b.evil.com/', parents: true },
      { kind: 'email', value: 'x@a.b.evil.com', parents: true },
    ];
    for (const query of queries) if (!hasParentCandidates(query)) expect(candidateValues(query)).toEqual([query.value]);
    expect(queries.map(hasParentCandidates)).toEqual([true, false, false, false, false, false, false]);
  });
});
