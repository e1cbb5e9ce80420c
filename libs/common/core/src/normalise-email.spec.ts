import { normaliseEmail } from './normalise-email';

describe('normaliseEmail', () => {
  it.each([
    ['phish@evil.com', 'phish@evil.com'],
    ['Phish.Er+tag@Evil.COM', 'phish.er+tag@evil.com'],
    ['  a@evil.com\n', 'a@evil.com'],
    ['a@münchen.de', 'a@xn--mnchen-3ya.de'],
    ['a@evil.com.', 'a@evil.com'],
    [`${'a'.repeat(64)}@evil.com`, `${'a'.repeat(64)}@evil.com`],
  ])('%j → %j', (input, expected) => {
    expect(normaliseEmail(input)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['no @', 'evil.com'],
    ['two @', 'a@b@evil.com'],
    ['empty local part', '@evil.com'],
    ['empty domain', 'a@'],
    ['local part of 65', `${'a'.repeat(65)}@evil.com`],
    ['space in local part', 'a b@evil.com'],
    ['space after @', 'a@ evil.com'],
    ['quoted local part', '"a b"@evil.com'],
    ['IP literal domain', 'a@[1.2.3.4]'],
    ['IP domain', 'a@1.2.3.4'],
    ['CRLF injection', 'a@evil.com\r\nflush_all'],
    ['display name form', 'Evil <a@evil.com>'],
    ['mailto', 'mailto:a@evil.com'.replace('mailto:', 'mailto: ')],
  ])('rejects %s', (_name, input) => {
    expect(normaliseEmail(input)).toBeUndefined();
  });
});
