import type { AttributeStore, ScanPosition } from './attribute-store';
import { decayScoreOf } from './decay-model';
import type { RestSearchFilter } from './rest-search-filter';
import type { StoredAttribute, StoredEvent } from './stored-types';
import type { Warninglists } from './warninglists';

export interface SearchPage {
  readonly attributes: readonly StoredAttribute[];
  /** Attributes on this page that enforceWarninglist dropped after paging (see below). */
  readonly warninglisted: number;
}

function matches(attribute: StoredAttribute, filter: RestSearchFilter, event: StoredEvent | undefined): boolean {
  if (!filter.deleted.has(attribute.deleted)) return false;
  if (filter.timestampTo !== undefined && attribute.timestamp > filter.timestampTo) return false;
  if (filter.eventTimestampFrom !== undefined && (event === undefined || event.timestamp < filter.eventTimestampFrom)) return false;
  if (filter.types && !filter.types.has(attribute.type)) return false;
  if (filter.values && !filter.values.has(attribute.value)) return false;
  if (filter.toIds !== undefined && attribute.toIds !== filter.toIds) return false;
  if (filter.eventIds && !filter.eventIds.has(attribute.eventId)) return false;
  if (filter.uuids && !filter.uuids.has(attribute.uuid) && !(event && filter.uuids.has(event.uuid))) return false;
  if (filter.published !== undefined && event?.published !== filter.published) return false;
  if (filter.orgs && !(event && (filter.orgs.has(String(event.orgcId)) || filter.orgs.has(event.orgcName)))) return false;
  if (filter.tagsAny || filter.tagsNone) {
    // MISP matches the attribute's own tags and its event's tags.
    const names = [...attribute.tags, ...(event?.tags ?? [])].map((tag) => tag.name);
    if (filter.tagsAny && !names.some((name) => filter.tagsAny?.some((pattern) => pattern.test(name)))) return false;
    if (filter.tagsNone && names.some((name) => filter.tagsNone?.some((pattern) => pattern.test(name)))) return false;
  }
  if (filter.excludeDecayed === true && decayScoreOf(attribute, filter.now ?? 0, filter.decayThreshold).decayed) return false;
  return true;
}

/** Identifies "the same search" across pages: every filter field except page. */
function searchKey(filter: RestSearchFilter): string {
  const sets = (set: ReadonlySet<unknown> | undefined): unknown => (set ? [...set].sort() : null);
  return JSON.stringify([
    filter.limit,
    filter.timestampFrom,
    filter.timestampTo,
    filter.eventTimestampFrom,
    sets(filter.types),
    sets(filter.values),
    sets(filter.deleted),
    filter.toIds,
    sets(filter.eventIds),
    sets(filter.uuids),
    filter.published,
    filter.tagsAny?.map(String),
    filter.tagsNone?.map(String),
    sets(filter.orgs),
    filter.excludeDecayed,
    filter.decayThreshold,
    // Decay moves with the clock: a decay-filtered search is the same search only within a second.
    filter.excludeDecayed === true ? filter.now : null,
  ]);
}

/**
 * Runs restSearch over the store: filter, order by (timestamp, id), then page. Paging a million
 * attributes page by page would rescan from the start each time, so the position where a page
 * ended is remembered (per search and store version) and the next page resumes from it. An
 * event tag change moves the event timestamp, which `event_timestamp` matches on, so it bumps the
 * store version too.
 *
 * MISP applies `enforceWarninglist` after LIMIT, so a page can hold fewer than `limit` attributes
 * while later pages still have data; the stand-in does the same, on purpose.
 */
export class AttributeSearch {
  private readonly resumeAt = new Map<string, ScanPosition>();
  private cacheVersion = -1;

  constructor(
    private readonly store: AttributeStore,
    private readonly events: ReadonlyMap<number, StoredEvent>,
    private readonly warninglists: Warninglists,
  ) {}

  search(filter: RestSearchFilter): SearchPage {
    if (this.cacheVersion !== this.store.version) {
      this.resumeAt.clear();
      this.cacheVersion = this.store.version;
    }
    const limit = filter.limit;
    const skip = limit === undefined ? 0 : ((filter.page ?? 1) - 1) * limit;
    const key = searchKey(filter);
    const cached = this.resumeAt.get(`${key}@${skip}`);
    let toSkip = cached ? 0 : skip;
    const start = cached ?? this.store.positionAt(filter.timestampFrom ?? Number.MIN_SAFE_INTEGER);
    const found: StoredAttribute[] = [];
    const end = this.store.scan(start, (attribute) => {
      if (filter.timestampTo !== undefined && attribute.timestamp > filter.timestampTo) return false;
      if (!matches(attribute, filter, this.events.get(attribute.eventId))) return true;
      if (toSkip > 0) {
        toSkip--;
        return true;
      }
      found.push(attribute);
      return limit === undefined || found.length < limit;
    });
    if (limit !== undefined) {
      if (this.resumeAt.size > 10_000) this.resumeAt.clear();
      this.resumeAt.set(`${key}@${skip + limit}`, end);
    }
    if (!filter.enforceWarninglist) return { attributes: found, warninglisted: 0 };
    const kept = found.filter((attribute) => this.warninglists.match(attribute.type, attribute.value) === undefined);
    return { attributes: kept, warninglisted: found.length - kept.length };
  }
}
