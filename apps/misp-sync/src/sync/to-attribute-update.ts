import { feedsFromTags, lookupKey, mispAttributeObservables, sanitiseFeedName, type AttributeContribution, type MispAttribute, type MispDecayScore } from '@iocflow/core';
import type { AttributeEntry, AttributeUpdate } from './apply-attribute';

/** How attributes become indicators: which tags name a feed, and the feed when none does. */
export interface FeedRules {
  /** Glob over tag names (`Feed-*`); attribute tags and inherited event tags both count. */
  readonly feedTagPattern: string;
  readonly defaultFeed: string;
  /** Contribution source; absent for the MISP server, `feed:<name>` for a directly read feed. */
  readonly source?: string;
  /** Every contribution names this feed, whatever its tags say (FEED_NAME of a directly read feed). */
  readonly fixedFeed?: string;
}

/** MISP's threat levels (`threat_level_id` 1–4), by the names MISP shows. */
const THREAT_LEVELS: Readonly<Record<string, string>> = { '1': 'High', '2': 'Medium', '3': 'Low', '4': 'Undefined' };

/**
 * One score for an attribute MISP scored with several decaying models: the highest score of the
 * models that have not decayed it, else the highest overall. Undefined when MISP sent none.
 */
export function decayScoreOf(scores: readonly MispDecayScore[] | undefined): number | undefined {
  if (scores === undefined || scores.length === 0) return undefined;
  const live = scores.filter((entry) => !entry.decayed);
  return Math.max(...(live.length > 0 ? live : scores).map((entry) => entry.score));
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
  const threatLevelId = attribute.event?.threatLevelId;
  const threatLevel = threatLevelId === undefined ? undefined : THREAT_LEVELS[threatLevelId];
  const decayScore = decayScoreOf(attribute.decayScores);
  const contribution: AttributeContribution = {
    attributeUuid: uuid,
    ...(rules.source === undefined ? {} : { source: rules.source }),
    mispType: attribute.type,
    eventUuid: attribute.event?.uuid ?? '',
    eventInfo: attribute.event?.info ?? '',
    feeds: rules.fixedFeed === undefined ? feedsFromTags(tags, rules.feedTagPattern, rules.defaultFeed) : [sanitiseFeedName(rules.fixedFeed) || rules.defaultFeed],
    tags,
    toIds: attribute.toIds,
    timestamp: attribute.timestamp,
    ...(attribute.firstSeen === null ? {} : { firstSeen: attribute.firstSeen }),
    ...(attribute.lastSeen === null ? {} : { lastSeen: attribute.lastSeen }),
    ...(threatLevel === undefined ? {} : { threatLevel }),
    ...(decayScore === undefined ? {} : { decayScore }),
  };
  const entries: AttributeEntry[] = observables.map((observable) => ({
    key: lookupKey(observable.kind, observable.value),
    kind: observable.kind,
    value: observable.value,
    contribution,
  }));
  return { uuid, timestamp: attribute.timestamp, entries };
}
