import type { IndicatorRecord } from '../indicator-record';
import { SYNC_SENTINEL_KEY } from '../lookup-key';
import { planRetroHunt } from './plan-retro-hunt';

function record(value: string, feeds: readonly string[] = ['Feed-A']): string {
  const indicator: IndicatorRecord = {
    key: `domain-${value}`,
    kind: 'domain',
    value,
    feeds,
    attributes: [{ attributeUuid: `u-${value}`, mispType: 'domain', eventUuid: 'e-1', eventInfo: 'info', feeds, tags: [], toIds: true, timestamp: 1 }],
    updatedAt: '2026-12-03T00:00:00.000Z',
  };
  return JSON.stringify(indicator);
}

describe('planRetroHunt', () => {
  it('hunts every added or changed indicator once, as its latest record', () => {
    const plan = planRetroHunt([
      { key: 'domain-a.com', value: record('a.com', ['Feed-A']) },
      { key: 'domain-b.com', value: record('b.com') },
      { key: 'domain-a.com', value: record('a.com', ['Feed-A', 'Feed-B']) },
    ]);
    expect(plan.indicators.map((indicator) => [indicator.value, indicator.feeds])).toEqual([
      ['a.com', ['Feed-A', 'Feed-B']],
      ['b.com', ['Feed-A']],
    ]);
    expect(plan.superseded).toBe(1);
  });

  it('does not hunt an indicator a later tombstone removed while it was queued', () => {
    const plan = planRetroHunt([
      { key: 'domain-a.com', value: record('a.com') },
      { key: 'domain-b.com', value: record('b.com') },
      { key: 'domain-a.com', value: null },
    ]);
    expect(plan.indicators.map((indicator) => indicator.value)).toEqual(['b.com']);
    expect(plan).toMatchObject({ cancelled: 1, removed: 0 });
  });

  it('counts a tombstone of a key not queued as a removal, and hunts a key added again after its tombstone', () => {
    const plan = planRetroHunt([
      { key: 'domain-c.com', value: null },
      { key: 'domain-a.com', value: record('a.com') },
      { key: 'domain-a.com', value: null },
      { key: 'domain-a.com', value: record('a.com') },
    ]);
    expect(plan.indicators.map((indicator) => indicator.value)).toEqual(['a.com']);
    expect(plan).toMatchObject({ removed: 1, cancelled: 1 });
  });

  it('sets aside records that are not indicators, with why', () => {
    const plan = planRetroHunt([
      { key: 'domain-a.com', value: '{"key":"domain-a.com"' },
      { key: 'domain-x.com', value: record('a.com') },
      { key: undefined, value: '{}' },
    ]);
    expect(plan.indicators).toEqual([]);
    expect(plan.invalid.map((entry) => entry.key)).toEqual(['domain-a.com', 'domain-x.com', '']);
    expect(plan.invalid[1]?.detail).toBe('key differs from the record key');
  });

  it("passes over misp-sync's freshness record, which shares the topic", () => {
    const plan = planRetroHunt([{ key: SYNC_SENTINEL_KEY, value: 'v1 misp=1700000000/60' }, { key: SYNC_SENTINEL_KEY, value: null }]);
    expect(plan).toEqual({ indicators: [], removed: 0, cancelled: 0, superseded: 0, invalid: [] });
  });
});
