import { registrableDomain } from './registrable-domain';

describe('registrableDomain', () => {
  it.each([
    ['a.b.example.co.uk', 'example.co.uk'],
    ['example.co.uk', 'example.co.uk'],
    ['x.github.io', 'x.github.io'],
    ['a.x.github.io', 'x.github.io'],
    ['a.b.evil.com', 'evil.com'],
    ['evil.com', 'evil.com'],
    ['bucket.s3.amazonaws.com', 'bucket.s3.amazonaws.com'],
    ['a.b.evil.zzz', 'evil.zzz'],
    ['www.xn--mnchen-3ya.de', 'xn--mnchen-3ya.de'],
    ['sub_domain.evil.com', 'evil.com'],
    ['co.uk', undefined],
    ['github.io', undefined],
    ['com', undefined],
    ['localhost', undefined],
  ])('%j → %j', (domain, expected) => {
    expect(registrableDomain(domain)).toBe(expected);
  });
});
