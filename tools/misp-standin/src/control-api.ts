import { isFaultKind } from './fault-plan';
import { MispModelError, type AttributeChanges, type NewAttribute } from './misp-model';
import type { MispStandin } from './misp-standin';

/**
 * The stand-in's test-control API (not part of MISP), under `/__standin/`, no authentication:
 *
 *   POST   /__standin/events/{event id|uuid}/attributes   {type, value, category?, to_ids?, comment?, tags?, uuid?}
 *   PATCH  /__standin/attributes/{id|uuid}                {value?, type?, to_ids?, comment?, tags?}
 *   DELETE /__standin/attributes/{id|uuid}[?hard=1][&sanitise=1]   soft delete (default) or hard delete
 *   POST   /__standin/attributes/{id|uuid}/restore
 *   GET    /__standin/attributes/{id|uuid}
 *   PUT    /__standin/events/{event id|uuid}/tags          {tags: ["Feed-X", ...]}
 *   POST   /__standin/faults                              {kind: 500|invalid-json|wrong-envelope|hang|401, count?}
 *   DELETE /__standin/faults
 *   GET    /__standin/requests      DELETE /__standin/requests
 *   GET    /__standin/notifications  (MISP Kafka-plugin messages for every change so far)
 *   PUT    /__standin/clock                               {now: seconds | null}
 *
 * Every attribute change answers with the attribute as restSearch renders it.
 */
export interface ControlResult {
  readonly status: number;
  readonly body: unknown;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function optionalFlag(value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  return value === true || value === 1 || value === '1' || value === 'true';
}

function stringList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) throw new MispModelError(400, 'tags must be a list of strings');
  return value;
}

function newAttribute(body: unknown): NewAttribute {
  if (!isObject(body) || typeof body['type'] !== 'string' || typeof body['value'] !== 'string') {
    throw new MispModelError(400, 'type and value (strings) are required');
  }
  const toIds = optionalFlag(body['to_ids']);
  const tags = stringList(body['tags']);
  return {
    type: body['type'],
    value: body['value'],
    ...(typeof body['category'] === 'string' ? { category: body['category'] } : {}),
    ...(typeof body['comment'] === 'string' ? { comment: body['comment'] } : {}),
    ...(typeof body['uuid'] === 'string' ? { uuid: body['uuid'] } : {}),
    ...(toIds === undefined ? {} : { toIds }),
    ...(tags ? { tags } : {}),
  };
}

function attributeChanges(body: unknown): AttributeChanges {
  if (!isObject(body)) throw new MispModelError(400, 'a JSON object of changes is required');
  const toIds = optionalFlag(body['to_ids']);
  const tags = stringList(body['tags']);
  return {
    ...(typeof body['value'] === 'string' ? { value: body['value'] } : {}),
    ...(typeof body['type'] === 'string' ? { type: body['type'] } : {}),
    ...(typeof body['comment'] === 'string' ? { comment: body['comment'] } : {}),
    ...(toIds === undefined ? {} : { toIds }),
    ...(tags ? { tags } : {}),
  };
}

export function handleControlRequest(standin: MispStandin, method: string, pathWithQuery: string, body: unknown): ControlResult {
  const [path = '', query = ''] = pathWithQuery.split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
  const route = `${method} ${parts.map((part, index) => (index % 2 === 1 && parts[0] !== 'faults' ? ':ref' : part)).join('/')}`;
  const ref = parts[1] ?? '';
  switch (route) {
    case 'POST events/:ref/attributes':
      return { status: 201, body: standin.addAttribute(ref, newAttribute(body)) };
    case 'PUT events/:ref/tags': {
      const tags = isObject(body) ? stringList(body['tags']) : undefined;
      if (!tags) throw new MispModelError(400, '{"tags": [...]} is required');
      return { status: 200, body: standin.setEventTags(ref, tags) };
    }
    case 'GET attributes/:ref': {
      const attribute = standin.getAttribute(ref);
      return attribute ? { status: 200, body: attribute } : { status: 404, body: { error: `Invalid attribute ${ref}.` } };
    }
    case 'PATCH attributes/:ref':
      return { status: 200, body: standin.editAttribute(ref, attributeChanges(body)) };
    case 'DELETE attributes/:ref':
      return optionalFlag(params.get('hard') ?? undefined)
        ? { status: 200, body: standin.hardDeleteAttribute(ref) }
        : { status: 200, body: standin.softDeleteAttribute(ref, { sanitise: optionalFlag(params.get('sanitise') ?? undefined) ?? false }) };
    case 'POST attributes/:ref/restore':
      return { status: 200, body: standin.restoreAttribute(ref) };
    case 'POST faults': {
      const kind = isObject(body) ? body['kind'] : undefined;
      const count = isObject(body) && typeof body['count'] === 'number' ? body['count'] : 1;
      if (!isFaultKind(kind)) throw new MispModelError(400, 'kind must be one of 500, invalid-json, wrong-envelope, hang, 401');
      standin.injectFault(kind, count);
      return { status: 204, body: null };
    }
    case 'DELETE faults':
      standin.clearFaults();
      return { status: 204, body: null };
    case 'GET requests':
      return { status: 200, body: standin.requests() };
    case 'DELETE requests':
      standin.clearRequests();
      return { status: 204, body: null };
    case 'GET sightings':
      return { status: 200, body: standin.sightings() };
    case 'DELETE sightings':
      standin.clearSightings();
      return { status: 204, body: null };
    case 'GET notifications':
      return { status: 200, body: standin.notifications() };
    case 'PUT clock': {
      const now = isObject(body) ? body['now'] : undefined;
      if (now !== null && typeof now !== 'number') throw new MispModelError(400, '{"now": seconds | null} is required');
      standin.setNow(now ?? undefined);
      return { status: 200, body: { now: standin.now() } };
    }
    default:
      return { status: 404, body: { error: `no control route ${method} ${path}` } };
  }
}
