import { normaliseIp } from '@iocflow/core';
import { readFixtureJson } from '../../test/test-fixtures';
import { DEFAULT_WARNINGLISTS } from './default-warninglists';
import { compilePhpRegex, hostOfUrl, kindsOfMatchingAttributes, parseWarninglist, WarninglistIndex, type Warninglist } from './warninglist-index';

const list = (name: string, json: unknown): Warninglist => {
  const parsed = parseWarninglist(json, name);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.list;
};

describe('parseWarninglist', () => {
  it('reads every shipped list and the fixture lists (the misp-warninglists list.json format)', () => {
    for (const [name, json] of Object.entries(DEFAULT_WARNINGLISTS)) expect(parseWarninglist(json, name)).toMatchObject({ ok: true });
    expect(list('x', readFixtureJson('misp-warninglists/lists/cisco_top1000/list.json'))).toMatchObject({ type: 'string', name: expect.stringContaining('1000') });
  });

  it.each([
    [[], 'not a JSON object'],
    [{ type: 'bloom', list: [] }, 'type "bloom"'],
    [{ type: 'string', list: [1] }, 'list is not a list of strings'],
  ])('refuses %j with a reason', (json, reason) => {
    expect(parseWarninglist(json, 'x')).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });
});

describe('kindsOfMatchingAttributes', () => {
  it.each([
    [['ip-src', 'ip-dst|port', 'domain|ip'], ['domain', 'ip']],
    [['hostname', 'url'], ['domain', 'url']],
    [['md5', 'filename|sha256', 'ssdeep'], ['md5', 'sha256']],
    [['AS'], []],
  ])('%j → %j', (types, kinds) => {
    expect([...kindsOfMatchingAttributes(types)].sort()).toEqual(kinds);
  });

  it('a list naming no type reaches every kind', () => {
    expect(kindsOfMatchingAttributes([]).size).toBe(9);
  });
});

describe('WarninglistIndex', () => {
  const shipped = new WarninglistIndex(Object.entries(DEFAULT_WARNINGLISTS).map(([name, json]) => list(name, json)));

  it.each([
    // rfc5735 lists the RFC 1918 ranges too: either list may answer.
    ['ip', '10.1.2.3', expect.stringMatching(/RFC (1918|5735)/)],
    ['ip', '192.168.0.0/24', expect.stringMatching(/RFC (1918|5735)/)],
    ['ip', normaliseIp('::ffff:10.0.0.1'), expect.stringMatching(/RFC (1918|5735)/)],
    ['ip', '127.0.0.1', expect.stringContaining('5735')],
    ['ip', 'fe80::1', expect.stringContaining('link')],
    ['ip', '2001:db8::1', expect.stringContaining('3849')],
    ['ip', '224.0.0.251', expect.stringContaining('ulticast')],
    ['domain', 'example.com', expect.stringContaining('6761')],
    ['md5', 'd41d8cd98f00b204e9800998ecf8427e', expect.stringMatching(/empty|false-positive/)],
  ] as const)('the shipped set refuses %s %s', (kind, value, name) => {
    expect(shipped.match(kind, value ?? '')).toEqual(name);
  });

  it.each([
    ['ip', '8.8.8.8'],
    ['ip', '10.0.0.0/7'],
    ['domain', 'evil.example.com'],
    ['url', 'http://10.1.2.3/'],
    ['md5', 'd41d8cd98f00b204e9800998ecf8427f'],
  ] as const)('the shipped set keeps %s %s', (kind, value) => {
    expect(shipped.match(kind, value)).toBeUndefined();
  });

  it('matches each list type as MISP does, on normalised values', () => {
    const index = new WarninglistIndex([
      { name: 'strings', type: 'string', list: ['Google.com.', 'http://exact.example/a'], matchingAttributes: ['domain', 'url'] },
      { name: 'hosts', type: 'hostname', list: ['.cdn.example'], matchingAttributes: ['hostname', 'url'] },
      { name: 'subs', type: 'substring', list: ['.in-addr.arpa'], matchingAttributes: ['domain'] },
      { name: 'regexes', type: 'regex', list: ['/^pool\\d+\\.ntp\\.example$/i', '/(?<=x)y/x'], matchingAttributes: ['domain'] },
      { name: 'v6', type: 'cidr', list: ['2001:db8:1::/48', 'not-a-range'], matchingAttributes: ['ip-dst'] },
    ]);
    expect(index.match('domain', 'google.com')).toBe('strings');
    expect(index.match('domain', 'www.google.com')).toBeUndefined();
    expect(index.match('url', 'http://exact.example/a')).toBe('strings');
    expect(index.match('url', 'https://google.com/search')).toBe('strings');
    expect(index.match('domain', 'a.b.cdn.example')).toBe('hosts');
    expect(index.match('url', 'https://user@img.cdn.example:8443/x.png')).toBe('hosts');
    expect(index.match('domain', 'notcdn.example')).toBeUndefined();
    expect(index.match('domain', '4.3.2.1.in-addr.arpa')).toBe('subs');
    expect(index.match('domain', 'POOL12.ntp.example')).toBe('regexes');
    expect(index.match('ip', '2001:db8:1::42')).toBe('v6');
    expect(index.match('ip', '2001:db8::/32')).toBeUndefined();
    expect(index.match('md5', 'google.com')).toBeUndefined();
    expect(index.unusable).toEqual([
      { list: 'regexes', entry: '/(?<=x)y/x' },
      { list: 'v6', entry: 'not-a-range' },
    ]);
  });
});

describe('compilePhpRegex and hostOfUrl', () => {
  it.each([
    ['/^a$/i', true],
    ['#^a$#', true],
    ['^a$', false],
    ['/a/x', false],
    ['/(/', false],
  ])('%s compiles: %s', (entry, ok) => {
    expect(compilePhpRegex(entry) !== undefined).toBe(ok);
  });

  it.each([
    ['http://evil.example/a', 'evil.example'],
    ['https://u:p@evil.example.:8080?q', 'evil.example'],
    ['http://[2001:db8::1]:80/', '2001:db8::1'],
    ['/path/only', undefined],
  ])('%s → %s', (url, host) => {
    expect(hostOfUrl(url)).toBe(host);
  });
});
