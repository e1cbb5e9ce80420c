import type { IndicatorRecord } from '../indicator-record';
import { SYNC_SENTINEL_KEY } from '../lookup-key';
import { readIndicatorRecord } from '../read-indicator-record';

/** One record of the indicator topic as the retro-hunt reads it: its key and value (null = tombstone). */
export interface IndicatorTopicEntry {
  readonly key: string | undefined;
  readonly value: string | null;
}

export interface RetroHuntPlan {
  /** The indicators to hunt, the latest record of each key, in the order their keys first queued. */
  readonly indicators: readonly IndicatorRecord[];
  /** Tombstones of keys not queued in this batch: a removal, nothing to hunt. */
  readonly removed: number;
  /** Records a later tombstone of the same key in the batch cancelled: removed while queued, not hunted. */
  readonly cancelled: number;
  /** Records a later record of the same key in the batch replaced (hunted once, as the latest). */
  readonly superseded: number;
  /** Records that cannot be read as an indicator (`readIndicatorRecord`), with why. */
  readonly invalid: readonly { readonly key: string; readonly detail: string }[];
}

/**
 * What one batch of the indicator topic (`IOC_TOPIC`, compacted, keyed by lookup key) asks the
 * retro-hunt to do. Every added or changed indicator is hunted once, as its latest record in the
 * batch; a tombstone that comes after a key's record cancels it (an indicator removed while
 * queued is not hunted); a record after a tombstone queues the key again. The topic is keyed, so
 * every record of one key is in one partition, and a batch is one partition's records in order.
 * misp-sync's freshness record (key `SYNC_SENTINEL_KEY`) shares the topic and is passed over.
 */
export function planRetroHunt(entries: readonly IndicatorTopicEntry[]): RetroHuntPlan {
  const queued = new Map<string, IndicatorRecord>();
  const invalid: { key: string; detail: string }[] = [];
  let removed = 0;
  let cancelled = 0;
  let superseded = 0;
  for (const entry of entries) {
    const key = entry.key ?? '';
    if (key === SYNC_SENTINEL_KEY) continue;
    if (entry.value === null) {
      if (queued.delete(key)) cancelled++;
      else removed++;
      continue;
    }
    const read = readIndicatorRecord(key, entry.value);
    if (!read.ok) {
      invalid.push({ key, detail: read.detail });
      continue;
    }
    if (queued.has(key)) superseded++;
    // Map.set on a queued key replaces its record and keeps its place in the order
    queued.set(key, read.record);
  }
  return { indicators: [...queued.values()], removed, cancelled, superseded, invalid };
}
