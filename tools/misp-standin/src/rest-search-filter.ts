/**
 * The subset of MISP's `AttributeRestSearchFilter` the stand-in implements, parsed from a
 * request body the way MISP reads it: numbers or numeric strings, 0/1 or booleans, a single value
 * or a list, and relative times such as "1d" for timestamps. Unknown keys are ignored, as MISP
 * ignores them.
 */
export interface RestSearchFilter {
  readonly page?: number;
  readonly limit?: number;
  /** Inclusive attribute-timestamp range (seconds). */
  readonly timestampFrom?: number;
  readonly timestampTo?: number;
  /** Lower bound (seconds) on the timestamp of the attribute's event (`event_timestamp`). */
  readonly eventTimestampFrom?: number;
  readonly types?: ReadonlySet<string>;
  readonly values?: ReadonlySet<string>;
  /** Which `deleted` states to return; MISP's default is live attributes only. */
  readonly deleted: ReadonlySet<boolean>;
  readonly toIds?: boolean;
  readonly includeEventTags: boolean;
  readonly enforceWarninglist: boolean;
  readonly eventIds?: ReadonlySet<number>;
  /** Matches the attribute uuid or its event's uuid, as MISP's `uuid` filter does. */
  readonly uuids?: ReadonlySet<string>;
  /** Only attributes of events with this `published` flag. */
  readonly published?: boolean;
  /** `tags`: names (`%` wildcard, case-insensitive) an attribute or its event must carry one of; `!name` ones it must carry none of. */
  readonly tagsAny?: readonly TagMatcher[];
  readonly tagsNone?: readonly TagMatcher[];
  /** `org`: creator organisation ids or names. */
  readonly orgs?: ReadonlySet<string>;
  readonly includeDecayScore?: boolean;
  readonly excludeDecayed?: boolean;
  /** `score`: the decaying model's threshold overridden. */
  readonly decayThreshold?: number;
  /** The request's time (seconds), for decay scores. */
  readonly now?: number;
}

export type ParsedFilter = { readonly ok: true; readonly filter: RestSearchFilter } | { readonly ok: false; readonly message: string };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const RELATIVE_TIME = /^(\d+)([smhdw])$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** A MISP time filter value: epoch seconds (number or string) or a delta back from now ("30m"). */
export function resolveTime(value: unknown, nowSeconds: number): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.floor(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const relative = RELATIVE_TIME.exec(trimmed);
  if (relative) return nowSeconds - Number(relative[1]) * UNIT_SECONDS[relative[2]!]!;
  return undefined;
}

function positiveInt(value: unknown): number | undefined | 'invalid' {
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isSafeInteger(parsed) && parsed >= 0 ? parsed : 'invalid';
}

function flag(value: unknown): boolean | undefined | 'invalid' {
  if (value === undefined || value === null || value === '') return undefined;
  if (value === true || value === 1 || value === '1' || value === 'true') return true;
  if (value === false || value === 0 || value === '0' || value === 'false') return false;
  return 'invalid';
}

function stringSet(value: unknown): Set<string> | undefined | 'invalid' {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((entry) => typeof entry === 'string' || typeof entry === 'number')) return 'invalid';
  return new Set(list.map(String));
}

function deletedStates(value: unknown): Set<boolean> | 'invalid' {
  if (value === undefined || value === null) return new Set([false]);
  if (value === 'only') return new Set([true]);
  const list = Array.isArray(value) ? value : [value];
  const states = new Set<boolean>();
  for (const entry of list) {
    const parsed = flag(entry);
    if (parsed === 'invalid' || parsed === undefined) return 'invalid';
    states.add(parsed);
  }
  return states;
}

/** A tag filter's matcher: `test(tag)` says whether the tag matches. */
export interface TagMatcher {
  test(tag: string): boolean;
}

/**
 * A MISP tag filter entry as a matcher: `%` is any run of characters, the rest literal,
 * case-insensitive (SQL LIKE). Matched without a regular expression: the literal parts in order,
 * the first anchored at the start and the last at the end, each found leftmost (linear in the tag).
 */
export function tagPattern(entry: string): TagMatcher {
  const parts = entry.toLowerCase().split('%');
  return {
    test(tag: string): boolean {
      const value = tag.toLowerCase();
      if (parts.length === 1) return value === parts[0];
      const first = parts[0]!;
      const last = parts[parts.length - 1]!;
      if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
      let at = first.length;
      const end = value.length - last.length;
      for (const middle of parts.slice(1, -1)) {
        const found = value.indexOf(middle, at);
        if (found < 0 || found + middle.length > end) return false;
        at = found + middle.length;
      }
      return true;
    },
  };
}

