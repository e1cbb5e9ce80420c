import { formatSyncSentinel, SYNC_SENTINEL_KEY } from '@iocflow/core';
import { IoError } from '@iocflow/io';
import fc from 'fast-check';
import { freshnessRecord, indicatorRecord } from '../../test/indicator-records';
import { RecordedTopicReader } from '../../test/unit/recorded-topic-reader';
import { IndicatorTopicFollower } from './indicator-topic-follower';
import type { LookupQuery } from './indicator-lookup';
import { IpRangeSet, isIpRangeKey } from './ip-range-set';
import { MemcachedIndicatorLookup, type MemcachedLookupOptions, type MemcachedReader } from './memcached.lookup';
import { StoreUnavailableError } from './store-unavailable.error';

/** A recorded key-value store standing in for memcached in this unit spec (the integration tier uses the real one). */
class RecordingStore implements MemcachedReader {
  readonly calls: string[][] = [];
  failure: Error | undefined;
  constructor(readonly data: Map<string, string>) {}
  async getMany(keys: readonly string[]): Promise<Map<string, string>> {
    this.calls.push([...keys]);
    if (this.failure) throw this.failure;
    return new Map(keys.flatMap((key) => (this.data.has(key) ? [[key, this.data.get(key) as string] as const] : [])));
  }
}

const NOW = Date.parse('2025-06-01T12:00:00Z');
const fresh = formatSyncSentinel({ lastSuccessAt: '2025-06-01T11:59:00Z', indicatorCount: 2 });

function setup(data: Record<string, string>, cacheTtlMs = 0, extra: Partial<MemcachedLookupOptions> = {}) {
  const store = new RecordingStore(new Map(Object.entries(data)));
  const lookup = new MemcachedIndicatorLookup(store, { maxStalenessMs: 15 * 60_000, cacheTtlMs, cacheMaxEntries: 1000, now: () => NOW, ...extra });
  return { store, lookup };
}

