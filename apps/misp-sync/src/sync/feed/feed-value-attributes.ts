import type { MispAttribute } from '@iocflow/core';
import { feedAttributeUuid } from './feed-attribute-uuid';

/** One indicator line of a CSV or freetext feed, typed. */
export interface FeedValue {
  /** A MISP attribute type (`domain`, `ip-dst`, `md5`…). */
  readonly type: string;
  /** Refanged and trimmed, not yet normalised (toAttributeUpdate normalises). */
  readonly value: string;
  /** The feed's own id for the line (the `uuid` column of MISP's CSV export); else none. */
  readonly id?: string;
  /** Seconds; 0 when the feed gives no time (most CSV and freetext feeds). */
  readonly timestamp: number;
}

/**
 * CSV and freetext lines as MISP attributes of one pseudo event per feed, so that the MISP path
 * (`toAttributeUpdate`) applies unchanged. Identity is `feedAttributeUuid(source, id)`, with
 * `type\nvalue` as the id of a line without one: the same line keeps its identity across polls,
 * and a line that leaves the feed leaves the store. A timestamp of 0 makes a re-read of an
 * unchanged line stage no change.
 */
export function feedValueAttributes(values: readonly FeedValue[], source: string, feedName: string): MispAttribute[] {
  return values.map((entry) => ({
    id: '0',
    eventId: '0',
    objectId: '0',
    objectRelation: null,
    category: 'Network activity',
    type: entry.type,
    value: entry.value,
    toIds: true,
    uuid: feedAttributeUuid(source, entry.id ?? `${entry.type}\n${entry.value}`),
    timestamp: entry.timestamp,
    distribution: '5',
    comment: '',
    deleted: false,
    firstSeen: null,
    lastSeen: null,
    tags: [],
    event: { id: '0', uuid: '', info: feedName },
  }));
}
