import { CidrTable, DEFAULT_FEED_FALLBACK, indicatorConfidence, isObservableKind, isPlainKeyValue, lookupKey, normaliseIp, type IndicatorRecord } from '@iocflow/core';
import { candidateValues, hasParentCandidates } from './candidate-values';
import { AsciiKeyIndex, grownInt32, isIndexableKey } from './ascii-key-index';
import type { IndicatorMatch, IndicatorSource, LookupQuery } from './indicator-lookup';
import { UuidSlab } from './uuid-slab';

/**
 * What many indicators have in common: kind, feed list, change time (one per sync run), the
 * event of their latest attribute and that attribute's TLP marking and confidence (a handful of
 * values each). Kept once per distinct combination (a million indicators come from far fewer
 * events, feed lists and sync runs).
 */
interface SharedPart {
  /** Its index in the table's list of shared parts (what the packed entries store). */
  readonly id: number;
  readonly kind: IndicatorMatch['kind'];
  readonly feeds: readonly string[];
  readonly modifiedAt: string;
  /** Undefined for a record without attributes. */
  readonly event: { readonly uuid: string; readonly info: string } | undefined;
  readonly tlp: string | undefined;
  readonly confidence: string | undefined;
}

/**
 * An attribute whose first/last-seen times are not both its MISP timestamp (rare: MISP
 * `first_seen`/`last_seen` set, or several attributes behind the indicator); a plain attribute is
 * kept as its uuid alone and its timestamp in `TableEntry.timestamp`.
 */
interface SeenAttribute {
  readonly attributeUuid: string;
  readonly firstSeen?: string;
  readonly lastSeen?: string;
}

/**
 * One indicator as the table holds it: three fields. The IndicatorMatch the pipeline reads is
 * built from it on a hit only (a few percent of lookups), instead of a match object and a
 * source object kept per indicator (~110 bytes more each; see docs/enricher.md, Memory).
 * `attribute` is the latest attribute's uuid: a slot of the table's UuidSlab (a number) when it
 * is a canonical uuid — 16 bytes instead of a 36-character string — else the string itself.
 */
class TableEntry {
  constructor(
    readonly shared: SharedPart,
    readonly indicator: string,
    readonly attribute: number | string | SeenAttribute | undefined,
    /**
     * The latest attribute's MISP timestamp (seconds; a small integer until 2038, so no heap
     * number), its first and last seen unless `attribute` says otherwise; 0 when unknown.
     */
    readonly timestamp: number,
  ) {}

  toMatch(uuids: UuidSlab): IndicatorMatch {
    const { kind, feeds, modifiedAt, event, tlp, confidence } = this.shared;
    const attribute = this.attribute;
    if (event === undefined || attribute === undefined) return { kind, indicator: this.indicator, feeds, modifiedAt };
    const marks = { ...(tlp === undefined ? {} : { tlp }), ...(confidence === undefined ? {} : { confidence }) };
    let source: IndicatorSource;
    if (typeof attribute === 'object') {
      source = { eventUuid: event.uuid, eventInfo: event.info, ...attribute, ...marks };
    } else {
      const attributeUuid = typeof attribute === 'number' ? uuids.get(attribute) : attribute;
      const seen = this.timestamp > 0 ? isoSeconds(this.timestamp) : undefined;
      source = { eventUuid: event.uuid, eventInfo: event.info, attributeUuid, ...(seen === undefined ? {} : { firstSeen: seen, lastSeen: seen }), ...marks };
    }
    return { kind, indicator: this.indicator, feeds, modifiedAt, source };
  }
}

/**
 * The in-memory indicator index of table mode, built from the compacted indicator topic:
 * one exact map keyed by lookup key (every kind), plus a longest-prefix table for IP ranges.
 * Only what an enrichment needs is kept per indicator (not every contributing attribute), which
 * keeps a million indicators well inside the memory budget.
 *
 * The exact map is split by the key's namespace: a plain key `<kind>-<value>` whose value is
 * printable ASCII (every value a plain lookup key can hold) is stored as value → entry in its
 * kind's PlainEntries, so a lookup probes with the normalised value it already has instead of
 * building `<kind>-<value>` for every candidate; hashed keys (`<kind>#<sha256>`) and anything
 * else stay under the whole key in a Map. Since a kind is `[a-z0-9]+`, `key ===
 * \`${kind}-${value}\`` exactly when the key splits into that kind and value, so the answers
 * are those of one map keyed by the whole key.
 *
 * Per indicator only a three-field entry is kept (value, attribute uuid, a shared part), packed
 * in typed arrays for the plain keys (PlainEntries: no heap object per indicator, ~92 bytes per
 * indicator in all; docs/enricher.md, Memory); lookups build the IndicatorMatch of a hit from it.
 *
 * Mutated by `apply` in record order; a full reload builds a new table and swaps the reference
 * (see TableIndicatorLookup), so readers never see a half-built index.
 */
