import { feedsFromTags, lookupKey, mispAttributeObservables, sanitiseFeedName, tlpFromTags, type AttributeContribution, type MispAttribute, type MispDecayScore } from '@iocflow/core';
import type { AttributeEntry, AttributeUpdate } from './apply-attribute';
import { MAX_EVENT_INFO_CHARS, MAX_FEEDS_PER_ATTRIBUTE, MAX_TAG_CHARS, MAX_TAGS_PER_ATTRIBUTE, type IndicatorLimit } from './indicator-limits';

/** How attributes become indicators: which tags name a feed, and the feed when none does. */
export interface FeedRules {
  /** Glob over tag names (`Feed-*`); attribute tags and inherited event tags both count. */
  readonly feedTagPattern: string;
  readonly defaultFeed: string;
  /** Contribution source; absent for the MISP server, `feed:<name>` for a directly read feed. */
  readonly source?: string;
  /** Every contribution names this feed, whatever its tags say (FEED_NAME of a directly read feed). */
  readonly fixedFeed?: string;
  /** false: attributes with to_ids off contribute too (MISP_TO_IDS_ONLY=false). Default true. */
  readonly toIdsOnly?: boolean;
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
 *
 * A contribution is bounded (indicator-limits.ts): tag names over MAX_TAG_CHARS are ignored, the
 * feeds are read from the remaining tags and at most MAX_FEEDS_PER_ATTRIBUTE kept, at most
 * MAX_TAGS_PER_ATTRIBUTE tags are kept, the event info is cut at MAX_EVENT_INFO_CHARS; `limits`
 * names those that applied. The TLP marking (`tlp`) is read from every tag, before that cut.
 */
export function toAttributeUpdate(attribute: MispAttribute, rules: FeedRules): AttributeUpdate {
  const uuid = attribute.uuid.toLowerCase();
  if (attribute.deleted || (!attribute.toIds && rules.toIdsOnly !== false)) return { uuid, timestamp: attribute.timestamp, entries: [] };
  const observables = mispAttributeObservables(attribute.type, attribute.value);
  if (observables.length === 0) return { uuid, timestamp: attribute.timestamp, entries: [] };
  // Limits (indicator-limits.ts): what one attribute carries is bounded, whatever MISP or a feed sent.
  const limits: IndicatorLimit[] = [];
  const names = [...new Set(attribute.tags.map((tag) => tag.name))];
  const allTags = names.filter((name) => name.length <= MAX_TAG_CHARS).sort();
  if (allTags.length < names.length) limits.push('tag_length');
  let feeds = rules.fixedFeed === undefined ? feedsFromTags(allTags, rules.feedTagPattern, rules.defaultFeed) : [sanitiseFeedName(rules.fixedFeed) || rules.defaultFeed];
  if (feeds.length > MAX_FEEDS_PER_ATTRIBUTE) {
    feeds = feeds.slice(0, MAX_FEEDS_PER_ATTRIBUTE);
    limits.push('feeds');
  }
  const tags = allTags.length > MAX_TAGS_PER_ATTRIBUTE ? allTags.slice(0, MAX_TAGS_PER_ATTRIBUTE) : allTags;
  if (tags !== allTags) limits.push('tags');
  let eventInfo = attribute.event?.info ?? '';
  if (eventInfo.length > MAX_EVENT_INFO_CHARS) {
    eventInfo = `${eventInfo.slice(0, MAX_EVENT_INFO_CHARS - 1)}…`;
    limits.push('event_info');
  }
  const threatLevelId = attribute.event?.threatLevelId;
  const threatLevel = threatLevelId === undefined ? undefined : THREAT_LEVELS[threatLevelId];
  const decayScore = decayScoreOf(attribute.decayScores);
  // From every tag (before the tag list is cut): the marking must never be lost to a limit.
  const tlp = tlpFromTags(names);
  const contribution: AttributeContribution = {
    attributeUuid: uuid,
    ...(rules.source === undefined ? {} : { source: rules.source }),
    mispType: attribute.type,
    eventUuid: attribute.event?.uuid ?? '',
    eventInfo,
    feeds,
    tags,
    toIds: attribute.toIds,
    timestamp: attribute.timestamp,
    ...(attribute.firstSeen === null ? {} : { firstSeen: attribute.firstSeen }),
    ...(attribute.lastSeen === null ? {} : { lastSeen: attribute.lastSeen }),
    ...(threatLevel === undefined ? {} : { threatLevel }),
    ...(tlp === undefined ? {} : { tlp }),
    ...(decayScore === undefined ? {} : { decayScore }),
  };
  const entries: AttributeEntry[] = observables.map((observable) => ({
    key: lookupKey(observable.kind, observable.value),
    kind: observable.kind,
    value: observable.value,
    contribution,
  }));
  return { uuid, timestamp: attribute.timestamp, entries, ...(limits.length === 0 ? {} : { limits }) };
}