describe('MemcachedIndicatorLookup', () => {
  it('asks every distinct candidate key plus the sentinel in one multi-get and returns the most specific hit', async () => {
    const { store, lookup } = setup({ [SYNC_SENTINEL_KEY]: fresh, 'domain-evil.com': 'Feed-A', 'domain-b.evil.com': 'Feed-B,Feed-C', 'ip-1.2.3.4': "['Feed-X', 'Feed-Y']" });
    const matches = await lookup.resolve([
      { kind: 'domain', value: 'a.b.evil.com', parents: true },
      { kind: 'domain', value: 'x.evil.com', parents: true },
      { kind: 'domain', value: 'x.evil.com', parents: false },
      { kind: 'domain', value: 'notevil.com', parents: true },
      { kind: 'ip', value: '1.2.3.4', parents: false },
    ]);
    expect(store.calls).toHaveLength(1);
    expect(new Set(store.calls[0])).toEqual(
      new Set([SYNC_SENTINEL_KEY, 'domain-a.b.evil.com', 'domain-b.evil.com', 'domain-evil.com', 'domain-x.evil.com', 'domain-notevil.com', 'ip-1.2.3.4']),
    );
    expect(store.calls[0]).toHaveLength(7);
    expect(matches).toEqual([
      { kind: 'domain', indicator: 'b.evil.com', feeds: ['Feed-B', 'Feed-C'] },
      { kind: 'domain', indicator: 'evil.com', feeds: ['Feed-A'] },
      undefined,
      undefined,
      { kind: 'ip', indicator: '1.2.3.4', feeds: ['Feed-X', 'Feed-Y'] },
    ]);
    expect(lookup.status()).toEqual({ usable: true });
  });

  it('hashes an unsafe value into a safe key (the client would refuse it otherwise)', async () => {
    const { store, lookup } = setup({ [SYNC_SENTINEL_KEY]: fresh });
    await lookup.resolve([{ kind: 'uri', value: `/${'a'.repeat(300)}`, parents: false }]);
    for (const key of store.calls[0] ?? []) expect(key).toMatch(/^[\x21-\x7e]{1,250}$/);
  });

  it.each([
    ['missing', {}, 'STORE_EMPTY'],
    ['stale', { [SYNC_SENTINEL_KEY]: formatSyncSentinel({ lastSuccessAt: '2025-06-01T10:00:00Z', indicatorCount: 1 }) }, 'STORE_STALE'],
    ['malformed', { [SYNC_SENTINEL_KEY]: 'yes' }, 'STORE_STALE'],
  ])('refuses to answer when the sentinel is %s (no false "none")', async (_name, data, code) => {
    const { lookup } = setup(data);
    await expect(lookup.resolve([{ kind: 'domain', value: 'evil.com', parents: true }])).rejects.toMatchObject({ code });
    expect(lookup.status().usable).toBe(false);
  });

  it('reports an unreachable memcached as STORE_UNREACHABLE, and probe() recovers', async () => {
    const { store, lookup } = setup({ [SYNC_SENTINEL_KEY]: fresh });
    store.failure = new Error('connect ECONNREFUSED');
    const error = await lookup.resolve([{ kind: 'ip', value: '1.2.3.4', parents: false }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).code).toBe('STORE_UNREACHABLE');
    expect((await lookup.probe()).usable).toBe(false);
    store.failure = undefined;
    expect(await lookup.probe()).toEqual({ usable: true });
  });

  // Issue 11: a SERVER_ERROR reply crashed the enricher (a non-retriable error out of the batch).
  it.each([
    ['SERVER_ERROR (out of memory; mcrouter or twemproxy without its backend)', new IoError('MEMCACHED_REJECTED', 'memcached m:11211: SERVER_ERROR out of memory storing object'), 'STORE_REFUSED'],
    ['a reply that is not the protocol, or over MEMCACHED_MAX_REPLY_BYTES', new IoError('MEMCACHED_PROTOCOL', 'get reply over 16777216 bytes'), 'STORE_REFUSED'],
    ['a timeout', new IoError('MEMCACHED_TIMEOUT', 'no reply within 1000 ms'), 'STORE_UNREACHABLE'],
    ['a closed client', new IoError('CLOSED', 'client closed'), 'STORE_UNREACHABLE'],
  ])('holds on %s: a retriable StoreUnavailableError, never a crash', async (_name, failure, code) => {
    const { store, lookup } = setup({ [SYNC_SENTINEL_KEY]: fresh });
    store.failure = failure;
    const error = await lookup.resolve([{ kind: 'ip', value: '1.2.3.4', parents: false }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ code, retriable: true });
    expect(lookup.status().usable).toBe(false);
  });

  it('lets a key the client refuses surface as is: lookupKey makes every key safe, so that is a bug', async () => {
    const { store, lookup } = setup({ [SYNC_SENTINEL_KEY]: fresh });
    store.failure = new IoError('INVALID_KEY', 'memcached key is not printable ASCII');
    await expect(lookup.resolve([{ kind: 'ip', value: '1.2.3.4', parents: false }])).rejects.toMatchObject({ code: 'INVALID_KEY' });
  });

  it('answers keys asked again from the cache, hits and misses alike, but still reads the sentinel', async () => {
    const { store, lookup } = setup({ [SYNC_SENTINEL_KEY]: fresh, 'domain-evil.com': 'Feed-A' }, 5000);
    const queries: LookupQuery[] = [{ kind: 'domain', value: 'evil.com', parents: false }, { kind: 'domain', value: 'good.com', parents: false }];
    const first = await lookup.resolve(queries);
    // seen once: asked again, and now cached
    const second = await lookup.resolve(queries);
    const third = await lookup.resolve(queries);
    expect(store.calls).toEqual([
      [SYNC_SENTINEL_KEY, 'domain-evil.com', 'domain-good.com'],
      [SYNC_SENTINEL_KEY, 'domain-evil.com', 'domain-good.com'],
      [SYNC_SENTINEL_KEY],
    ]);
    for (const answers of [first, second, third]) expect(answers.map((m) => m?.feeds)).toEqual([['Feed-A'], undefined]);
  });

  it('answers every batch as without the cache, on random batches over a fixed store', () => {
    const values = ['evil.com', 'a.evil.com', 'b.a.evil.com', 'x.example.co.uk', 'example.co.uk', 'good.org', '10.0.0.1', 'https://evil.com/p?q=1'];
    const query = fc.record({ kind: fc.constantFrom<LookupQuery['kind']>('domain', 'ip', 'url'), value: fc.constantFrom(...values), parents: fc.boolean() });
    return fc.assert(
      fc.asyncProperty(fc.subarray(values), fc.array(fc.array(query, { maxLength: 8 }), { maxLength: 12 }), async (indicators, batches) => {
        const data: Record<string, string> = { [SYNC_SENTINEL_KEY]: fresh };
        for (const value of indicators) for (const kind of ['domain', 'ip', 'url']) data[`${kind}-${value}`] = `Feed-${value}`;
        const cached = setup(data, 60_000).lookup;
        const plain = setup(data, 0).lookup;
        for (const batch of batches) {
          // the pipeline hands distinct queries (BatchQueries), and parents only for domains
          const distinct = [...new Map(batch.map((q) => [`${q.kind} ${q.value} ${q.parents && q.kind === 'domain'}`, { ...q, parents: q.parents && q.kind === 'domain' }])).values()];
          expect(await cached.resolve(distinct)).toEqual(await plain.resolve(distinct));
        }
      }),
    );
  });

  it('expires cached answers after the TTL, and forgets them when the sentinel turns unusable', async () => {
    let now = NOW;
    const { store, lookup } = setup({ [SYNC_SENTINEL_KEY]: fresh, 'ip-1.2.3.4': 'Feed-A' }, 2000, { now: () => now });
    const queries: LookupQuery[] = [{ kind: 'ip', value: '1.2.3.4', parents: false }];
    await lookup.resolve(queries);
    await lookup.resolve(queries); // cached now, until now + 2000
    now += 1999;
    await lookup.resolve(queries);
    expect(store.calls.slice(2)).toEqual([[SYNC_SENTINEL_KEY]]);
    now += 1;
    store.data.delete('ip-1.2.3.4');
    expect((await lookup.resolve(queries))[0]).toBeUndefined();
    expect(store.calls[3]).toEqual([SYNC_SENTINEL_KEY, 'ip-1.2.3.4']);
    // cached again (a miss this time); a store that turns unusable drops it
    await lookup.resolve(queries);
    store.data.delete(SYNC_SENTINEL_KEY);
    await expect(lookup.resolve(queries)).rejects.toMatchObject({ code: 'STORE_EMPTY' });
    store.data.set(SYNC_SENTINEL_KEY, fresh);
    store.data.set('ip-1.2.3.4', 'Feed-B');
    expect((await lookup.resolve(queries))[0]?.feeds).toEqual(['Feed-B']);
  });

  it('judges each source of a format-2 sentinel against its own poll interval and names the one that missed it', async () => {
    const sentinel = (mispAgo: number) =>
      formatSyncSentinel({
        lastSuccessAt: new Date(NOW - 45 * 60_000).toISOString(),
        indicatorCount: 1,
        sources: { misp: { lastSuccessAt: new Date(NOW - mispAgo).toISOString(), intervalMs: 60_000 }, 'feed:A': { lastSuccessAt: new Date(NOW - 45 * 60_000).toISOString(), intervalMs: 3_600_000 } },
      });
    // The hourly feed polled 45 min ago is on schedule (a format-1 reader would hold here).
    expect(await setup({ [SYNC_SENTINEL_KEY]: sentinel(30_000) }).lookup.resolve([{ kind: 'domain', value: 'evil.com', parents: false }])).toEqual([undefined]);
    const { lookup } = setup({ [SYNC_SENTINEL_KEY]: sentinel(17 * 60_000) });
    await expect(lookup.resolve([{ kind: 'domain', value: 'evil.com', parents: false }])).rejects.toMatchObject({ code: 'STORE_STALE', message: expect.stringContaining('source misp missed its schedule') });
    expect(lookup.status().reason).toContain('source misp missed its schedule');
    expect(lookup.freshness().map((source) => [source.source, source.state])).toEqual([
      ['misp', 'stale'],
      ['feed:A', 'fresh'],
    ]);
  });

  describe('IP ranges kept in process beside the exact keys', () => {
    const topic = [
      indicatorRecord('ip', '10.77.0.0/16', ['Feed-Wide']),
      indicatorRecord('ip', '10.77.5.0/24', ['Feed-Narrow']),
      indicatorRecord('ip', '2001:db8:77::/48', ['Feed-V6']),
      indicatorRecord('ip', '10.77.5.9', ['Feed-Exact-Topic']),
      freshnessRecord({ misp: { lastSuccessAt: '2025-06-01T11:59:00Z', intervalMs: 60_000 } }),
    ];
    const ipQuery = (value: string) => ({ kind: 'ip' as const, value, parents: false });

    async function withRanges(data: Record<string, string>) {
      const ranges = new IpRangeSet(new IndicatorTopicFollower('iocs', () => new RecordedTopicReader([...topic]), { keep: isIpRangeKey }));
      const unchecked: number[] = [];
      const built = setup(data, 0, { ranges, rangesUnchecked: (count) => unchecked.push(count) });
      return { ...built, ranges, unchecked };
    }

    it('hold while the ranges load (STORE_LOADING), then match the longest prefix, IPv4 and IPv6; an exact key wins', async () => {
      const { lookup, ranges, store, unchecked } = await withRanges({ [SYNC_SENTINEL_KEY]: fresh, 'ip-10.77.5.9': 'Feed-Exact' });
      await expect(lookup.resolve([ipQuery('10.77.5.10')])).rejects.toMatchObject({ code: 'STORE_LOADING' });
      expect(store.calls).toHaveLength(0);
      expect(lookup.status()).toEqual({ usable: false, reason: 'IP ranges from iocs loading' });
      await ranges.load();
      const matches = await lookup.resolve([ipQuery('10.77.5.10'), ipQuery('10.77.200.1'), ipQuery('10.78.0.1'), ipQuery('2001:db8:77:1::5'), ipQuery('10.77.5.9'), { kind: 'domain', value: 'evil.com', parents: true }]);
      expect(matches.map((m) => m?.indicator)).toEqual(['10.77.5.0/24', '10.77.0.0/16', undefined, '2001:db8:77::/48', '10.77.5.9', undefined]);
      expect(matches[0]?.feeds).toEqual(['Feed-Narrow']);
      // The exact address is memcached's answer, not the topic's range or record.
      expect(matches[4]?.feeds).toEqual(['Feed-Exact']);
      expect(unchecked).toEqual([]);
      expect(lookup.status()).toEqual({ usable: true });
    });

    it('count the addresses they could not check while the topic is unreadable; the batch is answered', async () => {
      const reader = new RecordedTopicReader([...topic]);
      reader.failure = new Error('TOPIC_AUTHORIZATION_FAILED');
      const ranges = new IpRangeSet(new IndicatorTopicFollower('iocs', () => reader, { keep: isIpRangeKey }));
      const unchecked: number[] = [];
      const { lookup } = setup({ [SYNC_SENTINEL_KEY]: fresh, 'ip-1.2.3.4': 'Feed-X' }, 0, { ranges, rangesUnchecked: (count) => unchecked.push(count) });
      await ranges.load();
      const matches = await lookup.resolve([ipQuery('10.77.5.10'), ipQuery('1.2.3.4'), ipQuery('10.78.0.1'), { kind: 'domain', value: 'evil.com', parents: true }]);
      expect(matches.map((m) => m?.indicator)).toEqual([undefined, '1.2.3.4', undefined, undefined]);
      expect(unchecked).toEqual([2]);
      // Ready, and readiness says what is not matched.
      expect(lookup.status()).toEqual({ usable: true, reason: 'IP ranges are not matched: iocs cannot be read (TOPIC_AUTHORIZATION_FAILED); retrying' });
    });

    it('count them when ranges are off, and count nothing when the topic simply holds no range', async () => {
      const off: number[] = [];
      await setup({ [SYNC_SENTINEL_KEY]: fresh }, 0, { ranges: new IpRangeSet(undefined), rangesUnchecked: (count) => off.push(count) }).lookup.resolve([ipQuery('10.0.0.1')]);
      expect(off).toEqual([1]);
      const none: number[] = [];
      const empty = new IpRangeSet(new IndicatorTopicFollower('iocs', () => new RecordedTopicReader([indicatorRecord('domain', 'evil.example', ['Feed-D'])]), { keep: isIpRangeKey }));
      await empty.load();
      await setup({ [SYNC_SENTINEL_KEY]: fresh }, 0, { ranges: empty, rangesUnchecked: (count) => none.push(count) }).lookup.resolve([ipQuery('10.0.0.1')]);
      expect(none).toEqual([]);
    });
  });
});
