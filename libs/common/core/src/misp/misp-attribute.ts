/**
 * A MISP attribute as `/attributes/restSearch` returns it, parsed into typed fields.
 *
 * MISP sends ids and timestamps as decimal strings and booleans as JSON booleans (older
 * servers and some exports send "0"/"1"); the parser accepts both and normalises them.
 * Event tags only appear in `tags` when the search asked for `includeEventTags`; MISP marks
 * them `inherited: 1`.
 */
export interface MispTag {
  readonly name: string;
  /** True when MISP copied the tag down from the attribute's event (`inherited: 1`). */
  readonly inherited: boolean;
}

/** The event stub MISP embeds in every restSearch attribute. */
export interface MispEventStub {
  readonly id: string;
  readonly uuid: string;
  readonly info: string;
  readonly orgId?: string;
  readonly orgcId?: string;
  readonly distribution?: string;
  /** 1 High, 2 Medium, 3 Low, 4 Undefined; in the stub only when MISP sends it (not every version does). */
  readonly threatLevelId?: string;
  /** The event's `published` flag, when the stub carries it (feeds, notifications; restSearch stubs usually do not). */
  readonly published?: boolean;
}

/** One element of `decay_score`, sent per attribute when the search asked for `includeDecayScore`. */
export interface MispDecayScore {
  readonly score: number;
  readonly decayed: boolean;
  /** `DecayingModel.name`, when present. */
  readonly model?: string;
}

export interface MispAttribute {
  readonly id: string;
  readonly eventId: string;
  /** "0" for an attribute that is not part of an object. */
  readonly objectId: string;
  readonly objectRelation: string | null;
  readonly category: string;
  readonly type: string;
  readonly value: string;
  readonly toIds: boolean;
  readonly uuid: string;
  /** Seconds since the epoch; the incremental-sync cursor. */
  readonly timestamp: number;
  readonly distribution: string;
  readonly comment: string;
  readonly deleted: boolean;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  readonly event?: MispEventStub;
  readonly tags: readonly MispTag[];
  /** Present only when MISP sent `decay_score` (one entry per enabled decaying model). */
  readonly decayScores?: readonly MispDecayScore[];
}

export type ParseMispAttributeResult =
  | { readonly ok: true; readonly attribute: MispAttribute }
  | { readonly ok: false; readonly reason: string };

type Json = Record<string, unknown>;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIGITS = /^\d+$/;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** MISP ids: decimal strings; some exports send numbers. */
function readId(source: Json, field: string): string | undefined {
  const value = source[field];
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && DIGITS.test(value)) return value;
  return undefined;
}

/** MISP booleans: JSON booleans, or 0/1 as numbers or strings from older servers. */
function readFlag(source: Json, field: string, fallback: boolean): boolean | undefined {
  const value = source[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === '0') return false;
  if (value === 1 || value === '1') return true;
  return undefined;
}

function readOptionalString(source: Json, field: string): string | null | undefined {
  const value = source[field];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  return undefined;
}

function parseTags(value: unknown): MispTag[] | string {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return 'Tag is not a list';
  const tags: MispTag[] = [];
  for (const tag of value) {
    if (!isObject(tag) || typeof tag['name'] !== 'string') return 'Tag entry without a name';
    const inherited = tag['inherited'];
    tags.push({ name: tag['name'], inherited: inherited === 1 || inherited === '1' || inherited === true });
  }
  return tags;
}

function parseEventStub(value: unknown): MispEventStub | undefined | string {
  if (value === undefined) return undefined;
  if (!isObject(value)) return 'Event is not an object';
  const id = readId(value, 'id');
  const uuid = value['uuid'];
  const info = value['info'];
  if (id === undefined) return 'Event.id is missing or not numeric';
  if (typeof uuid !== 'string' || !UUID_PATTERN.test(uuid)) return 'Event.uuid is missing or not a uuid';
  const stub: MispEventStub = { id, uuid: uuid.toLowerCase(), info: typeof info === 'string' ? info : '' };
  const orgId = readId(value, 'org_id');
  const orgcId = readId(value, 'orgc_id');
  const distribution = readId(value, 'distribution');
  const threatLevelId = readId(value, 'threat_level_id');
  const published = value['published'] === undefined ? undefined : readFlag(value, 'published', false);
  return {
    ...stub,
    ...(orgId === undefined ? {} : { orgId }),
    ...(orgcId === undefined ? {} : { orgcId }),
    ...(distribution === undefined ? {} : { distribution }),
    ...(threatLevelId === undefined ? {} : { threatLevelId }),
    ...(published === undefined ? {} : { published }),
  };
}

