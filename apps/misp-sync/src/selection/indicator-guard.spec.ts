import { normaliseDomain, normaliseIp } from '@iocflow/core';
import { IndicatorGuard, isPublicSuffix } from './indicator-guard';

const guard = new IndicatorGuard({
  minIpv4Prefix: 8,
  minIpv6Prefix: 32,
  warninglists: [{ name: 'private', type: 'cidr', list: ['10.0.0.0/8'], matchingAttributes: ['ip-dst'] }],
  allowlist: ['203.0.113.0/24', 'corp.example', '# a comment', ''],
});

describe('IndicatorGuard', () => {
  // Values as misp-sync holds them: normalised by the core normalisers first.
  it.each([
    ['0.0.0.0/0', 'broad_ip_range'],
    ['::/0', 'broad_ip_range'],
    ['::ffff:0:0/96', 'broad_ip_range'],
    ['128.0.0.0/1', 'broad_ip_range'],
    ['10.0.0.0/7', 'broad_ip_range'],
    ['2001::/16', 'broad_ip_range'],
    ['10.1.2.3', 'warninglist'],
    ['203.0.113.9', 'allowlist'],
  ])('refuses ip %s: %s', (raw, reason) => {
    expect(guard.refuse('ip', normaliseIp(raw) ?? raw)?.reason).toBe(reason);
  });

  it.each(['11.0.0.0/8', '198.51.100.0/24', '2001:db8::/32', '2001:db8::1', '8.8.8.8'])('keeps ip %s', (raw) => {
    expect(guard.refuse('ip', normaliseIp(raw) ?? raw)).toBeUndefined();
  });

  it.each([
    ['co.uk', 'public_suffix'],
    ['github.io', 'public_suffix'],
    ['com', 'public_suffix'],
    ['s3.amazonaws.com', 'public_suffix'],
    ['corp.example', 'allowlist'],
    ['mail.corp.example', 'allowlist'],
  ])('refuses domain %s: %s', (raw, reason) => {
    expect(guard.refuse('domain', normaliseDomain(raw) ?? raw)?.reason).toBe(reason);
  });

  it.each(['evil.co.uk', 'attacker.github.io', 'evil.com', 'notcorp.example'])('keeps domain %s', (raw) => {
    expect(guard.refuse('domain', raw)).toBeUndefined();
  });

  it('applies the allowlist to urls by host, and to other kinds by exact value', () => {
    expect(guard.refuse('url', 'https://www.corp.example/login')).toEqual({ reason: 'allowlist', list: 'allowlist' });
    expect(guard.refuse('url', 'https://evil.example/corp.example')).toBeUndefined();
    const hashes = new IndicatorGuard({ minIpv4Prefix: 8, minIpv6Prefix: 32, warninglists: [], allowlist: ['D41D8CD98F00B204E9800998ECF8427E'] });
    expect(hashes.refuse('md5', 'd41d8cd98f00b204e9800998ecf8427e')?.reason).toBe('allowlist');
  });

  it('takes the minimum prefixes from its options', () => {
    const strict = new IndicatorGuard({ minIpv4Prefix: 24, minIpv6Prefix: 48, warninglists: [], allowlist: [] });
    expect(strict.refuse('ip', '198.51.100.0/23')?.reason).toBe('broad_ip_range');
    expect(strict.refuse('ip', '198.51.100.0/24')).toBeUndefined();
    expect(strict.refuse('ip', '2001:db8::/47')?.reason).toBe('broad_ip_range');
  });
});

describe('isPublicSuffix', () => {
  it.each([
    ['co.uk', true],
    ['github.io', true],
    ['blogspot.com', true],
    ['evil.co.uk', false],
    ['example.com', false],
  ])('%s: %s', (domain, expected) => {
    expect(isPublicSuffix(domain)).toBe(expected);
  });
});
