import { DEFAULT_FEED_FALLBACK, lookupKey, parseFeeds, SYNC_SENTINEL_KEY, type SourceFreshness } from '@iocflow/core';
import { isIoError } from '@iocflow/io';
import { candidateValues, hasParentCandidates } from './candidate-values';
import { FreshnessJudge } from './freshness-judge';
import type { IndicatorLookup, IndicatorMatch, LookupQuery, StoreStatus } from './indicator-lookup';
import type { IpRangeSet } from './ip-range-set';
import { SeenFilter } from './seen-filter';
import { StoreUnavailableError } from './store-unavailable.error';
import { TtlCache } from './ttl-cache';

/** The part of MemcachedClient this store uses. */
export interface MemcachedReader {
  /** `keysDistinct`: the caller asks each key once (the client then builds no set of them). */
  getMany(keys: readonly string[], keysDistinct?: boolean): Promise<Map<string, string>>;
}

export interface MemcachedLookupOptions {
  /**
   * ENRICHER_MAX_STALENESS: a source of the sync sentinel that is this much past its own
   * schedule (last success + poll interval) makes the store unusable (no false "none").
   */
  readonly maxStalenessMs: number;
  /** In-process cache of answers (hits and misses); 0 disables it. */
  readonly cacheTtlMs: number;
  readonly cacheMaxEntries: number;
  readonly now?: () => number;
  /** The IP ranges kept in process (memcached holds exact keys only); absent = never matched. */
  readonly ranges?: IpRangeSet;
  /** Called per batch with how many addresses missed their exact key and could not be checked against ranges. */
  readonly rangesUnchecked?: (count: number) => void;
}

/**
 * The memcached store written by misp-sync: `<kind>-<value>` → comma-joined feed names.
 *
 * Per batch: every candidate key of every query (the value and, for domains, its parents),
 * deduplicated, minus what the short-TTL cache answers (a value enters it when asked again:
 * SeenFilter), plus the sync sentinel, in ONE
 * `getMany` (the client splits it into pipelined 500-key gets per server). The sentinel rides
 * along in the same round trip, so each answer is judged against the sentinel read with it:
 * missing → STORE_EMPTY, too old → STORE_STALE, memcached error → STORE_UNREACHABLE.
 * Keys come from the shared `lookupKey`, which hashes unsafe values; the client refuses any
 * unsafe key again before writing to the socket.
 *
 * IP ranges: an address that missed its exact key is matched against the ranges kept in process
 * (`IpRangeSet`, longest prefix first, as table mode), so an exact indicator always wins over a
 * range. While the ranges load the batch holds (STORE_LOADING); when they are not followed (off,
 * or the topic unreadable) the misses are counted through `rangesUnchecked`, never silently.
 */
export class MemcachedIndicatorLookup implements IndicatorLookup {
  readonly mode = 'memcached';
  /** Stored value, or null for a known miss. */
  private readonly cache: TtlCache<string | null>;
  /** Values seen before: only those are probed in and stored into the cache (absent when the cache is off). */
  private readonly seen: SeenFilter | undefined;
  private readonly now: () => number;
  private readonly judge: FreshnessJudge;
  private current: StoreStatus = { usable: false, reason: 'not checked yet' };

  constructor(
    private readonly client: MemcachedReader,
    private readonly options: MemcachedLookupOptions,
  ) {
    this.cache = new TtlCache(options.cacheTtlMs, options.cacheMaxEntries);
    this.seen = options.cacheTtlMs > 0 && options.cacheMaxEntries > 0 ? new SeenFilter() : undefined;
    this.now = options.now ?? Date.now;
    this.judge = new FreshnessJudge(options.maxStalenessMs, 'sync sentinel', 'the store is empty or was never synced');
  }

  /** The sentinel's verdict; while the ranges load, unusable; while they are not matched (off, unreadable), usable with a reason that says so. */
  status(): StoreStatus {
    const ranges = this.options.ranges;
    const detail = ranges?.detail;
    if (ranges?.state === 'loading') return { usable: false, reason: detail ?? 'IP ranges loading' };
    if (detail !== undefined && this.current.usable) return { usable: true, reason: detail };
    return this.current;
  }

  /** Per source of the sync sentinel, as last judged. */
  freshness(): readonly SourceFreshness[] {
    return this.judge.sources;
  }

  /** Reads only the sentinel (readiness between batches); never throws. */
  async probe(): Promise<StoreStatus> {
    try {
      const values = await this.client.getMany([SYNC_SENTINEL_KEY]);
      this.judgeSentinel(values.get(SYNC_SENTINEL_KEY), this.now());
    } catch (error) {
      this.current = { usable: false, reason: unreachableReason(error) };
    }
    return this.status();
  }

