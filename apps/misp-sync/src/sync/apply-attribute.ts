import type { AttributeContribution, IndicatorRecord, ObservableKind } from '@iocflow/core';
import { MAX_FEEDS_PER_INDICATOR, type IndicatorLimit } from './indicator-limits';
import type { StagedIndicators } from './indicator-state';

/** One lookup key an attribute contributes to, with what it contributes. */
export interface AttributeEntry {
  readonly key: string;
  readonly kind: ObservableKind;
  readonly value: string;
  readonly contribution: AttributeContribution;
}

/**
 * The current truth about one attribute, identified by uuid: the keys it contributes to now.
 * `entries` is empty when the attribute is deleted, has to_ids off, has an unsupported type or an
 * invalid value — all of which remove whatever it contributed before.
 */
export interface AttributeUpdate {
  readonly uuid: string;
  /** The attribute's MISP timestamp (seconds); an update older than what is held is stale, unless it is a removal. */
  readonly timestamp: number;
  readonly entries: readonly AttributeEntry[];
  /** Limits that changed what the attribute contributes (cut event info, dropped tags or feeds). */
  readonly limits?: readonly IndicatorLimit[];
}

/**
 * Apply one attribute to a staged batch: drop its contribution from keys it no longer reaches,
 * replace it in the keys it reaches. A key's feeds are the union of its contributions' feeds; a key
 * left without contributions is removed. Records that would not change are not staged, so
 * re-applying the same attribute (an overlapping cursor, a replayed notification) is a no-op.
 * An update older than the contribution held for the same uuid is ignored: a REST page read before
 * a live notification must not undo it (returns false then). A removal (no entries: deleted,
 * to_ids off, no longer valid, gone from MISP or a feed) always applies, whatever timestamp is
 * held: a timestamp from the future (held within the clock-skew margin) must never make an
 * indicator impossible to remove. The price is a rare race — a stale page saying "deleted" applied
 * after a notification that undeleted — which the next incremental pull heals (the undelete's
 * timestamp is at or after the cursor).
 */
export function applyAttribute(staged: StagedIndicators, update: AttributeUpdate, updatedAt: string): boolean {
  const heldKeys = staged.keysOfAttribute(update.uuid);
  if (update.entries.length > 0) {
    for (const key of heldKeys) {
      const held = staged.get(key)?.attributes.find((attribute) => attribute.attributeUuid === update.uuid);
      if (held !== undefined && held.timestamp > update.timestamp) return false;
    }
  }
  const nextKeys = new Map<string, AttributeEntry>();
  for (const entry of update.entries) if (!nextKeys.has(entry.key)) nextKeys.set(entry.key, entry);

  for (const key of heldKeys) {
    if (nextKeys.has(key)) continue;
    const current = staged.get(key);
    if (current === undefined) continue;
    const attributes = current.attributes.filter((attribute) => attribute.attributeUuid !== update.uuid);
    staged.put(key, attributes.length === 0 ? undefined : withAttributes(current, attributes, updatedAt));
  }

  for (const [key, entry] of nextKeys) {
    const current = staged.get(key);
    if (current === undefined) {
      // A new key (nearly every key of a first full sync): one contribution, nothing to merge.
      staged.put(key, withAttributes(entry, [entry.contribution], updatedAt));
      continue;
    }
    const attributes = current.attributes.filter((attribute) => attribute.attributeUuid !== update.uuid);
    attributes.push(entry.contribution);
    const next = withAttributes(current, attributes, updatedAt);
    if (!sameIndicator(current, next)) staged.put(key, next);
  }

  staged.setKeysOfAttribute(update.uuid, [...nextKeys.keys()]);
  return true;
}

/** Two records describe the same indicator state (the change time is not part of it). */
export function sameIndicator(a: IndicatorRecord | undefined, b: IndicatorRecord | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.key !== b.key || a.kind !== b.kind || a.value !== b.value) return false;
  if (!sameList(a.feeds, b.feeds) || a.attributes.length !== b.attributes.length) return false;
  return a.attributes.every((attribute, index) => sameContribution(attribute, b.attributes[index]));
}

/**
 * The same fields in the same order with equal values (lists element by element): what equal
 * JSON texts of two contributions meant, without serialising both (a full sync compares a million).
 */
export function sameContribution(a: AttributeContribution, b: AttributeContribution | undefined): boolean {
  if (b === undefined) return false;
  if (a === b) return true;
  const keys = Object.keys(a);
  const others = Object.keys(b);
  if (keys.length !== others.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as keyof AttributeContribution;
    if (key !== others[i]) return false;
    const x = a[key];
    const y = b[key];
    if (x === y) continue;
    if (!Array.isArray(x) || !Array.isArray(y) || !sameList(x, y)) return false;
  }
  return true;
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Contributions sorted by uuid and feeds as a sorted union, so equal states serialise equally.
 * At most MAX_FEEDS_PER_INDICATOR feeds (the first in name order): this bounds the memcached value
 * and the topic record whatever the number of contributions.
 */
function withAttributes(base: Pick<IndicatorRecord, 'key' | 'kind' | 'value'>, attributes: AttributeContribution[], updatedAt: string): IndicatorRecord {
  const sorted = attributes.length === 1 ? attributes : attributes.sort(byAttributeUuid);
  const union = sorted.length === 1 ? sortedUnique((sorted[0] as AttributeContribution).feeds) : feedUnion(sorted);
  return { key: base.key, kind: base.kind, value: base.value, feeds: union.length > MAX_FEEDS_PER_INDICATOR ? union.slice(0, MAX_FEEDS_PER_INDICATOR) : union, attributes: sorted, updatedAt };
}

function byAttributeUuid(a: AttributeContribution, b: AttributeContribution): number {
  return a.attributeUuid < b.attributeUuid ? -1 : a.attributeUuid > b.attributeUuid ? 1 : 0;
}

function feedUnion(attributes: readonly AttributeContribution[]): string[] {
  const feeds = new Set<string>();
  for (const attribute of attributes) for (const feed of attribute.feeds) feeds.add(feed);
  return [...feeds].sort();
}

/** One contribution's feeds as the union of one: a copy when already in order without repeats (nearly always), else sorted and deduplicated. */
function sortedUnique(feeds: readonly string[]): string[] {
  for (let i = 1; i < feeds.length; i++) if (!((feeds[i - 1] as string) < (feeds[i] as string))) return [...new Set(feeds)].sort();
  return feeds.slice();
}
