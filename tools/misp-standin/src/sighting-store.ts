import { randomUUID } from 'node:crypto';

/** A sighting as MISP's OpenAPI `Sighting` schema renders it (ids and timestamps as strings). */
export interface StandinSighting {
  readonly id: string;
  readonly attribute_id: string;
  readonly event_id: string;
  readonly org_id: string;
  readonly date_sighting: string;
  readonly uuid: string;
  readonly source: string;
  readonly type: string;
  readonly attribute_uuid: string;
}

/** What `/sightings/add` asks for, read as MISP's SightingsController::add reads its body. */
export type SightingRequest =
  | { readonly ok: true; readonly values?: readonly string[]; readonly attributeRef?: string; readonly timestamp: number; readonly source: string; readonly type: string }
  | { readonly ok: false; readonly error: string };

/** The attribute facts a sighting needs. */
export interface SightedAttribute {
  readonly id: number;
  readonly eventId: number;
  readonly uuid: string;
}

/**
 * MISP's reading of a `/sightings/add` body (SightingsController::add): `value` (one) or `values`
 * (a list) to sight every attribute holding it, or `id` / `uuid` (the *attribute's*: MISP takes no
 * sighting uuid here) or the path's id to sight one attribute; `timestamp` (seconds, default now),
 * `source` (trimmed, default ''), `type` 0 sighting, 1 false positive, 2 expiration (default 0).
 */
export function parseSightingRequest(body: unknown, pathRef: string | undefined, nowSeconds: number): SightingRequest {
  const data = unwrap(body);
  if (data === undefined) return { ok: false, error: 'No valid attributes found.' };
  const values = typeof data['value'] === 'string' ? [data['value']] : Array.isArray(data['values']) ? data['values'] : undefined;
  if (values !== undefined && !values.every((value): value is string => typeof value === 'string')) return { ok: false, error: 'values must be strings' };
  const ref = pathRef ?? (typeof data['uuid'] === 'string' ? data['uuid'] : typeof data['id'] === 'string' || typeof data['id'] === 'number' ? String(data['id']) : undefined);
  const type = data['type'] === undefined ? '0' : String(data['type']);
  if (!['0', '1', '2'].includes(type)) return { ok: false, error: 'Invalid type, please change it before you POST 1000000 sightings.' };
  const rawTimestamp = data['timestamp'];
  const timestamp = rawTimestamp === undefined || rawTimestamp === null ? nowSeconds : Number(rawTimestamp);
  if (!Number.isInteger(timestamp) || timestamp < 0) return { ok: false, error: 'timestamp must be seconds since the epoch' };
  const source = typeof data['source'] === 'string' ? data['source'].trim() : '';
  if (ref === undefined && (values === undefined || values.length === 0)) return { ok: false, error: 'No valid attributes found.' };
  return { ok: true, ...(ref === undefined ? { values } : { attributeRef: ref }), timestamp, source, type };
}

/** Whether an attribute value (`a|b` for composite types: value1, value2) holds one of `values`, case-insensitively, as MISP's LOWER(value) LIKE does without wildcards. */
export function holdsValue(attributeValue: string, values: readonly string[]): boolean {
  const parts = attributeValue.toLowerCase().split('|');
  return values.some((value) => parts.includes(value.toLowerCase()));
}

/** The sightings the stand-in recorded, in order. */
export class SightingStore {
  private readonly sightings: StandinSighting[] = [];
  private nextId = 1;

  /** One sighting per attribute (MISP's saveSightings); returns how many were added. */
  add(attributes: readonly SightedAttribute[], request: Extract<SightingRequest, { ok: true }>): number {
    for (const attribute of attributes) {
      this.sightings.push({
        id: String(this.nextId++),
        attribute_id: String(attribute.id),
        event_id: String(attribute.eventId),
        org_id: '1',
        date_sighting: String(request.timestamp),
        uuid: randomUUID(),
        source: request.source,
        type: request.type,
        attribute_uuid: attribute.uuid,
      });
    }
    return attributes.length;
  }

  all(): readonly StandinSighting[] {
    return [...this.sightings];
  }

  forEvent(eventId: number): StandinSighting[] {
    return this.sightings.filter((sighting) => sighting.event_id === String(eventId));
  }

  clear(): void {
    this.sightings.length = 0;
  }
}

function unwrap(body: unknown): Record<string, unknown> | undefined {
  if (!isObject(body)) return undefined;
  const request = isObject(body['request']) ? body['request'] : body;
  return isObject(request['Sighting']) ? request['Sighting'] : request;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
