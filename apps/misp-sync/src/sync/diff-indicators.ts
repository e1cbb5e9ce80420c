import type { IndicatorRecord } from '@iocflow/core';
import { sameIndicator } from './apply-attribute';
import type { IndicatorChange } from './indicator-state';
import { storeEntries } from './store-entries';

/** What one batch of changes means for the two sinks. */
export interface IndicatorDiff {
  /** memcached keys to (over)write with their new value. */
  readonly sets: ReadonlyMap<string, string>;
  /** memcached keys to delete. */
  readonly deletes: readonly string[];
  /** Indicator-topic records: the full new record, or null (a tombstone) for a removed key. */
  readonly records: readonly { readonly key: string; readonly value: IndicatorRecord | null }[];
  readonly added: number;
  readonly updated: number;
  readonly removed: number;
}

/**
 * Turn staged changes into sink operations. Every changed record goes to the topic (it carries the
 * full contributions, so the topic alone rebuilds the state); memcached is written only where a
 * value actually changed — a new timestamp on an attribute of an unchanged feed set costs no write.
 * A key that is deleted by one record and set by another in the same batch is set.
 */
export function diffIndicators(changes: readonly IndicatorChange[], seedCompat: boolean): IndicatorDiff {
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  const records: { key: string; value: IndicatorRecord | null }[] = [];
  let added = 0;
  let updated = 0;
  let removed = 0;
  for (const change of changes) {
    if (sameIndicator(change.before, change.after)) continue;
    if (change.before === undefined) added++;
    else if (change.after === undefined) removed++;
    else updated++;
    records.push({ key: change.key, value: change.after ?? null });
    if (change.before !== undefined) for (const [key, value] of storeEntries(change.before, seedCompat)) before.set(key, value);
    if (change.after !== undefined) for (const [key, value] of storeEntries(change.after, seedCompat)) after.set(key, value);
  }
  const sets = new Map<string, string>();
  for (const [key, value] of after) if (before.get(key) !== value) sets.set(key, value);
  const deletes = [...before.keys()].filter((key) => !after.has(key));
  return { sets, deletes, records, added, updated, removed };
}
