import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MISP_TYPE_KINDS, SUPPORTED_MISP_TYPES, isSupportedMispType, mispAttributeObservables } from './misp-attribute-observables';

/** The repository's test fixtures (test/fixtures/SOURCES.md). */
const FIXTURES = path.resolve(__dirname, '../../../..', 'test', 'fixtures');
const readJson = (relative: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, relative), 'utf8'));

interface FixtureAttribute {
  readonly type: string;
  readonly value: string;
}

const MD5 = '835fee42132feebe9b3231297e5e71a8';
const SHA256 = '7a200c4df99887991c638fe625d07a4a3fc2bdc887112437752b3df5c8da79b6';

describe('mispAttributeObservables', () => {
  it.each<[string, string, { kind: string; value: string }[]]>([
    ['domain', 'GugeHotel.cn', [{ kind: 'domain', value: 'gugehotel.cn' }]],
    ['hostname', 'akm.epac.to', [{ kind: 'domain', value: 'akm.epac.to' }]],
    ['domain|ip', 'evil.com|1.2.3.4', [{ kind: 'domain', value: 'evil.com' }, { kind: 'ip', value: '1.2.3.4' }]],
    ['domain|ip', 'evil.com|2001:DB8::1', [{ kind: 'domain', value: 'evil.com' }, { kind: 'ip', value: '2001:db8::1' }]],
    ['domain|ip', 'evil.com|not-an-ip', [{ kind: 'domain', value: 'evil.com' }]],
    ['hostname|port', 'evil.com|443', [{ kind: 'domain', value: 'evil.com' }]],
    ['hostname|port', 'evil.com:443', [{ kind: 'domain', value: 'evil.com' }]],
    ['ip-src', '1.2.3.4', [{ kind: 'ip', value: '1.2.3.4' }]],
    ['ip-dst', '10.1.2.3/8', [{ kind: 'ip', value: '10.0.0.0/8' }]],
    ['ip-dst', '2001:db8::/32', [{ kind: 'ip', value: '2001:db8::/32' }]],
    ['ip-dst|port', '125.212.132.222|443', [{ kind: 'ip', value: '125.212.132.222' }]],
    ['ip-src|port', '1.2.3.4:8080', [{ kind: 'ip', value: '1.2.3.4' }]],
    ['ip-dst|port', '::1|80', [{ kind: 'ip', value: '::1' }]],
    ['ip-dst|port', '[::1]:80', [{ kind: 'ip', value: '::1' }]],
    ['ip-dst|port', '[::1]|80', [{ kind: 'ip', value: '::1' }]],
    ['ip-dst|port', '1.2.3.4', [{ kind: 'ip', value: '1.2.3.4' }]],
    ['url', 'hTTp://Evil.com/x#frag', [{ kind: 'url', value: 'http://evil.com/x' }]],
    ['url', 'http://user:pass@Evil.com./%7Ex?', [{ kind: 'url', value: 'http://evil.com/~x' }]],
    ['url', 'http:\\\\[::ffff:1.2.3.4]\\x', [{ kind: 'url', value: 'http://1.2.3.4/x' }]],
    ['uri', '/gate.php?id=1', [{ kind: 'uri', value: '/gate.php?id=1' }]],
    ['md5', MD5.toUpperCase(), [{ kind: 'md5', value: MD5 }]],
    ['sha256', SHA256, [{ kind: 'sha256', value: SHA256 }]],
    ['filename|md5', `brochure .doc|${MD5}`, [{ kind: 'md5', value: MD5 }]],
    ['filename|sha256', `a|b.exe|${SHA256}`, [{ kind: 'sha256', value: SHA256 }]],
    ['email-src', 'Phish@Evil.com', [{ kind: 'email', value: 'phish@evil.com' }]],
    ['email-dst', 'x@evil.com', [{ kind: 'email', value: 'x@evil.com' }]],
    ['email', 'x@evil.com', [{ kind: 'email', value: 'x@evil.com' }]],
  ])('%s %j → %j', (type, value, expected) => {
    expect(mispAttributeObservables(type, value)).toEqual(expected);
  });

  it.each([
    ['link is a report, not an indicator', 'link', 'https://blog.example/report'],
    ['unsupported type', 'regkey', 'HKLM\\Software'],
    ['unknown type', 'no-such-type', 'evil.com'],
    ['prototype key as a type', '__proto__', 'evil.com'],
    ['invalid domain', 'domain', 'evil..com'],
    ['ip in a domain attribute', 'domain', '1.2.3.4'],
    ['ambiguous unbracketed IPv6 with port', 'ip-dst|port', '::1:80'],
    ['filename|md5 without separator', 'filename|md5', MD5],
    ['filename|md5 with a sha1', 'filename|md5', 'a.exe|da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['url junk seen in real data', 'url', '107.183.86'],
    ['CRLF injection', 'domain', 'x\r\nflush_all'],
    ['300-byte domain', 'domain', 'a'.repeat(300)],
    ['empty', 'ip-dst', ''],
  ])('→ [] for %s', (_name, type, value) => {
    expect(mispAttributeObservables(type, value)).toEqual([]);
  });

  it('supports only types MISP describes', () => {
    const described = readJson('pymisp/pymisp/data/describeTypes.json') as { result: { types: string[] } };
    for (const type of SUPPORTED_MISP_TYPES) expect(described.result.types).toContain(type);
    expect(SUPPORTED_MISP_TYPES).toEqual(Object.keys(MISP_TYPE_KINDS));
    expect(isSupportedMispType('link')).toBe(false);
    expect(isSupportedMispType('toString')).toBe(false);
  });

  it.each([
    ['pymisp/tests/reportlab_testfiles/long_event.json'],
    ['pymisp/tests/reportlab_testfiles/to_delete2.json'],
    ['pymisp/tests/reportlab_testfiles/to_delete1.json'],
  ])('turns every hash, host and ip attribute of %s into exactly one observable', (file) => {
    const event = (readJson(file) as { Event: { Attribute: FixtureAttribute[] } }).Event;
    const strict = event.Attribute.filter((attribute) => /^(md5|sha1|sha256|domain|hostname|ip-dst|ip-src|filename\|\w+|ip-dst\|port)$/.test(attribute.type));
    expect(strict.length).toBeGreaterThan(10);
    for (const attribute of strict) expect(mispAttributeObservables(attribute.type, attribute.value)).toHaveLength(1);
  });
});
