import { attribute } from '../../test/test-fixtures';
import { toAttributeUpdate } from '../sync/to-attribute-update';
import { AttributeSelection } from './attribute-selection';
import { ExpiryPolicy } from './expiry-policy';
import { IndicatorFilter } from './indicator-filter';
import { IndicatorGuard } from './indicator-guard';

const DAY = 86_400;
const NOW = 1_800_000_000;
const filter = new IndicatorFilter(
  new AttributeSelection({ publishedOnly: true, includeTags: [], excludeTags: [], orgs: [], maxTlp: 'amber+strict', distributions: [0, 1, 2, 3, 4], excludeDecayed: false }),
  new IndicatorGuard({ minIpv4Prefix: 8, minIpv6Prefix: 32, warninglists: [{ name: 'rfc1918', type: 'cidr', list: ['10.0.0.0/8'], matchingAttributes: ['ip-dst', 'domain|ip'] }], allowlist: [] }),
  new ExpiryPolicy({ ip: 30 * DAY, domain: 90 * DAY, url: 90 * DAY, uri: 90 * DAY, email: 0, md5: 0, sha1: 0, sha256: 0, sha512: 0 }),
);
const rules = { feedTagPattern: 'Feed-*', defaultFeed: 'misp' };
const run = (overrides: Parameters<typeof attribute>[0]) => {
  const value = attribute({ timestamp: NOW - DAY, ...overrides });
  return filter.apply(value, toAttributeUpdate(value, rules), NOW);
};

describe('IndicatorFilter', () => {
  it('passes a qualifying attribute through unchanged (the same object: nothing allocated)', () => {
    const value = attribute({ timestamp: NOW - DAY });
    const update = toAttributeUpdate(value, rules);
    expect(filter.apply(value, update, NOW).update).toBe(update);
  });

  it('turns a deselected attribute into a removal, with the reason', () => {
    const result = run({ tags: [{ name: 'tlp:red', inherited: true }] });
    expect(result).toMatchObject({ deselected: 'tlp', update: { entries: [] } });
  });

  it('drops only the refused observable of a composite attribute', () => {
    const result = run({ type: 'domain|ip', value: 'evil.example|10.9.8.7' });
    expect(result.update.entries.map((entry) => entry.key)).toEqual(['domain-evil.example']);
    expect(result.refused).toEqual([{ kind: 'ip', value: '10.9.8.7', refusal: { reason: 'warninglist', list: 'rfc1918' } }]);
  });

  it('drops what is already past its kind’s maximum age: the ip part of a 40-day-old domain|ip', () => {
    const result = run({ type: 'domain|ip', value: 'evil.example|198.51.100.7', timestamp: NOW - 40 * DAY });
    expect(result.update.entries.map((entry) => entry.kind)).toEqual(['domain']);
    expect(result.expired).toBe(1);
  });

  it('refuses the over-broad ranges of issue 15 (0.0.0.0/0, ::/0, ::ffff:0:0/96)', () => {
    for (const value of ['0.0.0.0/0', '::/0', '::ffff:0:0/96']) {
      const result = run({ type: 'ip-dst', value });
      expect(result.update.entries).toEqual([]);
      expect(result.refused.map((refused) => refused.refusal.reason)).toEqual(['broad_ip_range']);
    }
  });

  it('leaves removals (deleted, to_ids off) as they are', () => {
    const result = run({ deleted: true });
    expect(result).toEqual({ update: expect.objectContaining({ entries: [] }), refused: [], expired: 0 });
  });
});
