import { freshnessRecord, indicatorRecord } from '../../test/indicator-records';
import { RecordedTopicReader } from '../../test/unit/recorded-topic-reader';
import { IndicatorTopicFollower } from './indicator-topic-follower';
import { IpRangeSet, isIpRangeKey } from './ip-range-set';

describe('isIpRangeKey', () => {
  it.each([
    ['ip-10.0.0.0/8', true],
    ['ip-2001:db8::/32', true],
    ['ip-10.1.2.3', false],
    ['domain-a.example', false],
    ['url-http://a.example/x', false],
    ['iocflow-sync-state', false],
  ])('%s → %s', (key, expected) => {
    expect(isIpRangeKey(key)).toBe(expected);
  });
});

describe('IpRangeSet', () => {
  it('is off without a follower, and says why', async () => {
    const set = new IpRangeSet(undefined);
    expect(set.state).toBe('off');
    expect(set.detail).toContain('ENRICHER_IP_RANGES=off');
    expect(await set.load()).toBe(false);
    expect(set.table()).toBeUndefined();
  });

  it('loads only the range records of the topic, then follows them', async () => {
    const reader = new RecordedTopicReader([
      indicatorRecord('ip', '10.77.0.0/16', ['Feed-Wide']),
      indicatorRecord('ip', '10.77.5.9', ['Feed-Exact']),
      indicatorRecord('domain', 'evil.example', ['Feed-D']),
      { key: 'domain-broken.example', value: 'not json' },
      freshnessRecord({ misp: { lastSuccessAt: '2025-01-01T00:00:00Z', intervalMs: 60_000 } }),
    ]);
    const invalid: string[] = [];
    const set = new IpRangeSet(new IndicatorTopicFollower('iocs', () => reader, { keep: isIpRangeKey, events: { invalidRecord: (key) => invalid.push(key) } }));
    expect(set.state).toBe('loading');
    expect(set.table()).toBeUndefined();
    expect(await set.load()).toBe(true);
    expect(set.state).toBe('following');
    expect(set.detail).toBeUndefined();
    // Only the range: the exact address and the domain stay memcached's; the garbage was never parsed.
    expect(set.table()?.size).toBe(1);
    expect(invalid).toEqual([]);
    expect(set.table()?.lookup({ kind: 'ip', value: '10.77.1.1', parents: false })).toMatchObject({ indicator: '10.77.0.0/16', feeds: ['Feed-Wide'] });
    await reader.push([indicatorRecord('ip', '2001:db8:77::/48', ['Feed-V6']), { key: 'ip-10.77.0.0/16', value: null }]);
    expect(set.table()?.lookup({ kind: 'ip', value: '10.77.1.1', parents: false })).toBeUndefined();
    expect(set.table()?.lookup({ kind: 'ip', value: '2001:db8:77::1', parents: false })).toMatchObject({ indicator: '2001:db8:77::/48' });
  });

  it('is unavailable when the first read fails, and keeps serving when a later reload fails', async () => {
    const reader = new RecordedTopicReader([indicatorRecord('ip', '10.0.0.0/8', ['Feed-A'])]);
    reader.failure = new Error('UNKNOWN_TOPIC_OR_PARTITION');
    const set = new IpRangeSet(new IndicatorTopicFollower('iocs', () => reader));
    expect(await set.load()).toBe(false);
    expect(set.state).toBe('unavailable');
    expect(set.detail).toBe('IP ranges are not matched: iocs cannot be read (UNKNOWN_TOPIC_OR_PARTITION); retrying');
    reader.failure = undefined;
    expect(await set.load()).toBe(true);
    reader.failure = new Error('broker down');
    expect(await set.load()).toBe(false);
    expect(set.state).toBe('following');
    expect(set.table()?.size).toBe(1);
  });
});
