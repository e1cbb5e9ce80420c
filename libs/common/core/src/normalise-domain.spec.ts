import { normaliseDomain, parentDomains } from './normalise-domain';

describe('normaliseDomain', () => {
  it.each([
    ['evil.com', 'evil.com'],
    ['Evil.COM', 'evil.com'],
    ['evil.com.', 'evil.com'],
    ['  evil.com\n', 'evil.com'],
    ['sub_domain.evil.com', 'sub_domain.evil.com'],
    ['-dash-.evil.com', '-dash-.evil.com'],
    ['securitydistractions.com', 'securitydistractions.com'],
    ['münchen.de', 'xn--mnchen-3ya.de'],
    ['MÜNCHEN.DE', 'xn--mnchen-3ya.de'],
    ['xn--mnchen-3ya.de', 'xn--mnchen-3ya.de'],
    ['例え。テスト', 'xn--r8jz45g.xn--zckzah'],
    ['localhost', 'localhost'],
    ['a1.b2.c3', 'a1.b2.c3'],
    [`${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`],
    [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`],
  ])('%j → %j', (input, expected) => {
    expect(normaliseDomain(input)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['only a dot', '.'],
    ['two trailing dots', 'evil.com..'],
    ['leading dot', '.evil.com'],
    ['empty label', 'evil..com'],
    ['label of 64', `${'a'.repeat(64)}.com`],
    ['name of 254', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`],
    ['300-byte value', 'a.'.repeat(150)],
    ['IPv4 literal', '1.2.3.4'],
    ['numeric last label', 'evil.123'],
    ['hex last label (WHATWG IPv4)', '0x7f.1'],
    ['bare number', '10'],
    ['IPv6 literal', '::1'],
    ['bracketed IPv6', '[::1]'],
    ['space inside', 'evil com'],
    ['wildcard', '*.evil.com'],
    ['port', 'evil.com:80'],
    ['path', 'evil.com/x'],
    ['URL', 'http://evil.com'],
    ['email', 'a@evil.com'],
    ['CRLF injection', 'x\r\nflush_all'],
    ['NUL', 'evil\u0000.com'],
    ['DEL', 'evil\u007f.com'],
    ['unicode space', 'evil\u3000com'],
    ['emoji garbage that IDNA rejects', '\u{1F4A9}\u0000.com'],
  ])('rejects %s', (_name, input) => {
    expect(normaliseDomain(input)).toBeUndefined();
  });
});

describe('parentDomains', () => {
  it.each<[string, number | undefined, string[]]>([
    ['a.b.evil.com', undefined, ['a.b.evil.com', 'b.evil.com', 'evil.com']],
    ['evil.com', undefined, ['evil.com']],
    ['localhost', undefined, ['localhost']],
    ['a.b.evil.com', 3, ['a.b.evil.com', 'b.evil.com']],
    ['a.b.evil.com', 1, ['a.b.evil.com', 'b.evil.com', 'evil.com', 'com']],
    ['a.b.evil.com', 9, ['a.b.evil.com']],
    ['www.notevil.com', undefined, ['www.notevil.com', 'notevil.com']],
  ])('%j (min %j labels) → %j', (domain, minLabels, expected) => {
    expect(parentDomains(domain, minLabels)).toEqual(expected);
  });

  it('cuts only on label boundaries', () => {
    expect(parentDomains('michigan.org')).not.toContain('higan.org');
    expect(parentDomains('x.notevil.com')).not.toContain('evil.com');
  });
});
