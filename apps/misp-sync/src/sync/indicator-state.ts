import type { AttributeContribution, IndicatorRecord } from '@iocflow/core';
import { InternPool } from './intern-pool';

/** Read access to the indicator set, shared by the committed state and a staged batch. */
export interface IndicatorStateView {
  get(key: string): IndicatorRecord | undefined;
  /** The lookup keys one attribute currently contributes to ([] when it contributes nothing). */
  keysOfAttribute(attributeUuid: string): readonly string[];
}

/** One key whose record a batch changed; `before`/`after` undefined mean absent. */
export interface IndicatorChange {
  readonly key: string;
  readonly before: IndicatorRecord | undefined;
  readonly after: IndicatorRecord | undefined;
}

/**
 * The current indicator set: every lookup key's record (with all contributing attributes) plus an
 * index from attribute uuid to the keys it contributes to. Rebuilt at start from the compacted
 * indicator topic, then changed only through `stage()` → write the sinks → `commit()`, so a batch
 * whose writes fail leaves the state as it was and the same batch can simply be pulled again.
 *
 * Held compactly (a million indicators are held at once): a record entering the state shares
 * its event uuid, event info, type, tags and feed lists with every equal one (InternPool), and an
 * attribute that reaches one key (nearly all) is indexed by that key's string, not by a list.
 */
export class IndicatorState implements IndicatorStateView {
  private readonly records = new Map<string, IndicatorRecord>();
  /** Attribute uuid → the key it contributes to, or the keys when more than one. */
  private readonly attributeKeys = new Map<string, string | readonly string[]>();
  private readonly pool: InternPool;

  constructor(pool = new InternPool()) {
    this.pool = pool;
  }

  get size(): number {
    return this.records.size;
  }

  get attributeCount(): number {
    return this.attributeKeys.size;
  }

  get(key: string): IndicatorRecord | undefined {
    return this.records.get(key);
  }

  keysOfAttribute(attributeUuid: string): readonly string[] {
    const keys = this.attributeKeys.get(attributeUuid);
    return keys === undefined ? NO_KEYS : typeof keys === 'string' ? [keys] : keys;
  }

  values(): IterableIterator<IndicatorRecord> {
    return this.records.values();
  }

  attributeUuids(): IterableIterator<string> {
    return this.attributeKeys.keys();
  }

  /** Replay one record of the indicator topic (undefined = tombstone). Later records win. */
  restore(key: string, record: IndicatorRecord | undefined): void {
    this.replace(key, record);
  }

  stage(): StagedIndicators {
    return new StagedIndicators(this);
  }

  /** Apply a staged batch; only called once its writes were acknowledged. */
  commit(staged: StagedIndicators): void {
    for (const change of staged.changes()) this.replace(change.key, change.after);
  }

  private replace(key: string, record: IndicatorRecord | undefined): void {
    const previous = this.records.get(key);
    if (previous !== undefined) for (const attribute of previous.attributes) this.unindex(attribute.attributeUuid, key);
    if (record === undefined) {
      this.records.delete(key);
      return;
    }
    const held = compactRecord(record, this.pool, key);
    this.records.set(key, held);
    for (const attribute of held.attributes) this.index(attribute.attributeUuid, key);
  }

  private index(uuid: string, key: string): void {
    const keys = this.attributeKeys.get(uuid);
    if (keys === undefined) this.attributeKeys.set(uuid, key);
    else if (typeof keys === 'string') {
      if (keys !== key) this.attributeKeys.set(uuid, [keys, key]);
    } else if (!keys.includes(key)) this.attributeKeys.set(uuid, [...keys, key]);
  }

  private unindex(uuid: string, key: string): void {
    const keys = this.attributeKeys.get(uuid);
    if (keys === undefined) return;
    if (typeof keys === 'string') {
      if (keys === key) this.attributeKeys.delete(uuid);
      return;
    }
    const remaining = keys.filter((candidate) => candidate !== key);
    if (remaining.length === 0) this.attributeKeys.delete(uuid);
    else this.attributeKeys.set(uuid, remaining.length === 1 ? (remaining[0] ?? key) : remaining);
  }
}

const NO_KEYS: readonly string[] = Object.freeze([]);

/**
 * `record` as the state holds it: the same values, with equal strings and lists shared through
 * `pool` (a new object: records and contributions are never changed in place, and equal strings
 * cannot be told apart by identity, so every contribution is rebuilt; it is one object per change).
 * Spread keeps the field order, so the record serialises exactly as before.
 */
export function compactRecord(record: IndicatorRecord, pool: InternPool, mapKey?: string): IndicatorRecord {
  const attributes: AttributeContribution[] = new Array<AttributeContribution>(record.attributes.length);
  for (let i = 0; i < attributes.length; i++) attributes[i] = compactContribution(record.attributes[i] as AttributeContribution, pool);
  return {
    ...record,
    // A restored record's key is a second copy of the map's key (both read from the topic record).
    key: mapKey !== undefined && mapKey === record.key ? mapKey : record.key,
    kind: pool.string(record.kind) as IndicatorRecord['kind'],
    feeds: pool.list(record.feeds),
    attributes,
    updatedAt: pool.string(record.updatedAt),
  };
}

