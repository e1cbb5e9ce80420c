import type { IndicatorRecord, ObservableKind } from '@iocflow/core';
import type { AttributeEntry, AttributeUpdate } from '../sync/apply-attribute';
import type { IndicatorStateView } from '../sync/indicator-state';
import type { ExpiryPolicy } from './expiry-policy';

export interface ExpiredUpdates {
  /** One update per attribute with an expired contribution: the keys it keeps (maybe none). */
  readonly updates: readonly AttributeUpdate[];
  /** Contributions that expired, by kind. */
  readonly byKind: ReadonlyMap<ObservableKind, number>;
}

/**
 * The expiry sweep's decision over the held indicators: each attribute with a contribution past
 * its kind's maximum age becomes an update that keeps only its other keys (a `domain|ip` whose ip
 * expired keeps its domain), so applying it removes the expired ones as a deletion would. The
 * update carries the attribute's held timestamp, so it is never taken for a stale one. Pure: the
 * state is read, never changed.
 */
export function expiredUpdates(records: Iterable<IndicatorRecord>, state: IndicatorStateView, expiry: ExpiryPolicy, nowSec: number): ExpiredUpdates {
  const expiredKeys = new Map<string, Set<string>>();
  for (const record of records) {
    for (const attribute of record.attributes) {
      if (!expiry.isExpired(record.kind, attribute.timestamp, nowSec)) continue;
      let keys = expiredKeys.get(attribute.attributeUuid);
      if (keys === undefined) expiredKeys.set(attribute.attributeUuid, (keys = new Set()));
      keys.add(record.key);
    }
  }
  const updates: AttributeUpdate[] = [];
  const byKind = new Map<ObservableKind, number>();
  for (const [uuid, expired] of expiredKeys) {
    const entries: AttributeEntry[] = [];
    let timestamp = 0;
    for (const key of state.keysOfAttribute(uuid)) {
      const record = state.get(key);
      const contribution = record?.attributes.find((attribute) => attribute.attributeUuid === uuid);
      if (record === undefined || contribution === undefined) continue;
      timestamp = Math.max(timestamp, contribution.timestamp);
      if (expired.has(key)) byKind.set(record.kind, (byKind.get(record.kind) ?? 0) + 1);
      else entries.push({ key, kind: record.kind, value: record.value, contribution });
    }
    updates.push({ uuid, timestamp, entries });
  }
  return { updates, byKind };
}
