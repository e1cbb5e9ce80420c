import { parseMispAttribute, type MispAttribute } from '@iocflow/core';
import { feedAttributeUuid } from './feed-attribute-uuid';

export interface FeedEventAttributes {
  readonly eventUuid: string;
  readonly attributes: readonly MispAttribute[];
  /** Attributes that could not be used (no uuid, no type…), by position in the event; skipped. */
  readonly invalid: readonly { readonly index: number; readonly reason: string }[];
}

export type FeedEventResult = ({ readonly ok: true } & FeedEventAttributes) | { readonly ok: false; readonly reason: string };

type Json = Record<string, unknown>;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * The attributes of one MISP feed event file (`<event uuid>.json`), as restSearch would return
 * them, so that the MISP server's path (`toAttributeUpdate`) applies unchanged.
 *
 * The file is `{"Event": {…}}` (or the bare event) in the feed's compact form: no local ids,
 * `Attribute[]` at the top and more attributes inside `Object[].Attribute[]`, event `Tag[]` at the
 * event level. So each attribute gets: ids "0" (a feed has none), the event's tags marked
 * inherited (what `includeEventTags` does), an event stub (uuid, info, threat_level_id), a deleted
 * flag when its object is deleted, the event timestamp when it has none, and a per-source uuid
 * (`feedAttributeUuid`) as its identity.
 */
export function feedEventAttributes(json: unknown, source: string): FeedEventResult {
  const event = isObject(json) && isObject(json['Event']) ? json['Event'] : json;
  if (!isObject(event)) return { ok: false, reason: 'event file is not a JSON object' };
  const uuid = event['uuid'];
  if (typeof uuid !== 'string' || !UUID_PATTERN.test(uuid)) return { ok: false, reason: 'Event.uuid is missing or not a uuid' };
  const eventUuid = uuid.toLowerCase();
  const info = typeof event['info'] === 'string' ? event['info'] : '';
  const eventTimestamp = typeof event['timestamp'] === 'string' || typeof event['timestamp'] === 'number' ? String(event['timestamp']) : undefined;
  const eventTags = list(event['Tag'])
    .filter(isObject)
    .map((tag) => ({ name: tag['name'], inherited: 1 }));
  // The stub carries what selection can judge in a feed too (published, distribution; issue 15).
  const stub: Json = { id: '0', uuid: eventUuid, info };
  for (const field of ['threat_level_id', 'published', 'distribution'] as const) if (event[field] !== undefined) stub[field] = event[field];

  const raw: { attribute: unknown; objectDeleted: boolean }[] = list(event['Attribute']).map((attribute) => ({ attribute, objectDeleted: false }));
  for (const object of list(event['Object'])) {
    if (!isObject(object)) continue;
    const deleted = object['deleted'] === true || object['deleted'] === 1 || object['deleted'] === '1';
    for (const attribute of list(object['Attribute'])) raw.push({ attribute, objectDeleted: deleted });
  }

  const attributes: MispAttribute[] = [];
  const invalid: { index: number; reason: string }[] = [];
  raw.forEach(({ attribute, objectDeleted }, index) => {
    if (!isObject(attribute)) {
      invalid.push({ index, reason: 'attribute is not an object' });
      return;
    }
    const own = list(attribute['Tag']).filter(isObject);
    const ownNames = new Set(own.map((tag) => tag['name']));
    const parsed = parseMispAttribute({
      id: '0',
      event_id: '0',
      ...(eventTimestamp === undefined ? {} : { timestamp: eventTimestamp }),
      ...attribute,
      ...(objectDeleted ? { deleted: true } : {}),
      Tag: [...own, ...eventTags.filter((tag) => !ownNames.has(tag.name))],
      Event: stub,
    });
    if (!parsed.ok) {
      invalid.push({ index, reason: parsed.reason });
      return;
    }
    attributes.push({ ...parsed.attribute, uuid: feedAttributeUuid(source, parsed.attribute.uuid) });
  });
  return { ok: true, eventUuid, attributes, invalid };
}
