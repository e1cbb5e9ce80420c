import type { SourceFreshness } from '@iocflow/core';
import type { KafkaTopicReaderPort } from '@iocflow/io';
import { FreshnessJudge } from './freshness-judge';
import type { IndicatorLookup, IndicatorMatch, LookupQuery, StoreStatus } from './indicator-lookup';
import { IndicatorTopicFollower, type TopicFollowerEvents } from './indicator-topic-follower';
import { StoreUnavailableError } from './store-unavailable.error';

export type TableLookupEvents = TopicFollowerEvents;

export interface TableLookupOptions {
  /** ENRICHER_MAX_STALENESS: the slack beyond each source's own poll interval. */
  readonly maxStalenessMs: number;
  readonly now?: () => number;
}

/**
 * Table mode: an in-memory index of the compacted indicator topic, no network per lookup
 * (loaded and followed by `IndicatorTopicFollower`: two-phase load, swap, live changes).
 *
 * Guarded like memcached mode: the topic's freshness record (misp-sync's sync sentinel under its
 * reserved key, rewritten after every successful run and as a heartbeat) is judged per source
 * against its own schedule, at every batch. Until the first load completes the store is
 * unusable (STORE_LOADING); without a freshness record it is STORE_EMPTY; once a source missed
 * its schedule — misp-sync died, or this follower stopped receiving — it is STORE_STALE, and the
 * pipeline holds or marks `unknown` instead of answering a false "none" from old data.
 */
export class TableIndicatorLookup implements IndicatorLookup {
  readonly mode = 'table';
  private readonly follower: IndicatorTopicFollower;
  private readonly judge: FreshnessJudge;
  private readonly now: () => number;

  constructor(
    private readonly topic: string,
    createReader: () => KafkaTopicReaderPort,
    options: TableLookupOptions,
    events: TableLookupEvents = {},
  ) {
    this.follower = new IndicatorTopicFollower(topic, createReader, { events });
    this.judge = new FreshnessJudge(options.maxStalenessMs, `IOC topic ${topic} freshness record`, 'misp-sync has not written one to this topic yet (an older misp-sync, or no sync completed)');
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.follower.current?.table.size ?? 0;
  }

  get rangeCount(): number {
    return this.follower.current?.table.rangeCount ?? 0;
  }

  /** Per source, as last judged. */
  freshness(): readonly SourceFreshness[] {
    return this.judge.sources;
  }

  status(): StoreStatus {
    const current = this.follower.current;
    if (current === undefined) return { usable: false, reason: `indicator topic ${this.topic} not loaded yet` };
    const verdict = this.judge.judge(current.freshness, this.now());
    return verdict.usable ? { usable: true } : { usable: false, reason: verdict.reason };
  }

  async resolve(queries: readonly LookupQuery[]): Promise<(IndicatorMatch | undefined)[]> {
    const current = this.follower.current;
    if (current === undefined) throw new StoreUnavailableError('STORE_LOADING', `indicator topic ${this.topic} not loaded yet`);
    const verdict = this.judge.judge(current.freshness, this.now());
    if (!verdict.usable) throw new StoreUnavailableError(verdict.code, verdict.reason);
    const table = current.table;
    return queries.map((query) => table.lookup(query));
  }

  reload(): Promise<void> {
    return this.follower.reload();
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }
}
