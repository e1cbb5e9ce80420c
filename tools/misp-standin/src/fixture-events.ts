import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fixturesDir } from '@iocflow/testing';
import { compareAttributes, type StoredAttribute, type StoredEvent, type StoredTag } from './stored-types';

/**
 * The event files loaded when none are named: the PyMISP events in the repository's fixtures
 * (test/fixtures/SOURCES.md). Xorist (pymisp/tests/57c4445b-….json) is left out on purpose: it is
 * only in the derived MISP feed, so a feed and this MISP overlap in some events, not all.
 */
export const DEFAULT_EVENT_FIXTURES = [
  'pymisp/tests/reportlab_testfiles/long_event.json',
  'pymisp/tests/reportlab_testfiles/to_delete1.json',
  'pymisp/tests/reportlab_testfiles/to_delete2.json',
  'pymisp/tests/reportlab_testfiles/to_delete3.json',
  'pymisp/tests/reportlab_testfiles/HTML_event.json',
  'pymisp/tests/reportlab_testfiles/sighting_1.json',
  'pymisp/tests/mispevent_testfiles/existing_event.json',
] as const;

/** `<repo>/test/fixtures`, where the event and warninglist files are (found from this file upward). */
export function defaultFixturesRoot(): string {
  return fixturesDir();
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Finds the event objects in one parsed fixture. MISP data comes as `{"Event": {...}}` (event
 * export, feed file), as a bare event (PyMISP test files) or as an events-search reply
 * `{"response": [{"Event": {...}}, ...]}`.
 */
export function extractEvents(json: unknown): Json[] {
  if (Array.isArray(json)) return json.flatMap(extractEvents);
  if (!isObject(json)) return [];
  if (Array.isArray(json['response'])) return json['response'].flatMap(extractEvents);
  if (isObject(json['Event'])) return [json['Event']];
  if ('Attribute' in json || 'Object' in json || 'info' in json) return [json];
  return [];
}

export function readEventFixtures(files: readonly string[], root = defaultFixturesRoot()): Json[] {
  return files.flatMap((file) => extractEvents(JSON.parse(readFileSync(path.resolve(root, file), 'utf8'))));
}

/**
 * The events with more event tags: `tags` maps an event uuid to tag names added after the event's
 * own (names it already has are not repeated). A MISP instance that imports feeds tags each event
 * with its feed this way (`Feed-CIRCL-OSINT`); the demo uses it. An unknown uuid is an error.
 */
export function withEventTags(events: readonly Json[], tags: Readonly<Record<string, readonly string[]>>): Json[] {
  const wanted = new Map(Object.entries(tags).map(([uuid, names]) => [uuid.toLowerCase(), names]));
  const tagged = events.map((event) => {
    const names = wanted.get(str(event['uuid']).toLowerCase());
    if (names === undefined) return event;
    wanted.delete(str(event['uuid']).toLowerCase());
    const own = Array.isArray(event['Tag']) ? event['Tag'] : [];
    const known = new Set(own.filter(isObject).map((tag) => tag['name']));
    return { ...event, Tag: [...own, ...names.filter((name) => !known.has(name)).map((name) => ({ name }))] };
  });
  if (wanted.size > 0) throw new Error(`event tags for events that are not loaded: ${[...wanted.keys()].join(', ')}`);
  return tagged;
}

export interface LoadedModel {
  readonly events: StoredEvent[];
  /** Sorted by (timestamp, id). */
  readonly attributes: StoredAttribute[];
  readonly nextEventId: number;
  readonly nextAttributeId: number;
  readonly tags: TagRegistry;
}

/** Gives every tag name one stable id, as MISP's `tags` table does; fixtures often omit ids. */
export class TagRegistry {
  private readonly byName = new Map<string, StoredTag>();
  private nextId = 1;

  tag(name: string, colour = '#ffffff', exportable = true): StoredTag {
    const existing = this.byName.get(name);
    if (existing) return existing;
    const tag: StoredTag = { id: this.nextId++, name, colour, exportable, isGalaxy: name.startsWith('misp-galaxy:') };
    this.byName.set(name, tag);
    return tag;
  }

  fromJson(list: unknown): StoredTag[] {
    if (!Array.isArray(list)) return [];
    return list.flatMap((entry) =>
      isObject(entry) && typeof entry['name'] === 'string'
        ? [this.tag(entry['name'], typeof entry['colour'] === 'string' ? entry['colour'] : undefined, entry['exportable'] !== false)]
        : [],
    );
  }
}

const int = (value: unknown, fallback: number): number => {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(parsed) ? parsed : fallback;
};
const str = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const flag = (value: unknown, fallback: boolean): boolean =>
  typeof value === 'boolean' ? value : value === 1 || value === '1' ? true : value === 0 || value === '0' ? false : fallback;
const nullableString = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * Builds the model from raw events. Ids present in the data are kept (so recorded ids like event
 * 9747 still answer `/events/view/9747`); missing or colliding ids are assigned after the highest
 * one seen, in file order, so the result is the same on every run. An event whose uuid was already
 * loaded is skipped, as MISP refuses a duplicate event.
 */
export function buildModel(rawEvents: readonly Json[], tags = new TagRegistry()): LoadedModel {
  const seenEventUuids = new Set<string>();
  const unique = rawEvents.filter((event) => {
    const uuid = str(event['uuid']).toLowerCase();
    if (uuid === '' || seenEventUuids.has(uuid)) return false;
    seenEventUuids.add(uuid);
    return true;
  });
  const rawAttributes = (event: Json): { attribute: Json; object?: Json }[] => [
    ...(Array.isArray(event['Attribute']) ? event['Attribute'].filter(isObject).map((attribute) => ({ attribute })) : []),
    ...(Array.isArray(event['Object'])
      ? event['Object'].filter(isObject).flatMap((object) =>
          Array.isArray(object['Attribute']) ? object['Attribute'].filter(isObject).map((attribute) => ({ attribute, object })) : [],
        )
      : []),
  ];
  let maxEventId = 0;
  let maxAttributeId = 0;
  let maxObjectId = 0;
  for (const event of unique) {
    maxEventId = Math.max(maxEventId, int(event['id'], 0));
    for (const { attribute, object } of rawAttributes(event)) {
      maxAttributeId = Math.max(maxAttributeId, int(attribute['id'], 0));
      if (object) maxObjectId = Math.max(maxObjectId, int(object['id'], 0));
    }
  }
  const usedEventIds = new Set<number>();
  const usedAttributeIds = new Set<number>();
  const usedAttributeUuids = new Set<string>();
  const objectIds = new Map<Json, number>();
  const claim = (used: Set<number>, wanted: number, next: () => number): number => {
    const id = wanted > 0 && !used.has(wanted) ? wanted : next();
    used.add(id);
    return id;
  };
  let nextEventId = maxEventId + 1;
  let nextAttributeId = maxAttributeId + 1;
  let nextObjectId = maxObjectId + 1;
  const events: StoredEvent[] = [];
  const attributes: StoredAttribute[] = [];
  for (const raw of unique) {
    const orgc = isObject(raw['Orgc']) ? raw['Orgc'] : {};
    const event: StoredEvent = {
      id: claim(usedEventIds, int(raw['id'], 0), () => nextEventId++),
      uuid: str(raw['uuid']).toLowerCase(),
      info: str(raw['info']),
      orgId: int(raw['org_id'], 1),
      orgcId: int(raw['orgc_id'], int(orgc['id'], 1)),
      orgcName: str(orgc['name'], 'ORGNAME'),
      orgcUuid: str(orgc['uuid'], '5c6983c8-3af8-4304-869c-4800d6c1883c'),
      distribution: int(raw['distribution'], 3),
      date: str(raw['date'], '1970-01-01'),
      published: flag(raw['published'], false),
      analysis: int(raw['analysis'], 0),
      threatLevelId: int(raw['threat_level_id'], 4),
      timestamp: int(raw['timestamp'], 0),
      tags: tags.fromJson(raw['Tag']),
    };
    events.push(event);
    for (const { attribute, object } of rawAttributes(raw)) {
      const uuid = str(attribute['uuid']).toLowerCase();
      if (uuid === '' || usedAttributeUuids.has(uuid)) continue;
      usedAttributeUuids.add(uuid);
      let objectId = 0;
      if (object) {
        objectId = objectIds.get(object) ?? int(object['id'], 0);
        if (objectId === 0) objectId = nextObjectId++;
        objectIds.set(object, objectId);
      }
      attributes.push({
        id: claim(usedAttributeIds, int(attribute['id'], 0), () => nextAttributeId++),
        eventId: event.id,
        objectId,
        objectRelation: object ? str(attribute['object_relation']) || null : nullableString(attribute['object_relation']),
        category: str(attribute['category'], 'Other'),
        type: str(attribute['type']),
        value: str(attribute['value']),
        toIds: flag(attribute['to_ids'], false),
        uuid,
        timestamp: int(attribute['timestamp'], event.timestamp),
        distribution: int(attribute['distribution'], 5),
        comment: str(attribute['comment']),
        deleted: flag(attribute['deleted'], false),
        disableCorrelation: flag(attribute['disable_correlation'], false),
        firstSeen: nullableString(attribute['first_seen']),
        lastSeen: nullableString(attribute['last_seen']),
        tags: tags.fromJson(attribute['Tag']),
      });
    }
  }
  attributes.sort(compareAttributes);
  return { events, attributes, nextEventId, nextAttributeId, tags };
}
