import { SYNC_SENTINEL_KEY, type IndicatorRecord } from '@iocflow/core';
import type { MemcachedClient, MemcachedEntry } from '@iocflow/io';
import type { IndicatorDiff } from './diff-indicators';
import { judgeStoreStats, type StoreProblem, type StoreServerStats } from './judge-store-stats';
import { storeEntries } from './store-entries';
import type { IndicatorStorePort } from './sync-ports';

/** Entries per setMany call while repopulating, so one call never holds the whole store in memory twice. */
const REPOPULATE_CHUNK = 5000;

/**
 * memcached as the enricher (and the seed's Logstash filter) reads it: `<kind>-<value>` → feeds,
 * optional seed-compatible keys, and the sync sentinel. Keys never carry a TTL: they leave only when
 * a removal deletes them, so MISP being unreachable can never empty the store.
 */
export class IndicatorStoreSink implements IndicatorStorePort {
  private lastStats: StoreServerStats[] | undefined;

  constructor(
    private readonly memcached: MemcachedClient,
    private readonly seedCompat: boolean,
  ) {}

  async apply(diff: IndicatorDiff): Promise<void> {
    if (diff.sets.size > 0) await this.memcached.setMany([...diff.sets].map(([key, value]) => ({ key, value })));
    if (diff.deletes.length > 0) await this.memcached.deleteMany(diff.deletes);
  }

  /** The sync sentinel's text (`formatSyncSentinel`), under its reserved key. */
  async writeSentinel(sentinel: string): Promise<void> {
    await this.memcached.set(SYNC_SENTINEL_KEY, sentinel);
  }

  /**
   * Compare `stats` with the last look; when a server restarted, evicted, or holds fewer items than
   * the state has keys, write every key again from `records`. Returns the problem it repaired.
   */
  async checkAndRepair(records: () => Iterable<IndicatorRecord>, expectedItems: number): Promise<StoreProblem | undefined> {
    const current = await this.readStats();
    const problem = judgeStoreStats(this.lastStats, current, expectedItems);
    if (problem !== undefined) {
      await this.repopulate(records());
      this.lastStats = await this.readStats();
    } else {
      this.lastStats = current;
    }
    return problem;
  }

  /** Write every entry of every record (idempotent `set`s). */
  async repopulate(records: Iterable<IndicatorRecord>): Promise<number> {
    let chunk: MemcachedEntry[] = [];
    let written = 0;
    for (const record of records) {
      for (const [key, value] of storeEntries(record, this.seedCompat)) chunk.push({ key, value });
      if (chunk.length >= REPOPULATE_CHUNK) {
        await this.memcached.setMany(chunk);
        written += chunk.length;
        chunk = [];
      }
    }
    if (chunk.length > 0) await this.memcached.setMany(chunk);
    return written + chunk.length;
  }

  private async readStats(): Promise<StoreServerStats[]> {
    const all = await this.memcached.statsAll();
    return [...all].map(([server, stats]) => ({
      server,
      pid: Number(stats['pid'] ?? -1),
      uptime: Number(stats['uptime'] ?? 0),
      currItems: Number(stats['curr_items'] ?? 0),
      evictions: Number(stats['evictions'] ?? 0),
    }));
  }
}
