import { isObservableKind } from './observable-kind';
import { THREAT_HIT_MODES, type ThreatHit } from './threat-hit';

export type ReadThreatHitResult = { readonly ok: true; readonly hit: ThreatHit } | { readonly ok: false; readonly reason: string };

/**
 * A hit record read back from the hits topic, checked where its consumers rely on it: a JSON
 * object with parsable `@timestamp` and `event.created`, `iocflow.hit` (id, mode), `iocflow.indicator` (a known kind
 * and a value), `iocflow.document.id` and one `threat.enrichments` entry. The rest is passed
 * through as it came (a hit is written by iocflow; this guards against a foreign producer).
 */
export function readThreatHit(value: Uint8Array | string | null | undefined): ReadThreatHitResult {
  if (value === null || value === undefined || value.length === 0) return { ok: false, reason: 'empty value' };
  let json: unknown;
  try {
    json = JSON.parse(typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!isObject(json)) return { ok: false, reason: 'not a JSON object' };
  const timestamp = json['@timestamp'];
  if (typeof timestamp !== 'string' || Number.isNaN(Date.parse(timestamp))) return { ok: false, reason: '@timestamp is not an ISO-8601 time' };
  const event = json['event'];
  if (!isObject(event) || typeof event['created'] !== 'string' || Number.isNaN(Date.parse(event['created']))) return { ok: false, reason: 'event.created is not an ISO-8601 time' };
  const iocflow = json['iocflow'];
  if (!isObject(iocflow)) return { ok: false, reason: 'iocflow is missing' };
  const hit = iocflow['hit'];
  if (!isObject(hit) || typeof hit['id'] !== 'string' || hit['id'].length === 0) return { ok: false, reason: 'iocflow.hit.id is missing' };
  if (!(THREAT_HIT_MODES as readonly unknown[]).includes(hit['mode'])) return { ok: false, reason: 'iocflow.hit.mode is not live or retrospective' };
  const indicator = iocflow['indicator'];
  if (!isObject(indicator) || typeof indicator['kind'] !== 'string' || !isObservableKind(indicator['kind'])) return { ok: false, reason: 'iocflow.indicator.kind is not a known kind' };
  if (typeof indicator['value'] !== 'string' || indicator['value'].length === 0) return { ok: false, reason: 'iocflow.indicator.value is missing' };
  const document = iocflow['document'];
  if (!isObject(document) || typeof document['id'] !== 'string') return { ok: false, reason: 'iocflow.document.id is missing' };
  const threat = json['threat'];
  if (!isObject(threat) || !Array.isArray(threat['enrichments']) || threat['enrichments'].length !== 1 || !isObject(threat['enrichments'][0])) {
    return { ok: false, reason: 'threat.enrichments is not one entry' };
  }
  const misp = json['misp'];
  if (misp !== undefined && !(isObject(misp) && optionalString(misp['event_uuid']) && optionalString(misp['attribute_uuid']))) return { ok: false, reason: 'misp is not event_uuid/attribute_uuid strings' };
  return { ok: true, hit: json as unknown as ThreatHit };
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