export class IndicatorTable {
  /**
   * Plain keys: namespace → value → entry, packed (PlainEntries: no heap object per indicator,
   * and a miss — most lookups — reads one or two cells of a typed array).
   */
  private readonly plain = new Map<string, PlainEntries>();
  /** Every other key (hashed values, keys without a `<namespace>-` prefix), whole. */
  private readonly other = new Map<string, TableEntry>();
  private exactSize = 0;
  /**
   * One copy of each repeated text (event uuid and info, change time) and of each feed list:
   * a million indicators come from far fewer events, feeds and sync runs, and every string or
   * array kept once is memory saved and an object the garbage collector does not walk. Lives as
   * long as the table (a reload starts a new one), so it is bounded by what the table holds.
   */
  private readonly strings = new Map<string, string>();
  private readonly feedLists = new Map<string, readonly string[]>();
  private readonly sharedParts = new Map<string, SharedPart>();
  /** The same parts by id. */
  private readonly sharedList: SharedPart[] = [];
  private readonly ranges = new CidrTable<TableEntry>();
  /** The attribute uuids of exact entries, 16 bytes each (see TableEntry). */
  private readonly uuids = new UuidSlab();
  /** Range keys → canonical range, so that a tombstone (which carries only the key) can remove a range. */
  private readonly rangeKeys = new Map<string, string>();

  get size(): number {
    return this.exactSize + this.ranges.size;
  }

  /** The IP ranges among them. */
  get rangeCount(): number {
    return this.ranges.size;
  }

  /**
   * Apply one topic record: a value adds or replaces the indicator under `key`, null (a tombstone)
   * removes it. Returns false for a value that is not a usable IndicatorRecord (it is ignored).
   */
  apply(key: string, record: IndicatorRecord | null): boolean {
    this.remove(key);
    if (record === null) return true;
    if (!isUsableRecord(record)) return false;
    const latest = latestAttribute(record);
    const shared = this.sharedPart(record.kind, this.sharedFeeds(record.feeds), this.shared(record.updatedAt), latest);
    let attribute: string | SeenAttribute | undefined;
    let timestamp = 0;
    if (latest !== undefined) {
      timestamp = validTimestamp(latest.timestamp);
      const earliest = earliestTimestamp(record);
      if (latest.firstSeen === undefined && latest.lastSeen === undefined && earliest === timestamp) {
        attribute = latest.attributeUuid;
      } else {
        // first_seen/last_seen as MISP has them, else the earliest and the latest attribute timestamp (docs/enricher.md).
        const firstSeen = latest.firstSeen ?? (earliest > 0 ? isoSeconds(earliest) : undefined);
        const lastSeen = latest.lastSeen ?? (timestamp > 0 ? isoSeconds(timestamp) : undefined);
        attribute = { attributeUuid: latest.attributeUuid, ...(firstSeen === undefined ? {} : { firstSeen }), ...(lastSeen === undefined ? {} : { lastSeen }) };
      }
    }
    if (record.kind === 'ip' && record.value.includes('/')) {
      const range = normaliseIp(record.value);
      if (range === undefined || !this.ranges.set(range, new TableEntry(shared, range, attribute, timestamp))) return false;
      this.rangeKeys.set(key, range);
    } else {
      const packed = typeof attribute === 'string' && UuidSlab.fits(attribute) ? this.uuids.add(attribute) : attribute;
      this.setExact(key, new TableEntry(shared, record.value, packed, timestamp));
    }
    return true;
  }

  /** The most specific indicator for a query: exact value, then parent domains, then the longest containing range. */
  lookup(query: LookupQuery): IndicatorMatch | undefined {
    const byValue = this.plain.get(query.kind);
    // Nothing of this kind held under any key (e.g. no url indicators): no candidate can match.
    if (byValue !== undefined || this.other.size > 0) {
      // the query's own value alone unless parents are asked for (no candidate list built per query)
      if (!hasParentCandidates(query)) {
        const entry = this.exactEntry(byValue, query.kind, query.value);
        if (entry !== undefined) return entry.toMatch(this.uuids);
      } else {
        const values = candidateValues(query);
        for (let i = 0; i < values.length; i++) {
          const entry = this.exactEntry(byValue, query.kind, values[i] as string);
          if (entry !== undefined) return entry.toMatch(this.uuids);
        }
      }
    }
    if (query.kind === 'ip' && this.ranges.size > 0) return this.ranges.lookup(query.value)?.toMatch(this.uuids);
    return undefined;
  }

