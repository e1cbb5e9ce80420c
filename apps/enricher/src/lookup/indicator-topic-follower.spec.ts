import { SYNC_SENTINEL_KEY } from '@iocflow/core';
import { freshnessRecord, indicatorRecord } from '../../test/indicator-records';
import { RecordedTopicReader } from '../../test/unit/recorded-topic-reader';
import { IndicatorTopicFollower } from './indicator-topic-follower';

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
});
