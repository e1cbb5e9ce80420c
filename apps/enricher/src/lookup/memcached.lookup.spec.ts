import { formatSyncSentinel, SYNC_SENTINEL_KEY } from '@iocflow/core';
import { IoError } from '@iocflow/io';
import { MemcachedIndicatorLookup, type MemcachedReader } from './memcached.lookup';
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

function setup(data: Record<string, string>, cacheTtlMs = 0) {
  const store = new RecordingStore(new Map(Object.entries(data)));
  const lookup = new MemcachedIndicatorLookup(store, { maxStalenessMs: 15 * 60_000, cacheTtlMs, cacheMaxEntries: 1000, now: () => NOW });
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

  it('answers repeated keys from the cache, hits and misses alike, but still reads the sentinel', async () => {
    const { store, lookup } = setup({ [SYNC_SENTINEL_KEY]: fresh, 'domain-evil.com': 'Feed-A' }, 5000);
    await lookup.resolve([{ kind: 'domain', value: 'evil.com', parents: false }, { kind: 'domain', value: 'good.com', parents: false }]);
    const again = await lookup.resolve([{ kind: 'domain', value: 'evil.com', parents: false }, { kind: 'domain', value: 'good.com', parents: false }]);
    expect(store.calls[1]).toEqual([SYNC_SENTINEL_KEY]);
    expect(again.map((m) => m?.feeds)).toEqual([['Feed-A'], undefined]);
  });
});