/**
 * The held contribution: its strings and lists shared through `pool`, its fields in the order
 * toAttributeUpdate writes them (and the topic's records carry). Built by a constructor so that V8
 * keeps every field inside the object: a contribution made with conditional spreads keeps some in
 * a separate property array, and a spread copy inherits that layout (~7% more state, measured).
 * Anything else (another field order, a field this version does not know) is copied as it is.
 */
function compactContribution(attribute: AttributeContribution, pool: InternPool): AttributeContribution {
  if (hasCanonicalFields(attribute)) return new HeldContribution(attribute, pool);
  const held: Mutable<AttributeContribution> = { ...attribute };
  held.mispType = pool.string(attribute.mispType);
  held.eventUuid = pool.string(attribute.eventUuid);
  held.eventInfo = pool.string(attribute.eventInfo);
  held.feeds = pool.list(attribute.feeds);
  held.tags = pool.list(attribute.tags);
  if (attribute.threatLevel !== undefined) held.threatLevel = pool.string(attribute.threatLevel);
  if (attribute.tlp !== undefined) held.tlp = pool.string(attribute.tlp);
  if (attribute.source !== undefined) held.source = pool.string(attribute.source);
  return held;
}

/** Every field of a contribution, in the order toAttributeUpdate writes them. */
const CANONICAL_FIELDS: readonly (keyof AttributeContribution)[] = [
  'attributeUuid',
  'source',
  'mispType',
  'eventUuid',
  'eventInfo',
  'feeds',
  'tags',
  'toIds',
  'timestamp',
  'firstSeen',
  'lastSeen',
  'threatLevel',
  'tlp',
  'decayScore',
];

/** Own keys are a subsequence of CANONICAL_FIELDS, each with a defined value. */
function hasCanonicalFields(attribute: AttributeContribution): boolean {
  let next = 0;
  for (const key in attribute) {
    if (!Object.prototype.hasOwnProperty.call(attribute, key)) return false;
    while (next < CANONICAL_FIELDS.length && CANONICAL_FIELDS[next] !== key) next++;
    if (next === CANONICAL_FIELDS.length || attribute[key as keyof AttributeContribution] === undefined) return false;
    next++;
  }
  return true;
}

class HeldContribution implements AttributeContribution {
  declare readonly attributeUuid: string;
  declare readonly source?: string;
  declare readonly mispType: string;
  declare readonly eventUuid: string;
  declare readonly eventInfo: string;
  declare readonly feeds: readonly string[];
  declare readonly tags: readonly string[];
  declare readonly toIds: boolean;
  declare readonly timestamp: number;
  declare readonly firstSeen?: string;
  declare readonly lastSeen?: string;
  declare readonly threatLevel?: string;
  declare readonly tlp?: string;
  declare readonly decayScore?: number;

  constructor(attribute: AttributeContribution, pool: InternPool) {
    const self = this as Mutable<HeldContribution>;
    self.attributeUuid = attribute.attributeUuid;
    if (attribute.source !== undefined) self.source = pool.string(attribute.source);
    self.mispType = pool.string(attribute.mispType);
    self.eventUuid = pool.string(attribute.eventUuid);
    self.eventInfo = pool.string(attribute.eventInfo);
    self.feeds = pool.list(attribute.feeds);
    self.tags = pool.list(attribute.tags);
    self.toIds = attribute.toIds;
    self.timestamp = attribute.timestamp;
    if (attribute.firstSeen !== undefined) self.firstSeen = attribute.firstSeen;
    if (attribute.lastSeen !== undefined) self.lastSeen = attribute.lastSeen;
    if (attribute.threatLevel !== undefined) self.threatLevel = pool.string(attribute.threatLevel);
    if (attribute.tlp !== undefined) self.tlp = pool.string(attribute.tlp);
    if (attribute.decayScore !== undefined) self.decayScore = attribute.decayScore;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A batch of changes over a committed state, readable as if applied (later attributes of the same
 * batch see earlier ones) without touching the state until `IndicatorState.commit`.
 */
export class StagedIndicators implements IndicatorStateView {
  private readonly overrides = new Map<string, IndicatorRecord | undefined>();
  private readonly attributeOverrides = new Map<string, readonly string[]>();

  constructor(private readonly base: IndicatorStateView) {}

  get(key: string): IndicatorRecord | undefined {
    return this.overrides.has(key) ? this.overrides.get(key) : this.base.get(key);
  }

  keysOfAttribute(attributeUuid: string): readonly string[] {
    return this.attributeOverrides.get(attributeUuid) ?? this.base.keysOfAttribute(attributeUuid);
  }

  put(key: string, record: IndicatorRecord | undefined): void {
    this.overrides.set(key, record);
  }

  setKeysOfAttribute(attributeUuid: string, keys: readonly string[]): void {
    this.attributeOverrides.set(attributeUuid, keys);
  }

  get changeCount(): number {
    return this.overrides.size;
  }

  /** Keys whose record differs from the committed state (no-op writes are never staged). */
  changes(): IndicatorChange[] {
    const result: IndicatorChange[] = [];
    for (const [key, after] of this.overrides) result.push({ key, before: this.base.get(key), after });
    return result;
  }
}
