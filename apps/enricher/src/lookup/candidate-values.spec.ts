import { candidateValues } from './candidate-values';

describe('candidateValues', () => {
  it('walks parent domains on label boundaries, most specific first, down to two labels', () => {
    expect(candidateValues({ kind: 'domain', value: 'a.b.evil.com', parents: true })).toEqual(['a.b.evil.com', 'b.evil.com', 'evil.com']);
    expect(candidateValues({ kind: 'domain', value: 'notevil.com', parents: true })).toEqual(['notevil.com']);
    expect(candidateValues({ kind: 'domain', value: 'michigan.org', parents: true })).not.toContain('higan.org');
  });

  it('is exact when parent matching is off, and for every other kind', () => {
    expect(candidateValues({ kind: 'domain', value: 'a.evil.com', parents: false })).toEqual(['a.evil.com']);
    expect(candidateValues({ kind: 'ip', value: '10.1.2.3', parents: true })).toEqual(['10.1.2.3']);
    expect(candidateValues({ kind: 'email', value: 'x@a.evil.com', parents: true })).toEqual(['x@a.evil.com']);
  });
});
