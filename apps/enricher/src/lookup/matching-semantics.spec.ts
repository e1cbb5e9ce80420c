import { lookupKey, normaliseValue, type IndicatorRecord, type ObservableKind } from '@iocflow/core';
import { compileRules, extractObservables } from '../pipeline/extract-observables';
import { DEFAULT_LOOKUP_RULES } from '../pipeline/lookup-rules';
import { IndicatorTable } from './indicator-table';

/** The matching table of docs/enricher.md, row by row: a log field value against indicators normalised as misp-sync does. */
function matchOf(field: string, logValue: string, indicators: [ObservableKind, string][], parents = true): string | undefined {
  const table = new IndicatorTable();
  for (const [kind, raw] of indicators) {
    const value = normaliseValue(kind, raw);
    if (value === undefined) throw new Error(`indicator ${raw} does not normalise`);
    const record: IndicatorRecord = { key: lookupKey(kind, value), kind, value, feeds: ['F'], attributes: [], updatedAt: '2025-01-01T00:00:00Z' };
    table.apply(record.key, record);
  }
  const event: Record<string, unknown> = { [field]: logValue };
  const extracted = extractObservables(event, compileRules(DEFAULT_LOOKUP_RULES, parents), 100);
  if (!extracted.ok) throw new Error(extracted.rejection.message);
  for (const observation of extracted.observations) {
    const match = table.lookup(observation);
    if (match !== undefined) return match.indicator;
  }
  return undefined;
}

describe('matching semantics (docs/enricher.md)', () => {
  it.each([
    ['case-insensitive domain', 'destination.domain', 'WWW.Evil.COM', [['domain', 'evil.com']], 'evil.com'],
    ['trailing dot', 'destination.domain', 'evil.com.', [['domain', 'evil.com']], 'evil.com'],
    ['IDN, indicator in Unicode', 'dns.question.name', 'münchen.de', [['domain', 'MÜNCHEN.de']], 'xn--mnchen-3ya.de'],
    ['IDN, indicator in punycode', 'dns.question.name', 'www.münchen.de', [['domain', 'xn--mnchen-3ya.de']], 'xn--mnchen-3ya.de'],
    ['parent domain', 'dns.question.name', 'a.b.evil.com', [['domain', 'evil.com']], 'evil.com'],
    ['most specific parent wins', 'dns.question.name', 'a.b.evil.com', [['domain', 'evil.com'], ['domain', 'b.evil.com']], 'b.evil.com'],
    ['label boundary', 'destination.domain', 'notevil.com', [['domain', 'evil.com']], undefined],
    ['label boundary (michigan/higan)', 'destination.domain', 'michigan.org', [['domain', 'higan.org']], undefined],
    ['no TLD match', 'destination.domain', 'evil.com', [['domain', 'com']], undefined],
    ['IPv4 exact', 'source.ip', '10.1.2.3', [['ip', '10.1.2.3']], '10.1.2.3'],
    ['IPv4-mapped IPv6', 'source.ip', '::ffff:10.1.2.3', [['ip', '10.1.2.3']], '10.1.2.3'],
    ['IPv6 spelling', 'destination.ip', '2001:DB8:0::1', [['ip', '2001:db8::1']], '2001:db8::1'],
    ['CIDR longest prefix', 'source.ip', '10.77.5.9', [['ip', '10.77.0.0/16'], ['ip', '10.77.5.0/24']], '10.77.5.0/24'],
    ['exact address over ranges', 'source.ip', '10.77.5.9', [['ip', '10.77.5.9'], ['ip', '10.77.0.0/16']], '10.77.5.9'],
    ['URL normalisation', 'url.full', 'HTTP://Evil.com:80/a?b#frag', [['url', 'http://evil.com/a?b']], 'http://evil.com/a?b'],
    ['URL with credentials added in the log', 'url.full', 'http://user:pass@evil.com/a', [['url', 'http://evil.com/a']], 'http://evil.com/a'],
    ['URL indicator with credentials', 'url.full', 'http://evil.com/a', [['url', 'http://admin@evil.com/a']], 'http://evil.com/a'],
    ['URL host with a trailing dot', 'url.full', 'http://evil.com./a', [['url', 'http://evil.com/a']], 'http://evil.com/a'],
    ['URL IPv4-mapped host', 'url.full', 'http://[::ffff:1.2.3.4]/a', [['url', 'http://1.2.3.4/a']], 'http://1.2.3.4/a'],
    ['URL with backslashes', 'url.full', 'http:\\\\evil.com\\a', [['url', 'http://evil.com/a']], 'http://evil.com/a'],
    ['URL unreserved escapes', 'url.full', 'http://evil.com/%7Euser/%61', [['url', 'http://evil.com/~user/a']], 'http://evil.com/~user/a'],
    ['URL escape case', 'url.full', 'http://evil.com/a%2fb', [['url', 'http://evil.com/a%2Fb']], 'http://evil.com/a%2Fb'],
    ['parent stops at the registrable domain (ICANN suffix)', 'dns.question.name', 'a.b.example.co.uk', [['domain', 'co.uk']], undefined],
    ['parent reaches the registrable domain', 'dns.question.name', 'a.b.example.co.uk', [['domain', 'example.co.uk']], 'example.co.uk'],
    ['parent stops at the registrable domain (private suffix)', 'dns.question.name', 'x.github.io', [['domain', 'github.io']], undefined],
    ['URL path is case-sensitive', 'url.full', 'http://evil.com/A', [['url', 'http://evil.com/a']], undefined],
    ['sha256, upper-case log', 'process.hash.sha256', 'AB'.repeat(32), [['sha256', 'ab'.repeat(32)]], 'ab'.repeat(32)],
    ['md5', 'file.hash.md5', '70041821ACF87389E40DDCB092004184', [['md5', '70041821acf87389e40ddcb092004184']], '70041821acf87389e40ddcb092004184'],
    ['email', 'email.from.address', 'Bad@Evil.COM', [['email', 'bad@evil.com']], 'bad@evil.com'],
    ['logs are never refanged', 'destination.domain', 'evil[.]com', [['domain', 'evil.com']], undefined],
    ['hostile value is not a domain', 'destination.domain', 'x\r\nflush_all', [['domain', 'x']], undefined],
    ['long URL via hashed key', 'url.full', `http://evil.com/${'p'.repeat(300)}`, [['url', `http://evil.com/${'p'.repeat(300)}`]], `http://evil.com/${'p'.repeat(300)}`],
  ] as [string, string, string, [ObservableKind, string][], string | undefined][])('%s: %s=%s', (_name, field, value, indicators, expected) => {
    expect(matchOf(field, value, indicators)).toBe(expected);
  });

  it('parent matching can be switched off', () => {
    expect(matchOf('destination.domain', 'a.evil.com', [['domain', 'evil.com']], false)).toBeUndefined();
  });
});