/** `decay_score` entries with a numeric score; anything else in the list is ignored (informational field). */
function parseDecayScores(value: unknown): MispDecayScore[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const scores: MispDecayScore[] = [];
  for (const entry of value) {
    if (!isObject(entry)) continue;
    const score = typeof entry['score'] === 'number' ? entry['score'] : typeof entry['score'] === 'string' ? Number(entry['score']) : Number.NaN;
    if (!Number.isFinite(score)) continue;
    const model = isObject(entry['DecayingModel']) ? entry['DecayingModel']['name'] : undefined;
    scores.push({ score, decayed: entry['decayed'] === true || entry['decayed'] === 1 || entry['decayed'] === '1', ...(typeof model === 'string' ? { model } : {}) });
  }
  return scores;
}

/**
 * Parses one element of `response.Attribute`. Rejects (with a reason) anything an indicator
 * pipeline cannot use safely: no uuid (the identity across sanitised deletes), no timestamp
 * (the cursor), no type or value. Optional fields get MISP's defaults.
 */
export function parseMispAttribute(json: unknown): ParseMispAttributeResult {
  if (!isObject(json)) return { ok: false, reason: 'attribute is not an object' };
  const id = readId(json, 'id');
  if (id === undefined) return { ok: false, reason: 'id is missing or not numeric' };
  const eventId = readId(json, 'event_id');
  if (eventId === undefined) return { ok: false, reason: 'event_id is missing or not numeric' };
  const uuid = json['uuid'];
  if (typeof uuid !== 'string' || !UUID_PATTERN.test(uuid)) return { ok: false, reason: 'uuid is missing or not a uuid' };
  const type = json['type'];
  if (typeof type !== 'string' || type === '') return { ok: false, reason: 'type is missing' };
  const value = json['value'];
  if (typeof value !== 'string') return { ok: false, reason: 'value is missing or not a string' };
  const timestamp = readId(json, 'timestamp');
  if (timestamp === undefined) return { ok: false, reason: 'timestamp is missing or not numeric' };
  // `99999999999999999999` is digits too: as a number it would outrank every later change (removals included).
  if (!Number.isSafeInteger(Number(timestamp))) return { ok: false, reason: 'timestamp is out of range' };
  const toIds = readFlag(json, 'to_ids', false);
  if (toIds === undefined) return { ok: false, reason: 'to_ids is not a boolean' };
  const deleted = readFlag(json, 'deleted', false);
  if (deleted === undefined) return { ok: false, reason: 'deleted is not a boolean' };
  const objectRelation = readOptionalString(json, 'object_relation');
  if (objectRelation === undefined) return { ok: false, reason: 'object_relation is not a string' };
  const firstSeen = readOptionalString(json, 'first_seen');
  const lastSeen = readOptionalString(json, 'last_seen');
  if (firstSeen === undefined || lastSeen === undefined) return { ok: false, reason: 'first_seen/last_seen is not a string' };
  const tags = parseTags(json['Tag']);
  if (typeof tags === 'string') return { ok: false, reason: tags };
  const event = parseEventStub(json['Event']);
  if (typeof event === 'string') return { ok: false, reason: event };
  const category = json['category'];
  const comment = json['comment'];
  const decayScores = parseDecayScores(json['decay_score']);
  const attribute: MispAttribute = {
    id,
    eventId,
    objectId: readId(json, 'object_id') ?? '0',
    objectRelation,
    category: typeof category === 'string' ? category : '',
    type,
    value,
    toIds,
    uuid: uuid.toLowerCase(),
    timestamp: Number(timestamp),
    distribution: readId(json, 'distribution') ?? '5',
    comment: typeof comment === 'string' ? comment : '',
    deleted,
    firstSeen,
    lastSeen,
    tags,
    ...(event === undefined ? {} : { event }),
    ...(decayScores === undefined ? {} : { decayScores }),
  };
  return { ok: true, attribute };
}