export function parseRestSearchFilter(body: unknown, nowSeconds: number): ParsedFilter {
  // MISP also accepts the filter wrapped as {"request": {...}}.
  const source = isObject(body) && isObject(body['request']) ? body['request'] : body;
  if (source === undefined || source === null) return parseRestSearchFilter({}, nowSeconds);
  if (!isObject(source)) return { ok: false, message: 'The request body must be a JSON object.' };

  const returnFormat = source['returnFormat'] ?? 'json';
  if (returnFormat !== 'json') return { ok: false, message: `Invalid return format. The stand-in only serves json, not ${String(returnFormat)}.` };

  const page = positiveInt(source['page']);
  const limit = positiveInt(source['limit']);
  if (page === 'invalid' || page === 0) return { ok: false, message: 'Invalid page: a positive integer is expected.' };
  if (limit === 'invalid') return { ok: false, message: 'Invalid limit: a non-negative integer is expected.' };

  // `timestamp` and `attribute_timestamp` both filter on the attribute timestamp; a two-element
  // list is a [from, to] range.
  const rawTime = source['attribute_timestamp'] ?? source['timestamp'];
  let timestampFrom: number | undefined;
  let timestampTo: number | undefined;
  if (rawTime !== undefined && rawTime !== null && rawTime !== '') {
    const [from, to] = Array.isArray(rawTime) ? rawTime : [rawTime];
    timestampFrom = resolveTime(from, nowSeconds);
    if (timestampFrom === undefined) return { ok: false, message: `Invalid timestamp ${JSON.stringify(rawTime)}.` };
    if (to !== undefined) {
      timestampTo = resolveTime(to, nowSeconds);
      if (timestampTo === undefined) return { ok: false, message: `Invalid timestamp ${JSON.stringify(rawTime)}.` };
    }
  }

  let eventTimestampFrom: number | undefined;
  const rawEventTime = source['event_timestamp'];
  if (rawEventTime !== undefined && rawEventTime !== null && rawEventTime !== '') {
    eventTimestampFrom = resolveTime(Array.isArray(rawEventTime) ? rawEventTime[0] : rawEventTime, nowSeconds);
    if (eventTimestampFrom === undefined) return { ok: false, message: `Invalid event_timestamp ${JSON.stringify(rawEventTime)}.` };
  }

  const types = stringSet(source['type']);
  const values = stringSet(source['value']);
  const eventIds = stringSet(source['eventid']);
  const uuids = stringSet(source['uuid']);
  if (types === 'invalid' || values === 'invalid' || eventIds === 'invalid' || uuids === 'invalid') {
    return { ok: false, message: 'type, value, eventid and uuid take a string or a list of strings.' };
  }
  const deleted = deletedStates(source['deleted']);
  if (deleted === 'invalid') return { ok: false, message: 'Invalid deleted: 0, 1, [0,1] or "only" expected.' };
  const toIds = flag(source['to_ids']);
  const includeEventTags = flag(source['includeEventTags']);
  const enforceWarninglist = flag(source['enforceWarninglist']);
  const published = flag(source['published']);
  const includeDecayScore = flag(source['includeDecayScore']);
  const excludeDecayed = flag(source['excludeDecayed']);
  if (toIds === 'invalid' || includeEventTags === 'invalid' || enforceWarninglist === 'invalid' || published === 'invalid' || includeDecayScore === 'invalid' || excludeDecayed === 'invalid') {
    return { ok: false, message: 'to_ids, includeEventTags, enforceWarninglist, published, includeDecayScore and excludeDecayed take 0/1 or a boolean.' };
  }
  const tags = stringSet(source['tags']);
  const orgs = stringSet(source['org']);
  if (tags === 'invalid' || orgs === 'invalid') return { ok: false, message: 'tags and org take a string or a list of strings.' };
  const tagList = [...(tags ?? [])];
  const tagsAny = tagList.filter((tag) => !tag.startsWith('!')).map(tagPattern);
  const tagsNone = tagList.filter((tag) => tag.startsWith('!')).map((tag) => tagPattern(tag.slice(1)));
  const rawScore = source['score'];
  const decayThreshold = rawScore === undefined || rawScore === null || rawScore === '' ? undefined : Number(rawScore);
  if (decayThreshold !== undefined && !Number.isFinite(decayThreshold)) return { ok: false, message: 'score takes a number.' };

  return {
    ok: true,
    filter: {
      deleted,
      includeEventTags: includeEventTags ?? false,
      enforceWarninglist: enforceWarninglist ?? false,
      ...(includeDecayScore === true ? { includeDecayScore } : {}),
      ...(excludeDecayed === true ? { excludeDecayed, now: nowSeconds } : {}),
      ...(published === undefined ? {} : { published }),
      ...(tagsAny.length > 0 ? { tagsAny } : {}),
      ...(tagsNone.length > 0 ? { tagsNone } : {}),
      ...(orgs ? { orgs } : {}),
      ...(decayThreshold === undefined ? {} : { decayThreshold }),
      ...(page === undefined ? {} : { page }),
      ...(limit === undefined || limit === 0 ? {} : { limit }),
      ...(timestampFrom === undefined ? {} : { timestampFrom }),
      ...(timestampTo === undefined ? {} : { timestampTo }),
      ...(eventTimestampFrom === undefined ? {} : { eventTimestampFrom }),
      ...(types ? { types } : {}),
      ...(values ? { values } : {}),
      ...(toIds === undefined ? {} : { toIds }),
      ...(eventIds ? { eventIds: new Set([...eventIds].map(Number)) } : {}),
      ...(uuids ? { uuids: new Set([...uuids].map((uuid) => uuid.toLowerCase())) } : {}),
    },
  };
}
