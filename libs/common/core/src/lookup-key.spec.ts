import { createHash } from 'node:crypto';
import { MAX_KEY_BYTES, SYNC_SENTINEL_KEY, isPlainKeyValue, isSafeMemcachedKey, lookupKey, seedCompatKey } from './lookup-key';
import { OBSERVABLE_KINDS, type ObservableKind } from './observable-kind';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('lookupKey', () => {
  it.each<[ObservableKind, string, string]>([
    ['domain', 'securitydistractions.com', 'domain-securitydistractions.com'],
    ['ip', '1.2.3.4', 'ip-1.2.3.4'],
    ['ip', '10.0.0.0/8', 'ip-10.0.0.0/8'],
    ['ip', '2001:db8::1', 'ip-2001:db8::1'],
    ['sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'sha256-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['url', 'http://evil.com/a%20b', 'url-http://evil.com/a%20b'],
    ['domain', 'a'.repeat(MAX_KEY_BYTES - 'domain-'.length), `domain-${'a'.repeat(MAX_KEY_BYTES - 'domain-'.length)}`],
  ])('%s %j → %j', (kind, value, expected) => {
    expect(lookupKey(kind, value)).toBe(expected);
  });

  it.each<[string, ObservableKind, string]>([
    ['CRLF injection', 'domain', 'x\r\nflush_all'],
    ['space', 'uri', '/a b'],
    ['tab', 'uri', '/a\tb'],
    ['NUL', 'domain', 'a\u0000b'],
    ['DEL', 'domain', 'a\u007fb'],
    ['non-ASCII', 'uri', '/ü'],
    ['emoji', 'email', '💩@evil.com'],
    ['empty value', 'domain', ''],
    ['one byte over 250', 'domain', 'a'.repeat(MAX_KEY_BYTES - 'domain-'.length + 1)],
    ['300-byte url', 'url', `http://evil.com/${'a'.repeat(300)}`],
  ])('hashes an unsafe value (%s)', (_name, kind, value) => {
    const key = lookupKey(kind, value);
    expect(key).toBe(`${kind}#${sha256(value)}`);
    expect(isSafeMemcachedKey(key)).toBe(true);
  });

  it('every key it makes is safe for memcached, for every kind', () => {
    for (const kind of OBSERVABLE_KINDS) for (const value of ['x', 'x\r\nflush_all', 'é'.repeat(200), 'a'.repeat(1_000)]) expect(isSafeMemcachedKey(lookupKey(kind, value))).toBe(true);
  });

  it('the plain and hashed forms never collide, and kinds never share a key', () => {
    const keys = new Set<string>();
    for (const kind of OBSERVABLE_KINDS) for (const value of ['a', 'a b', `#${sha256('a b')}`]) keys.add(lookupKey(kind, value));
    expect(keys.size).toBe(OBSERVABLE_KINDS.length * 3);
    expect(keys).not.toContain(SYNC_SENTINEL_KEY);
  });
});

describe('isPlainKeyValue', () => {
  it('is true exactly when lookupKey gives the plain <kind>-<value> form', () => {
    const values = ['evil.com', '1.2.3.4', '', ' ', 'a b', 'x\r\nflush_all', 'é', 'a'.repeat(MAX_KEY_BYTES - 'domain-'.length), 'a'.repeat(MAX_KEY_BYTES - 'domain-'.length + 1), '\u007f', '~'];
    for (const kind of OBSERVABLE_KINDS) {
      for (const value of values) expect(isPlainKeyValue(kind, value)).toBe(lookupKey(kind, value) === `${kind}-${value}`);
    }
  });
});

describe('seedCompatKey', () => {
  it.each([
    ['ip-dst', '1.2.3.4', 'ip-dst-1.2.3.4'],
    ['domain', 'evil.com', 'domain-evil.com'],
    ['domain|ip', 'evil.com|1.2.3.4', 'domain|ip-evil.com|1.2.3.4'],
    ['md5', 'd41d8cd98f00b204e9800998ecf8427e', 'md5-d41d8cd98f00b204e9800998ecf8427e'],
    ['ip-dst', 'x\r\nflush_all', `ip-dst#${sha256('x\r\nflush_all')}`],
    ['hostname', 'a'.repeat(300), `hostname#${sha256('a'.repeat(300))}`],
    ['bad type\r\n', 'evil.com', `#${sha256('bad type\r\n\u0000evil.com')}`],
    ['', 'evil.com', `#${sha256('\u0000evil.com')}`],
  ])('%j %j → %j', (type, value, expected) => {
    expect(seedCompatKey(type, value)).toBe(expected);
    expect(isSafeMemcachedKey(expected)).toBe(true);
  });

  it('agrees with lookupKey where the MISP type is the kind name (seed compatibility)', () => {
    expect(seedCompatKey('domain', 'evil.com')).toBe(lookupKey('domain', 'evil.com'));
    expect(seedCompatKey('sha256', 'x y')).toBe(lookupKey('sha256', 'x y'));
  });
});

describe('isSafeMemcachedKey', () => {
  it.each([
    ['domain-evil.com', true],
    [SYNC_SENTINEL_KEY, true],
    ['!~', true],
    ['a'.repeat(250), true],
    ['a'.repeat(251), false],
    ['', false],
    ['x\r\nflush_all', false],
    ['a b', false],
    ['a\u007f', false],
    ['é', false],
    ['a\u0000', false],
  ])('%j → %j', (key, expected) => {
    expect(isSafeMemcachedKey(key)).toBe(expected);
  });
});
