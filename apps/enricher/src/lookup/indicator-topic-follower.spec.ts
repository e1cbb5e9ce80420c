import fc from 'fast-check';
import { SYNC_SENTINEL_KEY } from '@iocflow/core';
import { fuzzRuns, hostileJson, hostileString } from '@iocflow/testing';
import { freshnessRecord, indicatorRecord, type TopicRecord } from '../../test/indicator-records';
import { RecordedTopicReader } from '../../test/unit/recorded-topic-reader';
import { IndicatorTopicFollower, type IgnoredRecordReason } from './indicator-topic-follower';
import { isIpRangeKey } from './ip-range-set';

const query = { kind: 'domain' as const, value: 'evil.example', parents: false };

describe('IndicatorTopicFollower', () => {
  it('keeps the freshness record beside the table, never as an indicator, and follows both live', async () => {
    const first = freshnessRecord({ misp: { lastSuccessAt: '2025-01-01T00:00:00.000Z', intervalMs: 60_000 } });
    const reader = new RecordedTopicReader([indicatorRecord('domain', 'evil.example', ['Feed-A']), first]);
    const follower = new IndicatorTopicFollower('iocs', () => reader);
    expect(follower.current).toBeUndefined();
    await follower.reload();
    expect(follower.current?.table.size).toBe(1);
    expect(follower.current?.freshness).toBe(first.value);
    const next = freshnessRecord({ misp: { lastSuccessAt: '2025-01-01T00:01:00.000Z', intervalMs: 60_000 } });
    await reader.push([next, { key: indicatorRecord('domain', 'evil.example', []).key, value: null }]);
    expect(follower.current?.freshness).toBe(next.value);
    expect(follower.current?.table.lookup(query)).toBeUndefined();
    await reader.push([{ key: SYNC_SENTINEL_KEY, value: null }]);
    expect(follower.current?.freshness).toBeUndefined();
  });

  it('builds a reload beside the serving table and swaps it in whole; a failed reload keeps the old one', async () => {
    const readers = [new RecordedTopicReader([indicatorRecord('domain', 'evil.example', ['Feed-Old'])]), new RecordedTopicReader([indicatorRecord('domain', 'evil.example', ['Feed-New'])])];
    let next = 0;
    const failures: unknown[] = [];
    const follower = new IndicatorTopicFollower('iocs', () => readers[next++] as RecordedTopicReader, { events: { readerFailed: (error) => failures.push(error) } });
    await follower.reload();
    const old = follower.current;
    await follower.reload();
    expect(follower.current).not.toBe(old);
    expect(follower.current?.table.lookup(query)?.feeds).toEqual(['Feed-New']);
    // The old reader was stopped only after the swap.
    expect(readers[0]?.stopped).toBe(true);
    const broken = new RecordedTopicReader([]);
    broken.failure = new Error('broker down');
    readers.push(broken);
    await expect(follower.reload()).rejects.toThrow('broker down');
    expect(failures).toHaveLength(1);
    expect(follower.current?.table.lookup(query)?.feeds).toEqual(['Feed-New']);
  });

  // Issue 11 in memcached mode: the IP-range follower (only range keys kept) reads every record it
  // keeps through readIndicatorRecord too; one bad range record never stops it following.
  it('range-only: contains each bad range record to itself, with its reason and offset', async () => {
    const range = indicatorRecord('ip', '10.0.0.0/8', ['Feed-R']);
    const broken = (key: string, value: string): TopicRecord => ({ key, value });
    const reader = new RecordedTopicReader([
      broken('ip-10.1.0.0/16', JSON.stringify({ ...(JSON.parse(range.value) as object), key: 'ip-10.1.0.0/16', value: '10.1.0.0/16', attributes: [null] })),
      broken('ip-10.2.0.0/16', '{"key":'),
      broken('domain-ignored.example', 'never parsed'),
      broken('ip-10.0.0.0/33', JSON.stringify({ ...(JSON.parse(range.value) as object), key: 'ip-10.0.0.0/33', value: '10.0.0.0/33' })),
      range,
      freshnessRecord({ misp: { lastSuccessAt: '2025-01-01T00:00:00.000Z', intervalMs: 60_000 } }),
    ]);
    const ignored: [string, IgnoredRecordReason, string][] = [];
    const follower = new IndicatorTopicFollower('iocs', () => reader, { keep: isIpRangeKey, events: { invalidRecord: (key, reason, _detail, offset) => ignored.push([key, reason, offset]) } });
    await follower.reload();
    expect(ignored).toEqual([
      ['ip-10.1.0.0/16', 'not_record', '0'],
      ['ip-10.2.0.0/16', 'not_json', '1'],
      ['ip-10.0.0.0/33', 'not_indexable', '3'],
    ]);
    expect(follower.current?.table.size).toBe(1);
    expect(follower.current?.freshness).toBeDefined();
    await reader.push([broken('ip-10.3.0.0/16', 'null'), indicatorRecord('ip', '10.4.0.0/16', ['Feed-S'])]);
    expect(ignored.at(-1)).toEqual(['ip-10.3.0.0/16', 'not_record', '6']);
    expect(follower.current?.table.lookup({ kind: 'ip', value: '10.4.1.1', parents: false })?.feeds).toEqual(['Feed-S']);
  });

  // Deliverable 4 for both modes: whatever the topic holds, a load completes, the followed table
  // holds only keys the mode keeps, every skipped record is reported once at most, and the
  // freshness record is the last value under the reserved key, whatever it says.
  it('any topic content, whole table or ranges only: a load completes and never throws (fast-check)', async () => {
    const rangeKey = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 40 })).map(([ip, bits]) => `ip-${ip}/${bits}`);
    const key = fc.oneof(rangeKey, fc.constant('ip-10.0.0.0/8'), fc.constant('domain-x.example'), fc.constant(SYNC_SENTINEL_KEY), hostileString(40));
    const value = (k: string): fc.Arbitrary<string | null> =>
      fc.oneof(
        fc.constant(null),
        hostileJson.map((json) => JSON.stringify(json) ?? 'null'),
        fc.record({ key: fc.oneof(fc.constant(k), hostileString(20)), kind: fc.constantFrom('ip', 'domain', 'nope'), value: fc.oneof(fc.constant(k.slice(3)), hostileString()), feeds: fc.oneof(fc.array(hostileString(20), { maxLength: 3 }), hostileJson), attributes: fc.oneof(fc.array(hostileJson, { maxLength: 3 }), hostileJson), updatedAt: fc.oneof(fc.string(), hostileJson) }, { requiredKeys: [] }).map((json) => JSON.stringify(json)),
        fc.constant(JSON.parse(indicatorRecord('ip', '10.0.0.0/8', ['F']).value) as object).map((json) => JSON.stringify({ ...json, key: k, value: k.slice(3) })),
      );
    const entry: fc.Arbitrary<TopicRecord> = key.chain((k) => value(k).map((v) => ({ key: k, value: v })));
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 12 }), fc.boolean(), async (records, rangesOnly) => {
        const ignored: string[] = [];
        const follower = new IndicatorTopicFollower('iocs', () => new RecordedTopicReader([...records]), { ...(rangesOnly ? { keep: isIpRangeKey } : {}), events: { invalidRecord: (k) => ignored.push(k) } });
        await follower.reload();
        const current = follower.current;
        expect(current).toBeDefined();
        const keptRecords = records.filter((record) => record.key !== SYNC_SENTINEL_KEY && (!rangesOnly || isIpRangeKey(record.key)) && record.value !== null);
        expect(ignored.length).toBeLessThanOrEqual(keptRecords.length);
        expect(current?.table.size ?? 0).toBeLessThanOrEqual(keptRecords.length);
        if (rangesOnly) expect(ignored.every(isIpRangeKey)).toBe(true);
        const lastSentinel = records.filter((record) => record.key === SYNC_SENTINEL_KEY).at(-1);
        expect(current?.freshness).toBe(lastSentinel?.value ?? undefined);
        expect(() => current?.table.lookup({ kind: 'ip', value: '10.0.0.1', parents: false })).not.toThrow();
      }),
      fuzzRuns(11_041, 300),
    );
  });
});
