import { isNormalPlainDomainAt, isNumericLabel, normaliseDomain, parentDomains } from './normalise-domain';

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

/** Deterministic random strings over an alphabet that hits every branch (digits, hex, `0x`, dots, dashes, upper case). */
function randomTexts(count: number, alphabet: string, maxLength: number): string[] {
  let state = 0x2545f491;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  const texts: string[] = [];
  for (let n = 0; n < count; n++) {
    const length = Math.floor(next() * maxLength);
    let text = next() < 0.2 ? '0x' : '';
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)] as string;
    texts.push(text);
  }
  return texts;
}

describe('isNumericLabel (read in place)', () => {
  it('answers as the WHATWG regular expressions on the label, at any offset', () => {
    for (const label of randomTexts(20_000, '0123456789abcdefxX.g-', 8)) {
      const expected = /^[0-9]+$/.test(label) || /^0x[0-9a-f]*$/.test(label);
      expect(isNumericLabel(label)).toBe(expected);
      expect(isNumericLabel(`ab.${label}/x`, 3, 3 + label.length)).toBe(expected);
    }
  });
});

describe('isNormalPlainDomainAt (the URL fast path host check)', () => {
  it('answers normaliseDomain(host) === host without xn--, on the host inside a longer text', () => {
    let normal = 0;
    for (const host of randomTexts(20_000, 'abxn-0123456789..', 24)) {
      const expected = host.length > 0 && !host.includes('xn--') && normaliseDomain(host) === host;
      if (expected) normal++;
      expect(isNormalPlainDomainAt(`http://${host}/p.a`, 7, 7 + host.length)).toBe(expected);
      expect(isNormalPlainDomainAt(`1.2.${host}`, 4, 4 + host.length)).toBe(expected);
    }
    // the alphabet must give normal hosts too, not only refusals
    expect(normal).toBeGreaterThan(1000);
  });

  it('refuses a trailing dot, an empty host, an xn-- label and a numeric last label', () => {
    expect(isNormalPlainDomainAt('evil.com.', 0, 9)).toBe(false);
    expect(isNormalPlainDomainAt('evil.com', 4, 4)).toBe(false);
    expect(isNormalPlainDomainAt('xn--mnchen-3ya.de', 0, 17)).toBe(false);
    expect(isNormalPlainDomainAt('evil.0x1f', 0, 9)).toBe(false);
    expect(isNormalPlainDomainAt('a.evil.com', 2, 10)).toBe(true);
  });
});