  async resolve(queries: readonly LookupQuery[]): Promise<(IndicatorMatch | undefined)[]> {
    const now = this.now();
    const ranges = this.options.ranges;
    if (ranges?.state === 'loading') throw new StoreUnavailableError('STORE_LOADING', ranges.detail ?? 'IP ranges loading');
    // Per candidate of every query, in one flat array: the cached answer (the stored value, or
    // null for a known miss) or, when asked in this batch's multi-get, its index in `wanted`.
    // The cache is probed with the candidate value itself (one namespace per kind), and only
    // for a value the filter saw before; a key string is built only once per value memcached
    // is asked. The batch's queries are distinct (BatchQueries), so only domains, whose parent
    // candidates overlap, are deduplicated again here (asking a key twice would only cost).
    const wanted: string[] = [SYNC_SENTINEL_KEY];
    // (index 0 is the sentinel: its value, kind and flag are never read)
    const wantedValues: string[] = [''];
    const wantedKinds: LookupQuery['kind'][] = ['domain'];
    /** Per key asked: whether its answer goes into the cache (the filter had seen its value). */
    const wantedCached: boolean[] = [false];
    const askedDomains = new Map<string, number>();
    const answers: (string | number | null)[] = [];
    // the parent candidates of a domain query that has some; undefined: the query's value alone
    const candidatesPerQuery = new Array<readonly string[] | undefined>(queries.length);
    const cache = this.cache;
    const seen = this.seen;
    const answerOf = (kind: LookupQuery['kind'], value: string): string | number | null => {
      const isDomain = kind === 'domain';
      if (isDomain) {
        const index = askedDomains.get(value);
        if (index !== undefined) return index === -1 ? null : index;
      }
      let cacheIt = false;
      if (seen !== undefined && seen.seenBefore(value, kind)) {
        const cached = cache.get(value, now, kind);
        if (cached !== undefined) return cached;
        cacheIt = true;
      }
      const key = lookupKey(kind, value);
      // a value whose key is the sentinel's is never an indicator (answered as a miss, never cached)
      const index = key === SYNC_SENTINEL_KEY ? -1 : wanted.length;
      if (index !== -1) {
        wanted.push(key);
        wantedValues.push(value);
        wantedKinds.push(kind);
        wantedCached.push(cacheIt);
      }
      if (isDomain) askedDomains.set(value, index);
      return index === -1 ? null : index;
    };
    for (let q = 0; q < queries.length; q++) {
      const query = queries[q] as LookupQuery;
      if (!hasParentCandidates(query)) {
        answers.push(answerOf(query.kind, query.value));
        continue;
      }
      const candidates = candidateValues(query);
      for (let c = 0; c < candidates.length; c++) answers.push(answerOf(query.kind, candidates[c] as string));
      candidatesPerQuery[q] = candidates;
    }
    let values: Map<string, string>;
    try {
      // distinct: the batch's queries are (BatchQueries), domains deduplicated above
      values = await this.client.getMany(wanted, true);
    } catch (error) {
      // Every failure of memcached is the store's, never the batch's: held and retried, never a
      // crash. Only a key the client refuses is ours (lookupKey makes every key safe, so a bug).
      if (isIoError(error, 'INVALID_KEY')) throw error;
      const refused = isIoError(error, 'MEMCACHED_REJECTED') || isIoError(error, 'MEMCACHED_PROTOCOL');
      this.current = { usable: false, reason: refused ? `memcached refused: ${error instanceof Error ? error.message : String(error)}` : unreachableReason(error) };
      throw new StoreUnavailableError(refused ? 'STORE_REFUSED' : 'STORE_UNREACHABLE', this.current.reason ?? 'memcached failed', { cause: error });
    }
    const verdict = this.judgeSentinel(values.get(SYNC_SENTINEL_KEY), now);
    if (!verdict.usable) {
      // The answers may come from an expired or flushed store: forget what was cached from it too.
      this.cache.clear();
      throw new StoreUnavailableError(verdict.code, verdict.reason);
    }
    const replies = new Array<string | undefined>(wanted.length);
    for (let w = 1; w < wanted.length; w++) {
      const value = values.get(wanted[w] as string);
      replies[w] = value;
      if (wantedCached[w] === true) cache.set(wantedValues[w] as string, value ?? null, now, wantedKinds[w]);
    }
    const matches = new Array<IndicatorMatch | undefined>(queries.length);
    // Ranges as of this batch: one table for all its queries (a reload swaps the reference).
    const rangeTable = ranges?.table();
    const checkRanges = rangeTable !== undefined && rangeTable.size > 0;
    let unchecked = 0;
    let slot = 0;
    for (let q = 0; q < queries.length; q++) {
      const query = queries[q] as LookupQuery;
      const candidates = candidatesPerQuery[q];
      const count = candidates === undefined ? 1 : candidates.length;
      let match: IndicatorMatch | undefined;
      for (let c = 0; c < count; c++) {
        const answer = answers[slot + c];
        const stored = typeof answer === 'number' ? replies[answer] : answer;
        if (stored === undefined || stored === null) continue;
        const feeds = parseFeeds(stored);
        match = { kind: query.kind, indicator: candidates === undefined ? query.value : (candidates[c] as string), feeds: feeds.length > 0 ? feeds : [DEFAULT_FEED_FALLBACK] };
        break;
      }
      slot += count;
      if (match === undefined && query.kind === 'ip') {
        // The range table holds ranges only: its lookup goes straight to the longest prefix.
        if (checkRanges) match = rangeTable.lookup(query);
        else if (rangeTable === undefined) unchecked++;
      }
      matches[q] = match;
    }
    if (unchecked > 0) this.options.rangesUnchecked?.(unchecked);
    return matches;
  }

  private judgeSentinel(sentinel: string | undefined, now: number): ReturnType<FreshnessJudge['judge']> {
    const verdict = this.judge.judge(sentinel, now);
    this.current = verdict.usable ? { usable: true } : { usable: false, reason: verdict.reason };
    return verdict;
  }
}


function unreachableReason(error: unknown): string {
  return `memcached unreachable: ${error instanceof Error ? error.message : String(error)}`;
}
