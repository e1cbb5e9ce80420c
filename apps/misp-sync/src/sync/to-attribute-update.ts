import { feedsFromTags, lookupKey, mispAttributeObservables, type AttributeContribution } from '@iocflow/core';
import type { MispAttribute } from '@iocflow/core';
import type { AttributeEntry, AttributeUpdate } from './apply-attribute';

/** How attributes become indicators: which tags name a feed, and the feed when none does. */
export interface FeedRules {
  /** Glob over tag names (`Feed-*`); attribute tags and inherited event tags both count. */
  readonly feedTagPattern: string;
  readonly defaultFeed: string;
  /** Contribution source; absent for the MISP server, `feed:<name>` for a directly read feed. */
  readonly source?: string;
}

/**
 * What one MISP attribute contributes now. A deleted attribute, or one with `to_ids` off, contributes
 * nothing — which removes whatever it contributed before (that is how soft deletes and "to_ids turned
 * off" become removals; the server-side `to_ids` filter would hide those edits). Attributes inside
 * objects arrive as plain attributes and count the same.
 */
export function toAttributeUpdate(attribute: MispAttribute, rules: FeedRules): AttributeUpdate {
  const uuid = attribute.uuid.toLowerCase();
  if (attribute.deleted || !attribute.toIds) return { uuid, timestamp: attribute.timestamp, entries: [] };
  const observables = mispAttributeObservables(attribute.type, attribute.value);
  if (observables.length === 0) return { uuid, timestamp: attribute.timestamp, entries: [] };
  const tags = [...new Set(attribute.tags.map((tag) => tag.name))].sort();
  const contribution: AttributeContribution = {
    attributeUuid: uuid,
    ...(rules.source === undefined ? {} : { source: rules.source }),
    mispType: attribute.type,
    eventUuid: attribute.event?.uuid ?? '',
    eventInfo: attribute.event?.info ?? '',
    feeds: feedsFromTags(tags, rules.feedTagPattern, rules.defaultFeed),
    tags,
    toIds: attribute.toIds,
    timestamp: attribute.timestamp,
    ...(attribute.firstSeen === null ? {} : { firstSeen: attribute.firstSeen }),
    ...(attribute.lastSeen === null ? {} : { lastSeen: attribute.lastSeen }),
  };
  const entries: AttributeEntry[] = observables.map((observable) => ({
    key: lookupKey(observable.kind, observable.value),
    kind: observable.kind,
    value: observable.value,
    contribution,
  }));
  return { uuid, timestamp: attribute.timestamp, entries };
}
