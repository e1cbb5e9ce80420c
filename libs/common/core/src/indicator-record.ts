import type { ObservableKind } from './observable-kind';

/**
 * What one MISP attribute contributes to one lookup key. Several attributes (several events,
 * several feeds) can share a key; the key's stored value is the union of their contributions.
 * Tracked by attribute uuid because a sanitised delete overwrites the attribute's value.
 */
export interface AttributeContribution {
  readonly attributeUuid: string;
  /**
   * Where the attribute came from: absent for the MISP server (REST and its Kafka notifications),
   * `feed:<name>` for a feed read directly. A full reconciliation of one source removes only its own.
   */
  readonly source?: string;
  readonly mispType: string;
  readonly eventUuid: string;
  readonly eventInfo: string;
  readonly feeds: readonly string[];
  readonly tags: readonly string[];
  /** MISP's event threat level by name (`High`, `Medium`, `Low`, `Undefined`). */
  readonly threatLevel?: string;
  /**
   * The TLP marking from the attribute's and its event's `tlp:` tags, the most restrictive
   * (`tlpFromTags`: `WHITE`, `CLEAR`, `GREEN`, `AMBER`, `AMBER+STRICT`, `RED`); absent without one.
   * Read from every tag, also when `tags` was cut to its limit.
   */
  readonly tlp?: string;
  readonly toIds: boolean;
  /** MISP attribute timestamp, seconds since the epoch. */
  readonly timestamp: number;
  /** MISP attribute `first_seen`/`last_seen` (ISO-8601), when the attribute has them. */
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  /** MISP's decay score (0–100) when the instance sent one (the best of its models, `decayScoreOf`). */
  readonly decayScore?: number;
}

/**
 * The value of one record on the compacted indicator topic (`IOC_TOPIC`), keyed by `key`.
 * A tombstone (null value) removes the key. Reading the topic from the start rebuilds the
 * exact current indicator set, including every contributing attribute.
 */
export interface IndicatorRecord {
  readonly key: string;
  readonly kind: ObservableKind;
  /** The normalised value (for ip: an address or a CIDR range). */
  readonly value: string;
  /** Sorted, unique feed names; the memcached value is `feeds.join(',')`. */
  readonly feeds: readonly string[];
  readonly attributes: readonly AttributeContribution[];
  /**
   * Contributions left out of this topic record to keep it under misp-sync's record size limit
   * (INDICATOR_MAX_RECORD_BYTES): `attributes` then holds the most recent ones, `feeds` is still
   * the union over all of them. Absent when nothing was left out.
   */
  readonly attributesOmitted?: number;
  /** ISO-8601 time of the change that produced this record. */
  readonly updatedAt: string;
  /**
   * ISO-8601 time at which misp-sync removes the indicator unless a source changes it again (its
   * latest contribution's last change plus the kind's maximum age). Absent: it never expires.
   */
  readonly expiresAt?: string;
}