  /** The entry held under exactly (kind, value): the packed plain entries of the kind, else the other keys. */
  private exactEntry(byValue: PlainEntries | undefined, kind: LookupQuery['kind'], value: string): TableEntry | undefined {
    return isPlainKeyValue(kind, value) ? byValue?.get(value) : this.other.get(lookupKey(kind, value));
  }

  private shared(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    this.strings.set(text, text);
    return text;
  }

  /** One object per distinct (kind, feeds, change time, event); feeds and texts are already shared, so their identity keys them. */
  private sharedPart(kind: SharedPart['kind'], feeds: readonly string[], modifiedAt: string, latest: IndicatorRecord['attributes'][number] | undefined): SharedPart {
    const eventUuid = latest === undefined ? undefined : this.shared(latest.eventUuid);
    const eventInfo = latest === undefined ? undefined : this.shared(latest.eventInfo);
    const tlp = typeof latest?.tlp === 'string' ? this.shared(latest.tlp) : undefined;
    const confidence = latest === undefined ? undefined : indicatorConfidence(latest);
    // JSON text: no value can make two different combinations look alike.
    const id = JSON.stringify([kind, feeds, modifiedAt, eventUuid ?? null, eventInfo ?? null, tlp ?? null, confidence ?? null]);
    let part = this.sharedParts.get(id);
    if (part === undefined) {
      part = { id: this.sharedList.length, kind, feeds, modifiedAt, event: eventUuid === undefined || eventInfo === undefined ? undefined : { uuid: eventUuid, info: eventInfo }, tlp, confidence };
      this.sharedParts.set(id, part);
      this.sharedList.push(part);
    }
    return part;
  }

  /** Matches only read their feed list (the output copies it), so equal lists are one array. */
  private sharedFeeds(feeds: readonly string[]): readonly string[] {
    if (feeds.length === 0) return this.sharedFeeds([DEFAULT_FEED_FALLBACK]);
    // JSON text, not a join: no feed name can make two different lists look alike.
    const id = JSON.stringify(feeds);
    let list = this.feedLists.get(id);
    if (list === undefined) {
      list = Object.freeze(feeds.map((feed) => this.shared(feed)));
      this.feedLists.set(id, list);
    }
    return list;
  }

  private setExact(key: string, entry: TableEntry): void {
    const split = splitPlainKey(key);
    if (split !== undefined && isIndexableKey(split.value)) {
      let entries = this.plain.get(split.namespace);
      if (entries === undefined) {
        entries = new PlainEntries(this.sharedList);
        this.plain.set(split.namespace, entries);
      }
      if (entries.set(split.value, entry)) this.exactSize++;
      return;
    }
    // Hashed keys, keys without a namespace, and plain keys whose value a plain lookup never
    // probes (not printable ASCII: lookupKey hashes such a value) stay whole.
    const before = this.other.size;
    this.other.set(key, entry);
    this.exactSize += this.other.size - before;
  }

  private deleteExact(key: string): boolean {
    const split = splitPlainKey(key);
    const entry = split !== undefined && isIndexableKey(split.value) ? this.plain.get(split.namespace)?.delete(split.value) : this.deleteOther(key);
    if (entry === undefined) return false;
    if (typeof entry.attribute === 'number') this.uuids.delete(entry.attribute);
    this.exactSize--;
    return true;
  }

  private deleteOther(key: string): TableEntry | undefined {
    const entry = this.other.get(key);
    if (entry !== undefined) this.other.delete(key);
    return entry;
  }

  private remove(key: string): void {
    if (this.deleteExact(key)) return;
    const range = this.rangeKeys.get(key);
    if (range !== undefined) {
      this.ranges.delete(range);
      this.rangeKeys.delete(key);
    }
  }
}

/** `PlainEntries`' attribute column: no attribute, or one kept in its side map (not a uuid slot). */
const NO_ATTRIBUTE = -1;
const OTHER_ATTRIBUTE = -2;

/**
 * One namespace's plain entries, value → TableEntry, packed: the values in an AsciiKeyIndex and
 * each entry's fields in typed arrays by the value's slot (shared part id, attribute uuid slot,
 * timestamp); the rare attribute that is not a uuid slot and the rare indicator that is not the
 * key's own value in side maps. A TableEntry is built back only for an entry asked for (a hit,
 * or a replaced or deleted indicator). Same answers as a Map of TableEntry (property spec).
 */
