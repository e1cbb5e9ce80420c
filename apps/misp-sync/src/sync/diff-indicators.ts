import type { IndicatorRecord } from '@iocflow/core';
import { sameIndicator } from './apply-attribute';
import { capIndicatorRecord } from './cap-indicator-record';
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
  /** Topic records whose contributions were capped (IOC_MAX_RECORD_BYTES). */
  readonly capped: number;
  /** memcached entries not written: over MEMCACHED_MAX_VALUE_BYTES (the key keeps what it held). */
  readonly oversizedValues: number;
}

/** The sinks' size limits (IOC_MAX_RECORD_BYTES, MEMCACHED_MAX_VALUE_BYTES); absent = unbounded. */
export interface DiffLimits {
  readonly maxRecordBytes?: number;
  readonly maxStoreValueBytes?: number;
}

/**
 * Turn staged changes into sink operations. Every changed record goes to the topic (it carries the
 * full contributions, so the topic alone rebuilds the state); memcached is written only where a
 * value actually changed — a new timestamp on an attribute of an unchanged feed set costs no write.
 * A key that is deleted by one record and set by another in the same batch is set.
 *
 * Limits: a topic record over `maxRecordBytes` keeps its most recent contributions
 * (capIndicatorRecord; its feeds stay complete); a memcached entry over `maxStoreValueBytes` is not
 * written (the key keeps its previous value, a hit stays a hit) and counted.
 */
export function diffIndicators(changes: readonly IndicatorChange[], seedCompat: boolean, limits: DiffLimits = {}): IndicatorDiff {
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  const records: { key: string; value: IndicatorRecord | null }[] = [];
  let added = 0;
  let updated = 0;
  let removed = 0;
  let cappedRecords = 0;
  for (const change of changes) {
    if (sameIndicator(change.before, change.after)) continue;
    if (change.before === undefined) added++;
    else if (change.after === undefined) removed++;
    else updated++;
    if (change.after !== undefined && limits.maxRecordBytes !== undefined) {
      const capped = capIndicatorRecord(change.after, limits.maxRecordBytes);
      if (capped.omitted > 0) cappedRecords++;
      records.push({ key: change.key, value: capped.record });
    } else {
      records.push({ key: change.key, value: change.after ?? null });
    }
    if (change.before !== undefined) storeEntries(change.before, seedCompat, before);
    if (change.after !== undefined) storeEntries(change.after, seedCompat, after);
  }
  const sets = new Map<string, string>();
  let oversizedValues = 0;
  for (const [key, value] of after) {
    if (before.get(key) === value) continue;
    // memcached would refuse it (SERVER_ERROR object too large) and fail the run: not written, counted.
    if (limits.maxStoreValueBytes !== undefined && key.length + Buffer.byteLength(value, 'utf8') > limits.maxStoreValueBytes) oversizedValues++;
    else sets.set(key, value);
  }
  const deletes = [...before.keys()].filter((key) => !after.has(key));
  return { sets, deletes, records, added, updated, removed, capped: cappedRecords, oversizedValues };
}