class PlainEntries {
  private readonly index = new AsciiKeyIndex();
  private sharedIds = new Int32Array(1024);
  private attributes = new Int32Array(1024);
  private timestamps = new Float64Array(1024);
  private readonly otherAttributes = new Map<number, string | SeenAttribute>();
  /** The record's value when it is not the key's value text. */
  private readonly indicators = new Map<number, string>();

  constructor(private readonly sharedList: readonly SharedPart[]) {}

  get size(): number {
    return this.index.size;
  }

  get(value: string): TableEntry | undefined {
    const slot = this.index.get(value);
    return slot === -1 ? undefined : this.entryAt(slot, value);
  }

  /** Adds or replaces; true when added. */
  set(value: string, entry: TableEntry): boolean {
    const { slot, added } = this.index.set(value);
    if (slot >= this.sharedIds.length) {
      const length = Math.max(this.sharedIds.length * 2, slot + 1);
      this.sharedIds = grownInt32(this.sharedIds, length);
      this.attributes = grownInt32(this.attributes, length);
      const timestamps = new Float64Array(length);
      timestamps.set(this.timestamps);
      this.timestamps = timestamps;
    }
    this.sharedIds[slot] = entry.shared.id;
    this.timestamps[slot] = entry.timestamp;
    const attribute = entry.attribute;
    this.otherAttributes.delete(slot);
    if (typeof attribute === 'number') {
      this.attributes[slot] = attribute;
    } else if (attribute === undefined) {
      this.attributes[slot] = NO_ATTRIBUTE;
    } else {
      this.attributes[slot] = OTHER_ATTRIBUTE;
      this.otherAttributes.set(slot, attribute);
    }
    if (entry.indicator === value) this.indicators.delete(slot);
    else this.indicators.set(slot, entry.indicator);
    return added;
  }

  /** Removes the value's entry and returns it; undefined when absent. */
  delete(value: string): TableEntry | undefined {
    const slot = this.index.get(value);
    if (slot === -1) return undefined;
    const entry = this.entryAt(slot, value);
    this.index.delete(value);
    this.otherAttributes.delete(slot);
    this.indicators.delete(slot);
    return entry;
  }

  private entryAt(slot: number, value: string): TableEntry {
    const code = this.attributes[slot] as number;
    const attribute = code >= 0 ? code : code === NO_ATTRIBUTE ? undefined : this.otherAttributes.get(slot);
    return new TableEntry(this.sharedList[this.sharedIds[slot] as number] as SharedPart, this.indicators.get(slot) ?? value, attribute, this.timestamps[slot] as number);
  }
}

/** A key `<namespace>-<rest>` with a `[a-z0-9]+` namespace, split; undefined for any other key. */
function splitPlainKey(key: string): { namespace: string; value: string } | undefined {
  let i = 0;
  for (; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (!((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39))) break;
  }
  if (i === 0 || i === key.length || key.charCodeAt(i) !== 0x2d) return undefined;
  return { namespace: key.slice(0, i), value: key.slice(i + 1) };
}

function isUsableRecord(record: IndicatorRecord): boolean {
  return (
    typeof record === 'object' &&
    record !== null &&
    typeof record.kind === 'string' &&
    isObservableKind(record.kind) &&
    typeof record.value === 'string' &&
    record.value.length > 0 &&
    Array.isArray(record.feeds) &&
    record.feeds.every((feed) => typeof feed === 'string')
  );
}

/** Seconds since the epoch as ISO-8601 (what ECS dates take), e.g. `2025-01-01T00:00:00.000Z`. */
function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** A usable MISP timestamp (whole seconds after the epoch, before year 10000), else 0 ("unknown": a feed line has 0). */
function validTimestamp(seconds: number): number {
  return Number.isSafeInteger(seconds) && seconds > 0 && seconds < 253_402_300_800 ? seconds : 0;
}

/** The earliest usable timestamp of the record's attributes; 0 when none is usable. */
function earliestTimestamp(record: IndicatorRecord): number {
  let earliest = 0;
  for (const attribute of record.attributes) {
    const seconds = validTimestamp(attribute.timestamp);
    if (seconds > 0 && (earliest === 0 || seconds < earliest)) earliest = seconds;
  }
  return earliest;
}

function latestAttribute(record: IndicatorRecord): IndicatorRecord['attributes'][number] | undefined {
  if (!Array.isArray(record.attributes)) return undefined;
  let latest: IndicatorRecord['attributes'][number] | undefined;
  for (const attribute of record.attributes) if (latest === undefined || attribute.timestamp > latest.timestamp) latest = attribute;
  return latest;
}
